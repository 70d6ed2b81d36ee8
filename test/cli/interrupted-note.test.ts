// The last line after Ctrl-C: "run again" only when something is left to do.
import { describe, expect, it } from "vitest";
import { interruptedNote } from "../../src/cli/apply-flow.js";

const counts = { added: 9, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0, interrupted: 0 };

describe("GIVEN an apply stopped by a signal", () => {
  it("WHEN the signal came during the last operation THEN it says nothing is left, not to run again", () => {
    expect(interruptedNote(counts)).toBe(
      "The state holds everything that finished, and the lock is released. Every planned operation had finished: nothing is left to do.",
    );
  });

  it("WHEN operations were not started, failed or skipped, or none ran THEN it says to run the command again", () => {
    const again = "The state holds everything that finished, and the lock is released. Run the command again to finish.";
    expect([
      interruptedNote({ ...counts, interrupted: 3 }),
      interruptedNote({ ...counts, failed: 1 }),
      interruptedNote({ ...counts, skipped: 1 }),
      interruptedNote(undefined),
    ]).toEqual([again, again, again, again]);
  });
});

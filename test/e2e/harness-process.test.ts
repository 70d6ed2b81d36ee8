// The e2e harness runs ssh, ansible and friends with runProcess. A program may exit before reading
// the input it was given; the harness must still report its status instead of failing the suite
// with the EPIPE of the write.
import { describe, expect, it } from "vitest";
import { runProcess } from "./harness/process.js";

describe("GIVEN a program that exits without reading its standard input", () => {
  it("WHEN runProcess gives it 4 MB of input THEN the result is its exit status and output, with no error", async () => {
    const r = await runProcess("sh", ["-c", "echo done; exit 3"], { input: "x".repeat(4 * 1024 * 1024) });
    expect(r).toEqual({ status: 3, stdout: "done\n", stderr: "" });
  });
});

// --json (one document) and --json-events (a stream) exclude each other; asked for both, the
// refusal goes to stderr only, so no reader of either format parses half of the other.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { oslogin } from "./run-cli.js";

describe("GIVEN plan with both --json and --json-events", () => {
  it("WHEN it runs THEN it exits 2 with the reason on stderr and nothing on stdout", () => {
    const r = oslogin(mkdtempSync(path.join(tmpdir(), "oslogin-json-formats-")), "plan", "--json", "--json-events");
    expect([r.code, r.out, r.err.trim()]).toEqual([
      2,
      "",
      "oslogin plan: --json and --json-events exclude each other: --json prints one result object at the end, --json-events a stream of events",
    ]);
  });
});

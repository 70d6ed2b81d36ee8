// Which backend a stack's state was last in (backend-record.ts): two spellings of one local state
// file are the same backend, so planning another synth output directory is not a backend change.
import { describe, expect, it } from "vitest";
import { sameBackend } from "../../../src/engine/state/backend-record.js";

const local = (dir: string, body: Record<string, unknown> = {}) => ({ dir, backend: { local: body } });

describe("GIVEN the backend a stack's state was recorded in", () => {
  it("WHEN two output directories name the same local file by different relative paths THEN it is the same backend", () => {
    // cdktf writes the path relative to cdktf.out/stacks/<stack>; another --out-dir spells it anew.
    const a = local("/p/out-1/stacks/quickstart", { path: "../../../terraform.quickstart.tfstate" });
    const b = local("/p/out-2/stacks/quickstart", { path: "../../../terraform.quickstart.tfstate" });
    const c = local("/p/stacks/quickstart", { path: "../../terraform.quickstart.tfstate" });
    expect([sameBackend(a, b), sameBackend(a, c)]).toEqual([true, true]);
  });

  it("WHEN the file, the workspace directory or the kind differs THEN it is another backend", () => {
    const a = local("/p/out/stacks/s", { path: "../../../terraform.s.tfstate" });
    expect(sameBackend(a, local("/q/out/stacks/s", { path: "../../../terraform.s.tfstate" }))).toBe(false);
    expect(sameBackend(a, local("/p/out/stacks/s", { path: "../../../terraform.s.tfstate", workspace_dir: "ws" }))).toBe(false);
    expect(sameBackend(local("/p", {}), local("/p", { path: "terraform.tfstate" }))).toBe(true);
    expect(sameBackend(a, { dir: "/p/out/stacks/s", backend: null })).toBe(false);
    const pg = { dir: "/x", backend: { pg: { conn_str: "postgres://h/db" } } };
    expect(sameBackend(pg, { dir: "/y", backend: { pg: { conn_str: "postgres://h/db" } } })).toBe(true);
    expect(sameBackend(pg, { dir: "/x", backend: { pg: { conn_str: "postgres://h/db", schema_name: "other" } } })).toBe(false);
  });
});

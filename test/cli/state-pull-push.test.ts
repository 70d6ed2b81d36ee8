// `oslogin state pull` prints the stack's state; `state push` replaces it under the lock, refusing
// another lineage or an older serial (as terraform state push does). State in a pg backend, so the
// commands go through the same backend as plan and apply.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededModel, tempDir, withBackend, writeStack } from "../engine/fixtures.js";
import { startPgCluster, type PgCluster } from "../e2e/harness/pg-cluster.js";
import { osloginAsync as oslogin } from "./run-cli.js";

const nullStack = () => ({
  provider: { null: [{}] },
  terraform: { required_providers: { null: { source: "hashicorp/null" } } },
  resource: { null_resource: { note: { triggers: { n: "1" } } } },
});

let cluster: PgCluster | undefined;
beforeAll(async () => {
  cluster = await startPgCluster();
}, 120_000);
afterAll(() => cluster?.stop());

describe("GIVEN a stack whose state is in pg", () => {
  it("WHEN the state is pulled and pushed back THEN the same lineage goes in, and another lineage or an older serial is refused", async () => {
    const dir = tempDir("oslogin-state-push-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, withBackend(nullStack(), cluster!.url));
    const applied = await oslogin(dir, "apply", "--auto-approve");
    expect(applied.err).toBe("");
    expect(applied.out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const pulled = await oslogin(dir, "state", "pull");
    expect(pulled.code).toBe(0);
    const state = JSON.parse(pulled.out);
    expect(state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`)).toEqual(["null_resource.note"]);

    const file = path.join(dir, "pulled.tfstate");
    writeFileSync(file, pulled.out);
    const pushed = await oslogin(dir, "state", "push", file);
    expect([pushed.code, pushed.out]).toEqual([0, "Pushed " + file + " to the state of stack test.\n"]);
    const after = JSON.parse((await oslogin(dir, "state", "pull")).out);
    expect([after.lineage, after.serial]).toEqual([state.lineage, state.serial + 1]);

    writeFileSync(file, JSON.stringify({ ...state, lineage: "11111111-2222-4333-8444-555555555555" }));
    const other = await oslogin(dir, "state", "push", file);
    expect(other.code).toBe(1);
    expect(other.err).toContain(`Cannot push the state: ${file} has lineage 11111111-2222-4333-8444-555555555555, the stored state ${state.lineage}: it is another stack's state`);

    writeFileSync(file, JSON.stringify({ ...state, serial: state.serial - 1 }));
    const older = await oslogin(dir, "state", "push", file);
    expect(older.code).toBe(1);
    expect(older.err).toContain(`Cannot push the state: ${file} has serial ${state.serial - 1}, older than the stored state's ${state.serial + 1}`);
  }, 120_000);
});

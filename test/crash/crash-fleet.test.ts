// The crash harness, short form (bench/crash/run.ts is the full one): `oslogin apply` of a small
// examples/fleet with authorized keys, SIGKILLed at points spread over the whole apply, killed then
// destroyed, killed then recovered by two applies at once. After each, the recovery exits 0,
// `plan --detailed-exitcode` exits 0, the cloud (counted through its API) holds exactly the declared
// objects and keys, the serial never went down, and no lock, temp file or pending create is left.
// Runs the compiled CLI, as a user does: `npm test` builds first.
import { describe, expect, it } from "vitest";
import { applyCase, destroyCase, prepareFleet, spreadPoints, type CaseResult, type Fleet } from "../../bench/crash/harness.js";

const SIZE = 6;
const KEY_EVERY = 2;
let fleet: Fleet | undefined;
const theFleet = () => (fleet ??= prepareFleet({ size: SIZE, keyEvery: KEY_EVERY, cli: "dist" }));

const ok = (r: CaseResult) => expect({ case: r.name, problems: r.problems }).toEqual({ case: r.name, problems: [] });
const declared = `${SIZE} SA, ${SIZE} VM, ${SIZE} prof, ${SIZE / KEY_EVERY} AK, ${SIZE - SIZE / KEY_EVERY} SSH, ${SIZE} bind`;

describe("GIVEN `oslogin apply` of a fleet with authorized keys (31 resources)", () => {
  it("WHEN it is SIGKILLed after creations spread from the first to the last THEN the next apply converges to exactly the declared objects", async () => {
    const f = theFleet();
    expect(f.resources).toBe(5 * SIZE + 1);
    for (const n of spreadPoints(f.resources, 5)) {
      const r = await applyCase(f, `kill-after-${n}`, { kind: "kill-after-creations", n, signal: "SIGKILL" });
      ok(r);
      expect([r.exit, r.recovery, r.planExit, r.cloud]).toEqual(["SIGKILL", "0", 0, declared]);
    }
  }, 120_000);

  it("WHEN it is SIGKILLed 300 ms into its creates THEN the next apply converges", async () => {
    const r = await applyCase(theFleet(), "kill-at-300ms", { kind: "kill-after-ms", ms: 300 });
    ok(r);
    expect([r.recovery, r.planExit, r.cloud]).toEqual(["0", 0, declared]);
  }, 60_000);

  it("WHEN it is SIGKILLed mid-way and then destroyed THEN destroy removes every object (pending creates included) and apply builds the fleet again", async () => {
    const r = await destroyCase(theFleet(), "kill-then-destroy", { kind: "kill-after-creations", n: 12, signal: "SIGKILL" });
    ok(r);
    expect(r.recovery).toBe("destroy 0 (left: 0 SA, 0 VM, 0 prof, 0 AK, 0 SSH, 0 bind), apply 0");
    expect([r.planExit, r.cloud]).toEqual([0, declared]);
  }, 60_000);

  it("WHEN it is SIGKILLed mid-way and two applies recover at once THEN both exit 0 and the cloud holds no duplicate", async () => {
    const r = await applyCase(theFleet(), "kill-then-2-recoveries", { kind: "kill-after-creations", n: 12, signal: "SIGKILL" }, { concurrentRecoveries: true });
    ok(r);
    expect([r.recovery, r.planExit, r.cloud]).toEqual(["0+0", 0, declared]);
  }, 60_000);
});

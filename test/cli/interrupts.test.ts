// Ctrl-C, SIGTERM and a closed stdout during `oslogin apply` (issue 15, item 4): the first signal
// stops starting operations, lets those in flight finish, writes the state, releases the lock and
// exits 130 saying what was done; a second exits at once, still releasing the lock; a reader that
// goes away (`| head`) gets no stack trace and leaves no lock. No temp file survives, and the next
// apply converges (bench/crash/harness.ts checks the cloud object by object).
import { describe, expect, it } from "vitest";
import { applyCase, freshDataDir, oslogin, prepareFleet, stateFacts, type Fleet } from "../../bench/crash/harness.js";

let fleet: Fleet | undefined;
const theFleet = () => (fleet ??= prepareFleet({ size: 6, keyEvery: 2, cli: "dist" }));
const declared = "6 SA, 6 VM, 6 prof, 3 AK, 3 SSH, 6 bind";

describe("GIVEN `oslogin apply --auto-approve` running", () => {
  it("WHEN it gets one SIGINT THEN it finishes what is in flight, writes state, releases the lock, reports and exits 130", async () => {
    const f = theFleet();
    const dataDir = freshDataDir(f, "sigint-once-messages");
    const r = await oslogin(f, dataDir, ["apply", "--auto-approve"], { kind: "kill-after-creations", n: 8, signal: "SIGINT" });
    expect(r.code).toBe(130);
    expect(r.err).toContain(
      "Interrupt received: stopping. No new operation starts; the ones in flight finish, then the state is written and the lock released. Interrupt again to exit at once.",
    );
    expect(r.err).toMatch(/Error: Interrupted: \d+ operations? not started; what finished is in the state: run the command again to finish/);
    const summary = /Apply interrupted\. Resources: (\d+) added, 0 changed, 0 destroyed, (\d+) not started\./.exec(r.err);
    expect(summary).not.toBeNull();
    const [added, notStarted] = [Number(summary![1]), Number(summary![2])];
    expect(added + notStarted).toBe(f.resources);
    expect(r.err).toContain("The state holds everything that finished, and the lock is released. Run the command again to finish.");
    // Everything reported added is in the state, and nothing else is left behind.
    const s = stateFacts(dataDir);
    expect({ instances: s.instances, pending: s.pending, lock: s.lockLeft, temp: s.tempFiles }).toEqual({ instances: added, pending: 0, lock: false, temp: [] });
  }, 60_000);

  it("WHEN it gets SIGINT once mid-way THEN the next apply and plan converge to exactly the declared objects", async () => {
    const r = await applyCase(theFleet(), "sigint-once", { kind: "kill-after-creations", n: 12, signal: "SIGINT" });
    expect(r.problems).toEqual([]);
    expect([r.exit, r.recovery, r.planExit, r.cloud]).toEqual(["130", "0", 0, declared]);
  }, 60_000);

  it("WHEN it gets SIGTERM THEN it stops the same way (exit 130) and the next apply converges", async () => {
    const f = theFleet();
    const dataDir = freshDataDir(f, "sigterm-messages");
    const r = await oslogin(f, dataDir, ["apply", "--auto-approve"], { kind: "kill-after-creations", n: 8, signal: "SIGTERM" });
    expect(r.code).toBe(130);
    expect(r.err).toContain("SIGTERM received: stopping. No new operation starts;");
    expect(r.err).toMatch(/Apply interrupted\. Resources: \d+ added, 0 changed, 0 destroyed, \d+ not started\./);
    const s = stateFacts(dataDir);
    expect({ lock: s.lockLeft, temp: s.tempFiles, pending: s.pending }).toEqual({ lock: false, temp: [], pending: 0 });
  }, 60_000);

  it("WHEN it gets SIGINT twice THEN it exits 130 at once with a warning, the lock released, no temp file, and the next apply converges", async () => {
    const f = theFleet();
    const dataDir = freshDataDir(f, "sigint-twice-messages");
    const r = await oslogin(f, dataDir, ["apply", "--auto-approve"], { kind: "kill-after-creations", n: 8, signal: "SIGINT-twice" });
    expect(r.code).toBe(130);
    expect(r.err).toContain(
      "Interrupt received again: exiting now. The state holds what finished so far; operations still in flight may have completed in the cloud: their creates are recorded as pending, and the next apply adopts them. The lock is released.",
    );
    expect(r.err).not.toContain("Apply interrupted.");
    const s = stateFacts(dataDir);
    expect({ lock: s.lockLeft, temp: s.tempFiles }).toEqual({ lock: false, temp: [] });
    const c = await applyCase(f, "sigint-twice", { kind: "kill-after-creations", n: 12, signal: "SIGINT-twice" });
    expect(c.problems).toEqual([]);
    expect([c.exit, c.recovery, c.planExit, c.cloud]).toEqual(["130", "0", 0, declared]);
  }, 90_000);

  it("WHEN its stdout reader goes away (| head) THEN no stack trace, exit 141, the lock released, and the next apply converges", async () => {
    const f = theFleet();
    const dataDir = freshDataDir(f, "epipe-messages");
    const r = await oslogin(f, dataDir, ["apply", "--auto-approve"], { kind: "close-stdout-after-lines", n: 5 });
    expect(r.code).toBe(141);
    expect(r.err).toContain("Standard output closed (broken pipe): stopping.");
    expect(r.err).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    const s = stateFacts(dataDir);
    expect({ lock: s.lockLeft, temp: s.tempFiles, pending: s.pending }).toEqual({ lock: false, temp: [], pending: 0 });
    const c = await applyCase(f, "epipe", { kind: "close-stdout-after-lines", n: 5 });
    expect(c.problems).toEqual([]);
    expect([c.exit, c.recovery, c.planExit, c.cloud]).toEqual(["141", "0", 0, declared]);
  }, 90_000);
});

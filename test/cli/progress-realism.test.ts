// The short form of "a 10k apply shows progress at least every 10 s" (the long form is
// bench/engine/progress.ts): the embedded cloud in its realistic mode keeps every create's
// operation running for 2 s, the progress interval is 200 ms, and the apply of a small stack must
// print a line at least every interval (plus slack for a loaded machine), its heartbeats naming
// only resources still running. Then the same run's events as --json-events prints them.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { oslogin } from "./run-cli.js";
import { longestGap, runTimed } from "../../bench/engine/timed-lines.js";
import { profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const main = path.join(import.meta.dirname, "../../src/cli/main.ts");
const INTERVAL_MS = 200;
// Far below the 2 s a create takes (the gap without heartbeats), well above a timer's lateness.
const SLACK_MS = 800;

/** The CLI from the sources, each stdout line with the time it arrived. */
const timedOslogin = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  runTimed(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, env: { NO_COLOR: "1", ...env } });

/** Elapsed times, ids and counts that vary with timing, made comparable. */
const normalize = (l: string) =>
  l
    .replace(/\[(\d+\.\d|\d+)s elapsed\]/, "[Ts elapsed]")
    .replace(/after (\d+\.\d|\d+)s/, "after Ts")
    .replace(/\[id=[^\]]+\]/, "[id=ID]")
    .replace(/^Progress: \d+\/(\d+) operations finished, \d+ running/, "Progress: N/$1 operations finished, R running");

const ADDRS = [
  "yandex_organizationmanager_os_login_settings.org",
  "yandex_organizationmanager_os_login_profile.alice[0]",
  "yandex_organizationmanager_os_login_profile.alice[1]",
  "yandex_organizationmanager_organization_iam_member.bob",
];

describe("GIVEN a cloud whose creates take 2 s and a progress interval of 200 ms", () => {
  // The second test goes on with what the first applied.
  let dir = "";

  it("WHEN the stack is applied THEN no gap between output lines exceeds the interval plus slack, and heartbeats name only resources still running", async () => {
    dir = tempDir("oslogin-progress-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, profilesStack({ profiles: 2 }));

    const env = { OSLOGIN_REALISM: "latency=5ms,operations=2s", OSLOGIN_PROGRESS_INTERVAL_MS: String(INTERVAL_MS) };
    const r = await timedOslogin(dir, env, "apply", "--auto-approve");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const first = r.lines.findIndex((l) => l.text.endsWith(": Creating..."));
    const last = r.lines.findIndex((l) => l.text.startsWith("Apply complete!"));
    expect(r.lines[first - 2].text).toBe("Access changes: none.");
    const applying = r.lines.slice(first, last + 1);
    expect(longestGap(applying)).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);

    // Every heartbeat names an operation that has started and not finished yet.
    const running = new Set<string>();
    const beats = new Map<string, number>();
    for (const { text } of applying) {
      const m = /^(.+?): (Creating\.\.\.|Still creating\.\.\.|Creation complete)/.exec(text);
      if (!m) continue;
      if (m[2] === "Creating...") running.add(m[1]);
      else if (m[2] === "Creation complete") running.delete(m[1]);
      else {
        expect(running.has(m[1]), `${text} while ${m[1]} is not running`).toBe(true);
        beats.set(m[1], (beats.get(m[1]) ?? 0) + 1);
      }
    }
    // Each cloud create runs 2 s: several heartbeats each (null_resource finishes at once).
    for (const a of ADDRS) expect(beats.get(a) ?? 0, a).toBeGreaterThanOrEqual(3);

    const distinct = [...new Set(applying.map((l) => normalize(l.text)))].sort();
    expect(distinct).toEqual(
      [
        "",
        "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.",
        "Progress: N/5 operations finished, R running [Ts elapsed]",
        "null_resource.marker: Creating...",
        "null_resource.marker: Creation complete after Ts [id=ID]",
        ...ADDRS.flatMap((a) => [`${a}: Creating...`, `${a}: Still creating... [Ts elapsed]`, `${a}: Creation complete after Ts [id=ID]`]),
      ].sort(),
    );
  }, 120_000);

  it("WHEN refresh and destroy run with --json-events THEN stdout is one terraform-style event per line, ending in the summary", async () => {
    expect(dir).not.toBe("");

    const refresh = await timedOslogin(dir, { OSLOGIN_REALISM: "latency=300ms", OSLOGIN_PROGRESS_INTERVAL_MS: String(INTERVAL_MS) }, "refresh", "--json-events");
    expect(refresh.code).toBe(0);
    const events = refresh.lines.map((l) => JSON.parse(l.text) as Record<string, unknown>);
    for (const e of events) expect(Object.keys(e).slice(0, 5)).toEqual(["@level", "@message", "@module", "@timestamp", "type"]);
    const shown = events.map((e) => `${e.type}: ${normalize(String(e["@message"]))}`);
    // The Lists take 500 ms: the refresh says how far it is at least once.
    const counts = shown.filter((s) => s.startsWith("progress_count: "));
    expect(counts.filter((s) => s.startsWith("progress_count: Refreshing state... ")).length).toBeGreaterThanOrEqual(1);
    expect(shown.filter((s) => !counts.includes(s))).toEqual([
      "version: oslogin 0.1.0",
      "refresh_start: Refreshing state of 5 objects...",
      expect.stringMatching(/^refresh_complete: Refreshed 5 objects in \d+\.\ds$/),
      "change_summary: Plan: 0 to add, 0 to change, 0 to destroy.",
      "change_summary: Apply complete! Resources: 0 added, 0 changed, 0 destroyed.",
      "outputs: Outputs: 2",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "outputs", outputs: { logins: { sensitive: false, value: ["alice-extra-0", "alice-extra-1"] }, first_uid: { sensitive: true } } });
    expect(events.at(-1)!.outputs).not.toHaveProperty("first_uid.value");

    const refused = oslogin(dir, "destroy", "--json-events");
    expect(refused.code).toBe(2);
    const said = refused.out.trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(said.map((e) => e.type)).toEqual(["version", "diagnostic"]);
    expect(said[1]).toMatchObject({
      "@level": "error",
      type: "diagnostic",
      diagnostic: { severity: "error", summary: "--json-events cannot ask for confirmation: pass --auto-approve" },
    });

    const destroy = oslogin(dir, "destroy", "--auto-approve", "--json-events");
    expect(destroy.code).toBe(0);
    const d = destroy.out.trim().split("\n").map((l) => JSON.parse(l) as { type: string; "@message": string; change?: { action: string } });
    expect(d.filter((e) => e.type === "planned_change").map((e) => e["@message"]).sort()).toEqual(
      ["null_resource.marker", ...ADDRS].sort().map(
        (a) => `${a}: Plan to delete (destroy requested)`,
      ),
    );
    expect(d.filter((e) => e.type === "apply_start")).toHaveLength(5);
    expect(d.filter((e) => e.type === "apply_complete")).toHaveLength(5);
    expect(d.at(-1)).toMatchObject({ type: "change_summary", "@message": "Destroy complete! Resources: 5 destroyed.", changes: { add: 0, change: 0, import: 0, remove: 5, operation: "destroy" } });
  }, 120_000);
});

// Progress built on the engine's hooks: heartbeats per running operation, one count line per
// interval, the refresh summary, in text and as terraform-style JSON events. Fake timers make the
// elapsed times exact; the engine hooks the tracker listens to are tested against a real apply.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatElapsed, progressIntervalMs, trackedHooks } from "../../src/cli/progress.js";
import { makeStyle } from "../../src/cli/render/style.js";
import { renderPlan } from "../../src/cli/render/plan.js";
import { textProgressView } from "../../src/cli/views/progress-text.js";
import { eventsProgressView, type UiEvent } from "../../src/cli/views/ui-events.js";
import { engineFor, profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";

const plain = makeStyle(false);
const A = { address: "yandex_organizationmanager_os_login_profile.alice[0]", phase: "create", action: "create" } as const;
const B = { address: "yandex_organizationmanager_os_login_settings.org", phase: "update", action: "update" } as const;
const C = { address: "null_resource.marker (deposed)", phase: "delete", action: "replace" } as const;

/** Drives the hooks through a refresh and an apply on fake time (interval 200 ms). */
function script(hooks: ReturnType<typeof trackedHooks>) {
  hooks.refreshStart!(3);
  vi.advanceTimersByTime(200);
  hooks.refreshProgress!(2, 3);
  vi.advanceTimersByTime(200);
  hooks.refreshProgress!(3, 3);
  hooks.refreshDone!(3, 420);
  vi.advanceTimersByTime(1000); // nothing: the refresh ended
  hooks.applyBegin!(3);
  hooks.applyStart!(A);
  vi.advanceTimersByTime(100);
  hooks.applyStart!(B);
  vi.advanceTimersByTime(100); // 200: count, A's first heartbeat
  hooks.applyStart!(C);
  vi.advanceTimersByTime(100); // 300: B's first heartbeat
  hooks.applyDone!({ ...A, ms: 350, id: "olp1" });
  hooks.applyProgress!(1, 3);
  vi.advanceTimersByTime(100); // 400: count, C's first heartbeat (A stopped; B's next is due at 500)
  hooks.applyFailed!({ ...B, diagnostic: { severity: "error", summary: "Updating failed", detail: "PERMISSION_DENIED: no" } });
  hooks.applyProgress!(2, 3);
  vi.advanceTimersByTime(300); // 600: count, C's second heartbeat
  hooks.applyDone!({ ...C, ms: 530 });
  hooks.applyProgress!(3, 3);
  hooks.applyEnd!(650);
  vi.advanceTimersByTime(2000); // nothing: the apply ended
}

describe("GIVEN the progress hooks with a 200 ms interval", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("WHEN a refresh and an apply run THEN the text lines are terraform's, with heartbeats only for what still runs and one count per interval", () => {
    const out: string[] = [];
    const err: string[] = [];
    script(trackedHooks(textProgressView(plain, (l) => out.push(l), (l) => err.push(l)), 200));
    expect(out).toEqual([
      "Refreshing state of 3 objects...",
      "Refreshing state... 0/3 objects [0.2s elapsed]",
      "Refreshing state... 2/3 objects [0.4s elapsed]",
      "Refreshed 3 objects in 0.4s",
      "yandex_organizationmanager_os_login_profile.alice[0]: Creating...",
      "yandex_organizationmanager_os_login_settings.org: Modifying...",
      "Progress: 0/3 operations finished, 2 running [0.2s elapsed]",
      "yandex_organizationmanager_os_login_profile.alice[0]: Still creating... [0.2s elapsed]",
      "null_resource.marker (deposed): Destroying...",
      "yandex_organizationmanager_os_login_settings.org: Still modifying... [0.2s elapsed]",
      "yandex_organizationmanager_os_login_profile.alice[0]: Creation complete after 0.3s [id=olp1]",
      "Progress: 1/3 operations finished, 2 running [0.4s elapsed]",
      "null_resource.marker (deposed): Still destroying... [0.2s elapsed]",
      "Progress: 2/3 operations finished, 1 running [0.6s elapsed]",
      "null_resource.marker (deposed): Still destroying... [0.4s elapsed]",
      "null_resource.marker (deposed): Destruction complete after 0.5s",
    ]);
    expect(err).toEqual(["yandex_organizationmanager_os_login_settings.org: update failed: PERMISSION_DENIED: no"]);
  });

  it("WHEN the same run goes to the JSON-events view THEN each line is one of terraform's -json UI messages with @level, @message, @timestamp and type", () => {
    const events: UiEvent[] = [];
    script(trackedHooks(eventsProgressView((e) => events.push(e)), 200));
    for (const e of events) {
      expect(e["@module"]).toBe("oslogin.ui");
      expect(e["@timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const resA = { addr: A.address, module: "", resource: "yandex_organizationmanager_os_login_profile.alice", implied_provider: "yandex", resource_type: "yandex_organizationmanager_os_login_profile", resource_name: "alice", resource_key: 0 };
    const resC = { addr: "null_resource.marker", module: "", resource: "null_resource.marker", implied_provider: "null", resource_type: "null_resource", resource_name: "marker", resource_key: null };
    const strip = ({ "@timestamp": _t, "@module": _m, ...rest }: UiEvent) => rest;
    const got = events.map(strip);
    expect(got.map((e) => e.type)).toEqual([
      "refresh_start",
      "progress_count",
      "progress_count",
      "refresh_complete",
      "apply_start",
      "apply_start",
      "progress_count",
      "apply_progress",
      "apply_start",
      "apply_progress",
      "apply_complete",
      "progress_count",
      "apply_progress",
      "apply_errored",
      "progress_count",
      "apply_progress",
      "apply_complete",
    ]);
    expect(got[1]).toEqual({ "@level": "info", "@message": "Refreshing state... 0/3 objects [0.2s elapsed]", type: "progress_count", progress: { operation: "refresh", done: 0, total: 3, elapsed_seconds: 0 } });
    expect(got[3]).toEqual({ "@level": "info", "@message": "Refreshed 3 objects in 0.4s", type: "refresh_complete", refresh: { objects: 3, elapsed_seconds: 0.42 } });
    expect(got[4]).toEqual({ "@level": "info", "@message": `${A.address}: Creating...`, type: "apply_start", hook: { resource: resA, action: "create" } });
    expect(got[7]).toEqual({ "@level": "info", "@message": `${A.address}: Still creating... [0.2s elapsed]`, type: "apply_progress", hook: { resource: resA, action: "create", elapsed_seconds: 0 } });
    expect(got[10]).toEqual({
      "@level": "info",
      "@message": `${A.address}: Creation complete after 0.3s [id=olp1]`,
      type: "apply_complete",
      hook: { resource: resA, action: "create", id_key: "id", id_value: "olp1", elapsed_seconds: 0 },
    });
    expect(got[11]).toEqual({
      "@level": "info",
      "@message": "Progress: 1/3 operations finished, 2 running [0.4s elapsed]",
      type: "progress_count",
      progress: { operation: "apply", done: 1, total: 3, running: 2, elapsed_seconds: 0 },
    });
    expect(got[13]).toMatchObject({ "@message": `${B.address}: Modifications errored after 0.3s`, type: "apply_errored", hook: { action: "update", elapsed_seconds: 0 } });
    expect(got[16]).toEqual({ "@level": "info", "@message": "null_resource.marker (deposed): Destruction complete after 0.5s", type: "apply_complete", hook: { resource: resC, action: "delete", elapsed_seconds: 0 } });
  });

  it("WHEN planning takes longer than the interval THEN one count line per interval, timed by the clock at each planned resource", () => {
    const out: string[] = [];
    const hooks = trackedHooks(textProgressView(plain, (l) => out.push(l)), 200);
    // No timer runs here: only the clock moves (planning does not yield to timers).
    hooks.planProgress!(1, 5);
    vi.setSystemTime(Date.now() + 150);
    hooks.planProgress!(2, 5);
    vi.setSystemTime(Date.now() + 100);
    hooks.planProgress!(3, 5);
    vi.setSystemTime(Date.now() + 100);
    hooks.planProgress!(4, 5);
    vi.setSystemTime(Date.now() + 120);
    hooks.planProgress!(5, 5);
    expect(out).toEqual(["Planning... 3/5 resources [0.3s elapsed]", "Planning... 5/5 resources [0.5s elapsed]"]);
    const events: UiEvent[] = [];
    eventsProgressView((e) => events.push(e)).planCount(3, 5, 250);
    expect(events[0]).toMatchObject({ type: "progress_count", "@message": "Planning... 3/5 resources [0.3s elapsed]", progress: { operation: "plan", done: 3, total: 5, elapsed_seconds: 0 } });
  });

  it("WHEN an operation runs for minutes THEN the elapsed time reads as terraform's", () => {
    expect([0, 420, 9_940, 10_000, 59_999, 65_000, 7_207_000].map(formatElapsed)).toEqual(["0.0s", "0.4s", "9.9s", "10s", "59s", "1m5s", "2h0m7s"]);
  });

  it("WHEN OSLOGIN_PROGRESS_INTERVAL_MS is set THEN it is the interval, 10 s without it, and nonsense is refused naming the variable", () => {
    expect(progressIntervalMs({})).toBe(10_000);
    expect(progressIntervalMs({ OSLOGIN_PROGRESS_INTERVAL_MS: "200" })).toBe(200);
    expect(() => progressIntervalMs({ OSLOGIN_PROGRESS_INTERVAL_MS: "2s" })).toThrow('OSLOGIN_PROGRESS_INTERVAL_MS must be a whole number of milliseconds, at least 10, got "2s"');
    expect(() => progressIntervalMs({ OSLOGIN_PROGRESS_INTERVAL_MS: "0" })).toThrow("at least 10");
  });
});

describe("GIVEN a real apply through the engine", () => {
  let model: CloudModel | undefined;
  afterEach(() => model?.close());

  it("WHEN it runs THEN the engine says how many operations there are and each one settling, the refresh counts its objects and the plan its resources", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, profilesStack({ profiles: 2 }));
    const seen: string[] = [];
    const hooks = {
      applyBegin: (n: number) => seen.push(`begin ${n}`),
      applyProgress: (d: number, n: number) => seen.push(`settled ${d}/${n}`),
      applyEnd: () => seen.push("end"),
      refreshStart: (n: number) => seen.push(`refresh ${n}`),
      refreshProgress: (d: number, n: number) => seen.push(`refreshed ${d}/${n}`),
      refreshDone: (n: number) => seen.push(`refresh done ${n}`),
      planProgress: (d: number, n: number) => seen.push(`planned ${d}/${n}`),
    };
    const engine = engineFor(model, path.join(dir, ".oslogin"), { hooks });
    expect((await engine.run({ outDir: out })).applied?.added).toBe(5);
    expect(seen).toEqual(["refresh 0", "refresh done 0", "planned 1/4", "planned 2/4", "planned 3/4", "planned 4/4", "begin 5", "settled 1/5", "settled 2/5", "settled 3/5", "settled 4/5", "settled 5/5", "end"]);
    seen.length = 0;
    await engine.plan({ outDir: out });
    // Profiles, settings and the binding are each one List; null_resource is read one by one.
    expect(seen[0]).toBe("refresh 5");
    const refreshing = seen.filter((s) => !s.startsWith("planned"));
    expect(refreshing.at(-2)).toBe("refreshed 5/5");
    expect(refreshing.at(-1)).toBe("refresh done 5");
    expect(refreshing.filter((s) => s.startsWith("refreshed")).length).toBeGreaterThanOrEqual(2);
    expect(seen.slice(-4)).toEqual(["planned 1/4", "planned 2/4", "planned 3/4", "planned 4/4"]);
  });

  it("WHEN a profile's shell changes THEN the plan shows the change and hides the unchanged attributes as terraform does", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    await engine.run({ outDir: writeStack(dir, profilesStack({ profiles: 1, shell: "/bin/bash" })) });
    const r = await engine.plan({ outDir: writeStack(dir, profilesStack({ profiles: 1, shell: "/bin/zsh" })) });
    const text = renderPlan(r.plan!, plain);
    expect(text).toContain(
      [
        "  # yandex_organizationmanager_os_login_profile.alice[0] will be updated in-place (update in place: shell)",
        '  ~ resource "yandex_organizationmanager_os_login_profile" "alice" {',
        '      ~ shell = "/bin/bash" -> "/bin/zsh"',
        "      # (7 unchanged attributes hidden)",
        "    }",
      ].join("\n"),
    );
  });
});

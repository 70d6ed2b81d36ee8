// The engine keeps a stack's state where the stack's backend block says (cdktf's local backend
// file), so terraform (cdktf deploy) and the engine share one state; and it reads a state written by
// terraform the way terraform means it (an int64 uid written as a JSON number is the same uid).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../../src/engine/diagnostics.js";
import { backendFor, localStatePaths } from "../../../src/engine/state/backend.js";
import { stateFromJson, type State } from "../../../src/engine/state/state.js";
import { readState, statePaths } from "../../../src/engine/state/store.js";
import { engineFor, profilesStack, seededModel, tempDir, writeStack } from "../fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

/** profilesStack with cdktf's default backend: a local file named for the stack. */
const withLocalBackend = (file: string) => ({ ...profilesStack(), terraform: { ...profilesStack().terraform, backend: { local: { path: file } } } });

describe("GIVEN a stack's backend block", () => {
  it("WHEN resolved THEN local paths are absolute or relative to the stack directory, none falls back to the data dir, others are refused", () => {
    const fallback = statePaths("/data", "s");
    const abs = backendFor({ local: { path: "/proj/terraform.s.tfstate" } }, "/proj/cdktf.out/stacks/s", fallback);
    expect(typeof abs !== "string" && abs.location).toBe("/proj/terraform.s.tfstate");
    const rel = backendFor({ local: {} }, "/proj/cdktf.out/stacks/s", fallback);
    expect(typeof rel !== "string" && rel.location).toBe("/proj/cdktf.out/stacks/s/terraform.tfstate");
    const none = backendFor(undefined, "/proj/cdktf.out/stacks/s", fallback);
    expect(typeof none !== "string" && none.location).toBe("/data/stacks/s/terraform.tfstate");
    expect(backendFor({ s3: { bucket: "b" } }, "/x", fallback)).toBe('the "s3" backend is not supported by the engine (only "local" and "pg"); run this stack with terraform (cdktf deploy)');
    expect(backendFor({ local: { path: 5 } }, "/x", fallback)).toBe('backend "local": path must be a string');
    // terraform's own names for the backup and the lock-info file
    expect(localStatePaths("/proj/terraform.s.tfstate", "s")).toEqual({
      stack: "s",
      dir: "/proj",
      state: "/proj/terraform.s.tfstate",
      backup: "/proj/terraform.s.tfstate.backup",
      lock: "/proj/.terraform.s.tfstate.lock.info",
      record: "/proj/terraform.s.tfstate.stack.json",
    });
  });

  it("WHEN the engine applies a stack with cdktf's local backend THEN the state is that file (and the data dir holds none)", async () => {
    model = seededModel();
    const dir = tempDir();
    const file = path.join(dir, "terraform.test.tfstate");
    const out = writeStack(dir, withLocalBackend(file));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const r = await engine.run({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.applied?.added).toBe(5);
    expect((JSON.parse(readFileSync(file, "utf8")) as { resources: unknown[] }).resources).toHaveLength(4);
    expect(existsSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate"))).toBe(false);
    // the state commands find it through the synthesized stack
    const current = await engine.currentState("test", out);
    expect(current.state?.instances.size).toBe(5);
    expect(engine.backendOfStack("test", out)).toMatchObject({ location: file });
  });

  it("WHEN the stack names a backend the engine cannot use THEN plan refuses before touching any state", async () => {
    model = seededModel();
    const dir = tempDir();
    const out = writeStack(dir, { ...profilesStack(), terraform: { ...profilesStack().terraform, backend: { s3: { bucket: "b" } } } });
    const r = await engineFor(model, path.join(dir, ".oslogin")).plan({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([
      'Error: Unsupported state backend: the "s3" backend is not supported by the engine (only "local" and "pg"); run this stack with terraform (cdktf deploy)',
    ]);
  });
});

describe("GIVEN a state file as terraform writes it", () => {
  it("WHEN terraform wrote int64 uids as JSON numbers THEN the engine plans no change and reports no drift", async () => {
    model = seededModel();
    const dir = tempDir();
    const file = path.join(dir, "terraform.test.tfstate");
    const out = writeStack(dir, withLocalBackend(file));
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    expect(errors((await engine.run({ outDir: out })).diagnostics)).toEqual([]);
    // terraform's spelling: the cty number 1002, not the string "1002"
    const state = JSON.parse(readFileSync(file, "utf8")) as { resources: { type: string; instances: { attributes: { uid?: unknown } }[] }[] };
    const profiles = state.resources.find((r) => r.type === "yandex_organizationmanager_os_login_profile")!;
    for (const i of profiles.instances) {
      expect(typeof i.attributes.uid).toBe("string");
      i.attributes.uid = Number(i.attributes.uid);
    }
    writeFileSync(file, JSON.stringify(state));
    const p = await engine.plan({ outDir: out });
    expect(errors(p.diagnostics)).toEqual([]);
    expect(p.plan!.drift).toEqual([]);
    expect(p.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan).map((c) => c.address)).toEqual([]);
  });

  it("WHEN an int64 is past 2^53 THEN every digit survives the read", () => {
    const text = `{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"l","outputs":{},"resources":[{"mode":"managed","type":"yandex_organizationmanager_os_login_profile","name":"p","provider":"provider[\\"registry.terraform.io/yandex-cloud/yandex\\"]","instances":[{"schema_version":0,"attributes":{"uid":9223372036854775807},"sensitive_attributes":[]}]}]}`;
    const s = stateFromJson(text) as State;
    expect(s.instances.get("yandex_organizationmanager_os_login_profile.p")!.attributes.uid).toBe("9223372036854775807");
  });

  it("WHEN terraform left the file empty (it creates it on its first lock) THEN it reads as no state", () => {
    const dir = tempDir();
    const paths = localStatePaths(path.join(dir, "terraform.s.tfstate"), "s");
    mkdirSync(dir, { recursive: true });
    writeFileSync(paths.state, "");
    const s = readState(paths) as State;
    expect([s.serial, s.instances.size]).toEqual([0, 0]);
  });
});

describe("GIVEN terraform holds the stack's local state (its lock-info file is there)", () => {
  it("WHEN the engine plans THEN it does not touch the state and names terraform as the holder", async () => {
    model = seededModel();
    const dir = tempDir();
    const file = path.join(dir, "terraform.test.tfstate");
    const out = writeStack(dir, withLocalBackend(file));
    // what terraform 1.11 writes beside the state while it holds the lock
    const info = { ID: "7c1f", Operation: "OperationTypeApply", Info: "", Who: "ci@runner", Version: "1.11.4", Created: "2026-12-03T15:00:00Z", Path: file };
    writeFileSync(localStatePaths(file, "test").lock, JSON.stringify(info));
    const r = await engineFor(model, path.join(dir, ".oslogin")).plan({ outDir: out });
    expect(errors(r.diagnostics)).toEqual([
      'Error: Error acquiring the state lock: the state is locked by ci@runner (terraform 1.11.4, operation OperationTypeApply, since 2026-12-03T15:00:00Z, lock ID 7c1f); wait for it to finish, use --lock-timeout to wait, or "oslogin force-unlock ID" if that process is gone',
    ]);
    expect(existsSync(file)).toBe(false);
  });
});

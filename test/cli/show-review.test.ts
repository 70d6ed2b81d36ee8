// `oslogin show -json` (terraform's state and plan representations) and `oslogin review`'s
// input checks and --fail-on exit codes, on the engine fixtures' stack.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BOB, ORG, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { oslogin, osLoginVm } from "./run-cli.js";


const stack = (role: string) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_resourcemanager_folder_iam_member: { bob: { folder_id: "b1gquickstartfolder1", role, member: `userAccount:${BOB}` } },
    yandex_compute_instance: {
      web: osLoginVm("web"),
    },
  },
});

describe("GIVEN an applied stack where Bob logs in on the folder", () => {
  it("WHEN shown, re-planned to sudo and reviewed THEN terraform's formats come out and --fail-on gates", () => {
    const dir = tempDir("oslogin-show-review-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, stack("compute.osLogin"));
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);

    const state = JSON.parse(oslogin(dir, "show", "-json").out);
    expect(state.format_version).toBe("1.0");
    const binding = state.values.root_module.resources.find((r: { type: string }) => r.type === "yandex_resourcemanager_folder_iam_member");
    expect(binding).toEqual({
      address: "yandex_resourcemanager_folder_iam_member.bob",
      mode: "managed",
      type: "yandex_resourcemanager_folder_iam_member",
      name: "bob",
      provider_name: "registry.terraform.io/yandex-cloud/yandex",
      schema_version: 0,
      values: { id: `b1gquickstartfolder1/compute.osLogin/userAccount:${BOB}`, folder_id: "b1gquickstartfolder1", role: "compute.osLogin", member: `userAccount:${BOB}`, sleep_after: null },
      sensitive_values: {},
    });

    writeStack(dir, stack("compute.osAdminLogin"));
    expect(oslogin(dir, "plan", "-out", "p.bin").code).toBe(0);
    const plan = JSON.parse(oslogin(dir, "show", "-json", "p.bin").out);
    const rc = plan.resource_changes.find((r: { address: string }) => r.address === "yandex_resourcemanager_folder_iam_member.bob");
    expect(rc.change.actions).toEqual(["delete", "create"]);
    expect(rc.change.replace_paths).toEqual([["role"]]);
    expect(rc.change.after_unknown).toEqual({ id: true });
    expect(rc.action_reason).toBe("replace_because_cannot_update");
    writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan));
    // a plan file of an older version (no workspace recorded) still shows, the same
    const doc = JSON.parse(readFileSync(path.join(dir, "p.bin"), "utf8"));
    delete doc.plan.workspace;
    delete doc.plan.stateLocation;
    writeFileSync(path.join(dir, "old.bin"), JSON.stringify(doc));
    expect(JSON.parse(oslogin(dir, "show", "-json", "old.bin").out)).toEqual(plan);

    const text = oslogin(dir, "review", "plan.json");
    expect(text.out).toBe("Access changes:\n  + web: Bob (userAccount:ajebob00000000000002) login -> sudo as (default profile) (uid (allocated)) via folder b1gquickstartfolder1\n");
    expect(oslogin(dir, "review", "plan.json", "--fail-on", "gain-login").code).toBe(3);
    expect(oslogin(dir, "review", "plan.json", "--fail-on", "gain-sudo").code).toBe(3);
    expect(oslogin(dir, "review", "plan.json", "--fail-on", "any").code).toBe(3);

    // Bob's sudo going away again: a loss gates only --fail-on any.
    writeFileSync(path.join(dir, "plan.json"), JSON.stringify({ ...plan, resource_changes: plan.resource_changes.map((r: { address: string; change: { actions: string[]; after: unknown } }) => (r.address === rc.address ? { ...r, change: { ...r.change, actions: ["delete"], after: null } } : r)) }));
    expect(oslogin(dir, "review", "plan.json", "--fail-on", "gain-login").code).toBe(0);
    expect(oslogin(dir, "review", "plan.json", "--fail-on", "any").code).toBe(3);
  }, 120_000);

  it("WHEN review gets a state, oslogin's own plan --json or junk THEN it says which and exits 1", () => {
    const dir = tempDir("oslogin-review-bad-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeFileSync(path.join(dir, "state.json"), JSON.stringify({ format_version: "1.0" }));
    writeFileSync(path.join(dir, "own.json"), JSON.stringify({ format_version: "1.0", stack: "s", changes: [] }));
    writeFileSync(path.join(dir, "junk.json"), "{");
    const state = oslogin(dir, "review", "state.json");
    expect([state.code, state.err.trim()]).toEqual([1, "oslogin review: not a plan in terraform's JSON format: planned_values is missing: this is a state, not a plan (give show -json PLANFILE)"]);
    const own = oslogin(dir, "review", "own.json");
    expect(own.code).toBe(1);
    expect(own.err).toContain('this is "oslogin plan --json" output');
    expect(oslogin(dir, "review", "junk.json").err).toContain("the plan JSON does not parse");
    expect(oslogin(dir, "review", "state.json", "--fail-on", "sometimes").code).toBe(2);
  }, 60_000);
});

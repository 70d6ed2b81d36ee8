// Outputs through refresh and apply: refresh evaluates them with the refreshed values (the
// quickstart's web_1_ip stays), and an output that cannot be evaluated, or is still unknown because
// its resource failed, keeps the value it had while the command reports an error.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Testing } from "cdktf";
import { QuickstartStack } from "../../examples/quickstart/main.js";
import { listAll } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic, type EngineDiagnostic } from "../../src/engine/diagnostics.js";
import { ALICE, BOB, ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@quickstart";
const errors = (d: EngineDiagnostic[]) => d.filter((x) => x.severity === "error").map(formatDiagnostic);
const stateOutputs = (dataDir: string, stack: string) =>
  JSON.parse(readFileSync(path.join(dataDir, "stacks", stack, "terraform.tfstate"), "utf8")).outputs as Record<string, { value: unknown }>;
const outputValues = (dataDir: string, stack: string) => Object.fromEntries(Object.entries(stateOutputs(dataDir, stack)).map(([k, o]) => [k, o.value]));

/** One profile whose shell name an output looks up in a map that knows only the shells listed. */
function shellStack(opts: { subject: string; shell?: string; count?: number; known: Record<string, string> }) {
  const map = Object.entries(opts.known)
    .map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`)
    .join(", ");
  return {
    provider: { yandex: [{ organization_id: ORG }] },
    terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
    resource: {
      yandex_organizationmanager_os_login_profile: {
        p: {
          count: opts.count ?? 1,
          organization_id: ORG,
          subject_id: opts.subject,
          login: "shelltest-${count.index}",
          ...(opts.shell ? { shell: opts.shell } : {}),
        },
      },
    },
    output: {
      shell_name: { value: `\${lookup({${map}}, yandex_organizationmanager_os_login_profile.p[0].shell)}` },
      uids: { value: "${yandex_organizationmanager_os_login_profile.p[*].uid}" },
    },
  };
}

describe("GIVEN the quickstart applied on the embedded cloud", () => {
  it("WHEN refreshed THEN every output keeps its value (web_1_ip included) and the next plan changes no output", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const out = writeStack(dir, Testing.synth(new QuickstartStack(Testing.app(), "quickstart", { alicePublicKey: ALICE_KEY })), "quickstart");
    const engine = engineFor(model, dataDir);
    const applied = await engine.run({ outDir: out, stack: "quickstart" });
    expect(errors(applied.diagnostics)).toEqual([]);
    const before = outputValues(dataDir, "quickstart");
    expect(Object.keys(before).sort()).toEqual(["alice_user_id", "ansible_login", "bob_user_id", "web_1_ip"]);
    expect(before.web_1_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const refreshed = await engine.run({ outDir: out, stack: "quickstart", mode: "refresh-only" });
    expect(errors(refreshed.diagnostics)).toEqual([]);
    expect(outputValues(dataDir, "quickstart")).toEqual(before);

    const plan = await engine.plan({ outDir: out, stack: "quickstart" });
    expect(errors(plan.diagnostics)).toEqual([]);
    expect(plan.plan!.outputs.filter((o) => o.action !== "noop")).toEqual([]);
    expect(plan.plan!.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan)).toEqual([]);
  });
});

describe("GIVEN a profile whose shell an output names through a map", () => {
  /** The stack applied with /bin/zsh, then the profile's shell set to `shell` outside the engine. */
  async function shellChangedOutside(shell: string) {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const out = writeStack(dir, shellStack({ subject: ALICE, shell: "/bin/zsh", known: { "/bin/zsh": "zsh", "/bin/bash": "bash" } }));
    const engine = engineFor(model, dataDir);
    expect(errors((await engine.run({ outDir: out })).diagnostics)).toEqual([]);
    const before = outputValues(dataDir, "test");
    expect(before.shell_name).toBe("zsh");
    const cloud = new InProcessCloudClient(model);
    const profile = (await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: ORG, pageToken }))).find((p) => p.login === "shelltest-0")!;
    await cloud.updateOsLoginProfile({ osLoginProfileId: profile.id, login: profile.login, shell, updateMask: ["shell"] });
    return { engine, out, dataDir, before };
  }

  it("WHEN the shell changes outside to one the map lacks and refresh runs THEN refresh fails naming the output, and state keeps the old value", async () => {
    const { engine, out, dataDir, before } = await shellChangedOutside("/bin/sh");
    const r = await engine.run({ outDir: out, mode: "refresh-only" });
    expect(errors(r.diagnostics)).toEqual(['Error: Invalid output value (output.shell_name): lookup(): the map has no key "/bin/sh" and no default was given']);
    expect(r.applied).toBeUndefined();
    expect(outputValues(dataDir, "test")).toEqual(before);
  });

  it("WHEN the shell changes outside to one the map knows and refresh runs THEN state records the new shell and the output follows it", async () => {
    const { engine, out, dataDir } = await shellChangedOutside("/bin/bash");
    const r = await engine.run({ outDir: out, mode: "refresh-only" });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(outputValues(dataDir, "test").shell_name).toBe("bash");
    const state = JSON.parse(readFileSync(path.join(dataDir, "stacks/test/terraform.tfstate"), "utf8"));
    expect(state.resources[0].instances[0].attributes.shell).toBe("/bin/bash");
  });

  it("WHEN an apply makes a value the output cannot use THEN the output keeps its previous value and the apply reports why", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const engine = engineFor(model, dataDir);
    const known = { "/bin/zsh": "zsh" };
    const first = writeStack(dir, shellStack({ subject: ALICE, shell: "/bin/zsh", known }));
    expect(errors((await engine.run({ outDir: first })).diagnostics)).toEqual([]);
    const before = outputValues(dataDir, "test");
    expect(before.shell_name).toBe("zsh");

    // A new subject replaces the profile; with no shell set the cloud picks /bin/bash, which the
    // map does not know: the output is unknown while planning and fails only once applied.
    const second = writeStack(dir, shellStack({ subject: BOB, known }));
    const r = await engine.run({ outDir: second });
    expect(errors(r.diagnostics)).toEqual(['Error: Invalid output value (output.shell_name): lookup(): the map has no key "/bin/bash" and no default was given']);
    expect(r.applied).toMatchObject({ added: 1, destroyed: 1, failed: 0 });
    expect(outputValues(dataDir, "test").shell_name).toBe("zsh");
    const state = JSON.parse(readFileSync(path.join(dataDir, "stacks/test/terraform.tfstate"), "utf8"));
    expect(state.resources[0].instances[0].attributes).toMatchObject({ subject_id: BOB, shell: "/bin/bash" });
  });

  it("WHEN a create fails THEN an output over the failed object keeps its previous value instead of vanishing", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const engine = engineFor(model, dataDir);
    const known = { "/bin/zsh": "zsh" };
    expect(errors((await engine.run({ outDir: writeStack(dir, shellStack({ subject: ALICE, shell: "/bin/zsh", known })) })).diagnostics)).toEqual([]);
    const before = outputValues(dataDir, "test");
    expect(before.uids).toHaveLength(1);

    // Someone else takes the second login after the plan (which checks logins) and before the apply:
    // its create fails, so uids stays unknown after the apply.
    const r = await engine.run({ outDir: writeStack(dir, shellStack({ subject: ALICE, shell: "/bin/zsh", known, count: 2 })) }, async () => {
      await new InProcessCloudClient(model!).createOsLoginProfile({ organizationId: ORG, subjectId: BOB, login: "shelltest-1" });
      return true;
    });
    expect(errors(r.diagnostics)).toHaveLength(1);
    expect(errors(r.diagnostics)[0]).toMatch(/^Error: Creating failed \(yandex_organizationmanager_os_login_profile\.p\[1\]\): ALREADY_EXISTS/);
    expect(outputValues(dataDir, "test")).toEqual(before);
  });
});

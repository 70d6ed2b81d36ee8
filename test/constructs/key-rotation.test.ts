// Day two (issue 16): OsLoginServiceAccount rotates its authorized key when keyVersion is raised;
// the plan shows the new key created and the old one destroyed, and the apply leaves exactly the
// new key in the cloud. On main the prop did not exist (and was dropped silently).
import path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { OsLoginOrganization, OsLoginServiceAccount, YandexProvider } from "../../src/index.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { engineFor, seededModel, tempDir, writeStack, ORG } from "../engine/fixtures.js";

function synth(keyVersion?: number): string {
  const s = new TerraformStack(Testing.app(), "test");
  new YandexProvider(s, "yandex", { organizationId: ORG, folderId: "b1gquickstartfolder1" });
  const org = new OsLoginOrganization(s, "org", { organizationId: ORG });
  new OsLoginServiceAccount(s, "ansible", { organization: org, name: "ansible", uid: 5000, keyVersion });
  return Testing.synth(s, true);
}

const keyChanges = (changes: { type: string; action: string; address: string }[]) =>
  changes.filter((c) => c.type === "yandex_iam_service_account_key").map((c) => `${c.action} ${c.address.replace(/_[0-9A-F]{8}$/, "")}`).sort();

describe("GIVEN an applied service account with its authorized key", () => {
  it("WHEN keyVersion goes from 1 (or unset) to 2 THEN the plan creates the v2 key and destroys the old one, and apply leaves only the new key", async () => {
    const dir = tempDir("oslogin-rotation-");
    const dataDir = path.join(dir, ".oslogin");
    const model = seededModel(dataDir);
    const engine = engineFor(model, dataDir);
    const outDir = writeStack(dir, synth());
    const first = await engine.run({ outDir, stack: "test" });
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);

    // keyVersion: 1 is what the app had all along: nothing to do.
    writeStack(dir, synth(1));
    expect((await engine.plan({ outDir, stack: "test" })).plan!.changes.filter((c) => c.action !== "noop" && c.action !== "read")).toEqual([]);

    writeStack(dir, synth(2));
    const rotation = await engine.plan({ outDir, stack: "test" });
    expect(keyChanges(rotation.plan!.changes.filter((c) => c.action !== "noop" && c.action !== "read"))).toEqual([
      "create yandex_iam_service_account_key.ansible_authorized-key-v2",
      "delete yandex_iam_service_account_key.ansible_authorized-key",
    ]);
    const applied = await engine.run({ outDir, stack: "test" });
    expect(applied.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const cloud = new InProcessCloudClient(model);
    const [account] = (await cloud.listServiceAccounts({ folderId: "b1gquickstartfolder1" })).items;
    const keys = (await cloud.listKeys({ serviceAccountId: account.id })).items;
    expect(keys.map((k) => k.description)).toEqual(["authorized key of ansible (OS Login certificates), version 2"]);
    await model.closeWhenIdle();
  }, 60_000);

  it("WHEN keyVersion is 0 or fractional THEN the construct says which values are allowed", () => {
    expect(() => synth(0)).toThrow('test/ansible: keyVersion must be a whole number from 1 up, got 0');
    expect(() => synth(1.5)).toThrow('test/ansible: keyVersion must be a whole number from 1 up, got 1.5');
  });
});

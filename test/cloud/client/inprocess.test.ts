import { describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { listAll } from "../../../src/contract/cloud-client.js";
import { CloudError } from "../../../src/contract/errors.js";
import { ALICE, BOB, ORG, member, openModel } from "../model/fixtures.js";
import { ADMIN } from "../../../src/cloud/model/types.js";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@x";

describe("InProcessCloudClient (directory, OS Login, user SSH keys)", () => {
  it("GIVEN the admin client WHEN OS Login is turned on and a profile and key are managed THEN each call resolves with the operation's response", async () => {
    const client = new InProcessCloudClient(openModel());
    expect(await client.updateOsLoginSettings({ organizationId: ORG, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } })).toEqual({
      userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
      sshCertificateSettings: { enabled: false },
    });
    const profiles = await listAll((pageToken) => client.listOsLoginProfiles({ organizationId: ORG, pageSize: 1n, pageToken }));
    expect(profiles.map((p) => [p.login, p.uid])).toEqual([["alice", 10000n], ["bob", 10001n], ["carol", 10002n]]);
    const extra = await client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice-ops", uid: 9223372036854775807n });
    expect((await client.setDefaultOsLoginProfile(extra.id)).isDefault).toBe(true);
    expect((await client.updateOsLoginProfile({ osLoginProfileId: extra.id, login: "alice-ops", shell: "/bin/zsh" })).shell).toBe("/bin/zsh");
    await client.deleteOsLoginProfile(extra.id);
    expect((await client.getOsLoginProfile(profiles[0]!.id)).isDefault).toBe(true);

    const key = await client.createUserSshKey({ organizationId: ORG, subjectId: BOB, data: KEY, name: "k" });
    expect((await client.updateUserSshKey({ userSshKeyId: key.id, name: "k2" })).name).toBe("k2");
    expect((await client.listUserSshKeys({ organizationId: ORG })).items.map((k) => k.id)).toEqual([key.id]);
    await client.deleteUserSshKey(key.id);
    expect((await client.listMembers(ORG)).items.map((u) => u.id)).toEqual([ALICE, BOB, "ajecarol000000000003"]);
  });

  it("GIVEN a client acting as a member WHEN a call is not allowed THEN the promise rejects with the CloudError (no synchronous throw)", async () => {
    const client = new InProcessCloudClient(openModel()).as(member(ALICE));
    const pending = client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice" });
    await expect(pending).rejects.toBeInstanceOf(CloudError);
    await expect(pending).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
    await expect(client.getOperation("")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "operation_id" });
  });

  it("GIVEN an idempotency key WHEN a create is retried through the client THEN the same profile comes back", async () => {
    const client = new InProcessCloudClient(openModel());
    const a = await client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice" }, { idempotencyKey: "x" });
    const b = await client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice" }, { idempotencyKey: "x" });
    expect(b).toEqual(a);
  });
});

describe("InProcessCloudClient.getOperation", () => {
  it("GIVEN an operation started by the admin WHEN a member asks for it THEN NOT_FOUND; the admin gets it", async () => {
    const model = openModel();
    const op = model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" });
    const admin = new InProcessCloudClient(model);
    expect(await admin.getOperation(op.id)).toEqual(op);
    await expect(admin.as(member(ALICE)).getOperation(op.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("InProcessCloudClient reads", () => {
  it("GIVEN a failing read WHEN it rejects THEN its read transaction is closed; inside an open group a read sees the group's uncommitted writes", async () => {
    const model = openModel();
    model.ctx.store.enableGroupCommit();
    const client = new InProcessCloudClient(model);
    await expect(client.getOsLoginProfile("olpnosuchprofile0001")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(model.ctx.db.inTransaction).toBe(false);
    const pending = client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice-ops" });
    // The create has joined a group that commits on the next turn; the read runs inside it.
    expect(model.ctx.db.inTransaction).toBe(true);
    const seen = await client.listOsLoginProfiles({ organizationId: ORG });
    expect(seen.items.map((p) => p.login)).toEqual(["alice-ops"]);
    await pending;
    expect(model.ctx.db.inTransaction).toBe(false);
  });
});

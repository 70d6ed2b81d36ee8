// OsLoginService through the official SDK over TLS: Session with the emulator's certificate as root,
// Operations awaited with waitForOperation, Any payloads decoded with the SDK's own codecs.
import { waitForOperation, type Session } from "@yandex-cloud/nodejs-sdk";
import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import { Metadata } from "nice-grpc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const { CreateOsLoginProfileRequest, OsLoginProfile, OsLoginSettings, UpdateOsLoginSettingsRequest, UpdateOsLoginProfileRequest } = osLoginService;
const OM = "type.googleapis.com/yandex.cloud.organizationmanager.v1.";

let h: GrpcHarness;
let session: Session;
let osl: ReturnType<typeof client>;
const client = (s: Session) => s.client(osLoginService.OsLoginServiceClient, h.endpoint);

beforeEach(async () => {
  h = await startGrpcHarness();
  session = h.session();
  osl = client(session);
});
afterEach(async () => {
  expect(h.logged).toEqual([]);
  await h.close();
});

const done = (op: Parameters<typeof waitForOperation>[0]) => waitForOperation(op, session, 5000, h.endpoint);

async function turnOn() {
  return done(
    await osl.updateSettings(
      UpdateOsLoginSettingsRequest.fromPartial({
        organizationId: ORG,
        userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
        updateMask: { paths: ["user_ssh_key_settings"] },
      }),
    ),
  );
}

// The message's DeepPartial, not Parameters<typeof fromPartial>: that resolves to a record of never.
async function create(fields: osLoginService.DeepPartial<osLoginService.CreateOsLoginProfileRequest>) {
  const op = await done(await osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, ...fields })));
  expect(op.response!.typeUrl).toBe(`${OM}OsLoginProfile`);
  return OsLoginProfile.decode(op.response!.value);
}

describe("GIVEN the quickstart organization served over gRPC", () => {
  it("WHEN GetSettings before any change THEN everything is off", async () => {
    expect(await osl.getSettings({ organizationId: ORG })).toEqual({
      userSshKeySettings: { enabled: false, allowManageOwnKeys: false },
      sshCertificateSettings: { enabled: false },
    });
  });

  it("WHEN UpdateSettings turns user SSH keys on THEN the Operation carries the settings and members get default profiles", async () => {
    const op = await turnOn();
    expect(op.done).toBe(true);
    expect(op.createdBy).toBe("system:emulator-admin");
    expect(op.metadata!.typeUrl).toBe(`${OM}UpdateOsLoginSettingsMetadata`);
    expect(osLoginService.UpdateOsLoginSettingsMetadata.decode(op.metadata!.value)).toEqual({ organizationId: ORG });
    expect(op.response!.typeUrl).toBe(`${OM}OsLoginSettings`);
    expect(OsLoginSettings.decode(op.response!.value)).toEqual({
      userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
      sshCertificateSettings: { enabled: false },
    });
    const list = await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: "" });
    expect(list.profiles.map((p) => [p.subjectId, p.login, p.uid, p.isDefault, p.homeDirectory, p.shell])).toEqual([
      [ALICE, "alice", 10000, true, "/home/alice", "/bin/bash"],
      [BOB, "bob", 10001, true, "/home/bob", "/bin/bash"],
    ]);
  });

  it("WHEN CreateProfile with a uid THEN the profile and metadata are exact and GetProfile returns it", async () => {
    const op = await done(
      await osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "deploy", uid: 5000 })),
    );
    const profile = OsLoginProfile.decode(op.response!.value);
    expect(profile).toEqual({
      id: expect.stringMatching(/^olp[a-v0-9]{17}$/),
      organizationId: ORG,
      subjectId: ALICE,
      login: "deploy",
      uid: 5000,
      isDefault: true,
      homeDirectory: "/home/deploy",
      shell: "/bin/bash",
    });
    expect(op.metadata!.typeUrl).toBe(`${OM}CreateOsLoginProfileMetadata`);
    expect(osLoginService.CreateOsLoginProfileMetadata.decode(op.metadata!.value)).toEqual({
      osLoginProfileId: profile.id,
      organizationId: ORG,
      subjectId: ALICE,
    });
    expect(await osl.getProfile({ osLoginProfileId: profile.id })).toEqual(profile);
  });

  it("WHEN CreateProfile with an invalid login THEN INVALID_ARGUMENT names login and the rule", async () => {
    expect(await statusOf(osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "-bad" })))).toEqual({
      code: 3,
      details:
        "Illegal argument login: must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters)",
    });
  });

  it("WHEN CreateProfile with a uid below the documented range THEN INVALID_ARGUMENT names uid", async () => {
    expect(await statusOf(osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "low", uid: 999 })))).toEqual({
      code: 3,
      details: "Illegal argument uid: must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand)",
    });
  });

  it("WHEN a login is taken THEN ALREADY_EXISTS, and nothing was written", async () => {
    await create({ subjectId: ALICE, login: "deploy" });
    const status = await statusOf(osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: BOB, login: "deploy" })));
    expect(status.code).toBe(6);
    expect(status.details).toContain("deploy");
    const list = await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: "" });
    expect(list.profiles.map((p) => p.login)).toEqual(["deploy"]);
  });

  it("WHEN GetProfile names an id that does not exist THEN NOT_FOUND with the id", async () => {
    expect(await statusOf(osl.getProfile({ osLoginProfileId: "olpmissing0000000000" }))).toEqual({
      code: 5,
      details: 'OS Login profile "olpmissing0000000000" not found',
    });
  });

  it("WHEN ListProfiles pages with page_size 1 and filters by login THEN pages chain and the filter matches exactly", async () => {
    await create({ subjectId: ALICE, login: "one" });
    await create({ subjectId: ALICE, login: "two" });
    const first = await osl.listProfiles({ organizationId: ORG, pageSize: 1, pageToken: "", filter: "" });
    expect(first.profiles.map((p) => p.login)).toEqual(["one"]);
    expect(first.nextPageToken).not.toBe("");
    const second = await osl.listProfiles({ organizationId: ORG, pageSize: 1, pageToken: first.nextPageToken, filter: "" });
    expect(second.profiles.map((p) => p.login)).toEqual(["two"]);
    expect(second.nextPageToken).toBe("");
    const filtered = await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: 'login="two"' });
    expect(filtered.profiles.map((p) => p.login)).toEqual(["two"]);
    expect(await statusOf(osl.listProfiles({ organizationId: ORG, pageSize: 1001, pageToken: "", filter: "" }))).toEqual({
      code: 3,
      details: "Illegal argument page_size: must be between 0 and 1000 (got 1001)",
    });
  });

  it("WHEN UpdateProfile with a mask, SetDefaultProfile and DeleteProfile THEN each Operation answers the documented message", async () => {
    const first = await create({ subjectId: ALICE, login: "first" });
    const second = await create({ subjectId: ALICE, login: "second", uid: 7000 });
    expect(second.isDefault).toBe(false);

    const updated = await done(
      await osl.updateProfile(
        UpdateOsLoginProfileRequest.fromPartial({ osLoginProfileId: second.id, login: "second", shell: "/bin/zsh", updateMask: { paths: ["shell"] } }),
      ),
    );
    expect(OsLoginProfile.decode(updated.response!.value)).toEqual({ ...second, shell: "/bin/zsh" });

    const set = await done(await osl.setDefaultProfile({ osLoginProfileId: second.id }));
    expect(set.metadata!.typeUrl).toBe(`${OM}SetDefaultOsLoginProfileMetadata`);
    expect(osLoginService.SetDefaultOsLoginProfileMetadata.decode(set.metadata!.value)).toEqual({
      previousDefaultProfileId: first.id,
      currentDefaultProfileId: second.id,
    });
    expect(OsLoginProfile.decode(set.response!.value)).toEqual({ ...second, shell: "/bin/zsh", isDefault: true });

    const deleted = await done(await osl.deleteProfile({ id: first.id }));
    expect(deleted.response!.typeUrl).toBe("type.googleapis.com/google.protobuf.Empty");
    expect(deleted.response!.value.length).toBe(0);
    expect((await statusOf(osl.getProfile({ osLoginProfileId: first.id }))).code).toBe(5);
  });

  it("WHEN the same idempotency-key is sent twice THEN the second call answers the first Operation and creates nothing", async () => {
    const req = CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "once" });
    const a = await osl.createProfile(req, { metadata: Metadata({ "idempotency-key": "create-once-1" }) });
    const b = await osl.createProfile(req, { metadata: Metadata({ "idempotency-key": "create-once-1" }) });
    expect(b.id).toBe(a.id);
    const list = await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: "" });
    expect(list.profiles.map((p) => p.login)).toEqual(["once"]);
  });

  it("WHEN the bearer token is unknown THEN UNAUTHENTICATED without echoing the token", async () => {
    const stranger = client(h.session("not-a-real-token"));
    const status = await statusOf(stranger.getSettings({ organizationId: ORG }));
    expect(status).toEqual({ code: 16, details: "Unauthenticated: the token is not valid or has expired" });
  });

  it("WHEN a member without roles calls GetSettings THEN PERMISSION_DENIED", async () => {
    const bob = client(h.session(h.tokenFor({ type: "userAccount", id: BOB })));
    const status = await statusOf(bob.getSettings({ organizationId: ORG }));
    expect(status.code).toBe(7);
    expect(status.details).toMatch(/^Permission denied: /);
  });
});

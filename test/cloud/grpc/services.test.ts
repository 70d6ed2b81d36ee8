// The rest of the surface through the official SDK over TLS: organizations, members, clouds,
// folders, user SSH keys, SSH certificates, OperationService.Get (what waitForOperation polls) and
// the UNIMPLEMENTED answer for methods the emulator does not serve.
import { waitForOperation, type Session } from "@yandex-cloud/nodejs-sdk";
import {
  organizationService,
  osLoginService,
  sshCertificateService,
  userService,
  userSshKey,
  userSshKeyService,
} from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import { operationService } from "@yandex-cloud/nodejs-sdk/operation";
import { SubjectType } from "@yandex-cloud/nodejs-sdk/proto/oauth/claims";
import * as access from "@yandex-cloud/nodejs-sdk/proto/access/access";
import { folder as sdkFolder, cloudService, folderService } from "@yandex-cloud/nodejs-sdk/resourcemanager-v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, CLOUD, FOLDER, NOW, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJFs7TIpJGNOya57KI7yPRjfT1AltLSazgSSXEBaftKp alice@laptop";
const FINGERPRINT = "SHA256:gllzajMZk5KV2Z8UzGQ4YuHcl5iCjLqiMLpZCBOIw0g";

let h: GrpcHarness;
let session: Session;
const done = (op: Parameters<typeof waitForOperation>[0]) => waitForOperation(op, session, 5000, h.endpoint);

beforeEach(async () => {
  h = await startGrpcHarness();
  session = h.session();
});
afterEach(async () => {
  expect(h.logged).toEqual([]);
  await h.close();
});

describe("GIVEN the directory services over gRPC", () => {
  it("WHEN organizations, members, clouds and folders are read THEN the SDK messages are exact", async () => {
    const orgs = session.client(organizationService.OrganizationServiceClient, h.endpoint);
    const org = { id: ORG, createdAt: new Date(NOW), name: "quickstart", description: "", title: "Quickstart organization", labels: {} };
    expect(await orgs.get({ organizationId: ORG })).toEqual(org);
    expect(await orgs.list({ pageSize: 0, pageToken: "", filter: "" })).toEqual({ organizations: [org], nextPageToken: "" });

    const users = session.client(userService.UserServiceClient, h.endpoint);
    const members = await users.listMembers({ organizationId: ORG, pageSize: 0, pageToken: "" });
    expect(members.users.map((u) => [u.subjectClaims!.sub, u.subjectClaims!.name, u.subjectClaims!.email, u.subjectClaims!.subType])).toEqual([
      [ALICE, "Alice", "alice@example.com", SubjectType.USER_ACCOUNT],
      [BOB, "Bob", "bob@example.com", SubjectType.USER_ACCOUNT],
    ]);

    const clouds = session.client(cloudService.CloudServiceClient, h.endpoint);
    const cloud = { id: CLOUD, createdAt: new Date(NOW), name: "quickstart-cloud", description: "", organizationId: ORG, labels: {} };
    expect(await clouds.get({ cloudId: CLOUD })).toEqual(cloud);
    expect((await clouds.list({ organizationId: ORG, pageSize: 0, pageToken: "", filter: "" })).clouds).toEqual([cloud]);

    const folders = session.client(folderService.FolderServiceClient, h.endpoint);
    const folder = { id: FOLDER, cloudId: CLOUD, createdAt: new Date(NOW), name: "default", description: "", labels: {}, status: sdkFolder.Folder_Status.ACTIVE };
    expect(await folders.get({ folderId: FOLDER })).toEqual(folder);
    expect((await folders.list({ cloudId: CLOUD, pageSize: 0, pageToken: "", filter: "" })).folders).toEqual([folder]);
  });

  it("WHEN a binding is added on the organization THEN the Operation answers Empty and the binding is listed", async () => {
    const orgs = session.client(organizationService.OrganizationServiceClient, h.endpoint);
    const binding = { roleId: "organization-manager.osLogins.viewer", subject: { type: "userAccount", id: BOB } };
    const op = await done(await orgs.updateAccessBindings({ resourceId: ORG, accessBindingDeltas: [{ action: access.AccessBindingAction.ADD, accessBinding: binding }] }));
    expect(op.metadata!.typeUrl).toBe("type.googleapis.com/yandex.cloud.access.UpdateAccessBindingsMetadata");
    expect(access.UpdateAccessBindingsMetadata.decode(op.metadata!.value)).toEqual({ resourceId: ORG });
    expect(op.response!.typeUrl).toBe("type.googleapis.com/google.protobuf.Empty");
    expect((await orgs.listAccessBindings({ resourceId: ORG, pageSize: 0, pageToken: "" })).accessBindings).toContainEqual(binding);

    // Bob now holds the viewer role: the same call that was denied succeeds with his own token.
    const asBob = h.session(h.tokenFor({ type: "userAccount", id: BOB })).client(osLoginService.OsLoginServiceClient, h.endpoint);
    expect((await asBob.getSettings({ organizationId: ORG })).userSshKeySettings).toEqual({ enabled: false, allowManageOwnKeys: false });
  });

  it("WHEN a method the emulator does not serve is called THEN UNIMPLEMENTED names it", async () => {
    const orgs = session.client(organizationService.OrganizationServiceClient, h.endpoint);
    expect(await statusOf(orgs.update(organizationService.UpdateOrganizationRequest.fromPartial({ organizationId: ORG, title: "x" })))).toEqual({
      code: 12,
      details: "yandex.cloud.organizationmanager.v1.OrganizationService/Update is not implemented by the emulator",
    });
  });
});

describe("GIVEN user SSH keys and certificates over gRPC", () => {
  it("WHEN a key is created, read, listed, renamed and deleted THEN the SDK messages are exact", async () => {
    const keys = session.client(userSshKeyService.UserSshKeyServiceClient, h.endpoint);
    const op = await done(
      await keys.create(
        userSshKeyService.CreateUserSshKeyRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, name: "laptop", data: PUBLIC_KEY, expiresAt: new Date("2031-01-01T00:00:00Z") }),
      ),
    );
    expect(op.response!.typeUrl).toBe("type.googleapis.com/yandex.cloud.organizationmanager.v1.UserSshKey");
    const key = userSshKey.UserSshKey.decode(op.response!.value);
    expect(key).toEqual({
      id: expect.stringMatching(/^usk[a-v0-9]{17}$/),
      subjectId: ALICE,
      data: PUBLIC_KEY,
      name: "laptop",
      fingerprint: FINGERPRINT,
      organizationId: ORG,
      createdAt: new Date(NOW),
      expiresAt: new Date("2031-01-01T00:00:00Z"),
    });
    expect(userSshKeyService.CreateUserSshKeyMetadata.decode(op.metadata!.value)).toEqual({ userSshKeyId: key.id, organizationId: ORG });
    expect(await keys.get({ userSshKeyId: key.id })).toEqual(key);
    expect(await keys.list({ organizationId: ORG, subjectId: ALICE, pageSize: 0, pageToken: "" })).toEqual({ sshKeys: [key], nextPageToken: "" });
    const renamed = await done(
      await keys.update(userSshKeyService.UpdateUserSshKeyRequest.fromPartial({ userSshKeyId: key.id, name: "work", updateMask: { paths: ["name"] } })),
    );
    expect(userSshKey.UserSshKey.decode(renamed.response!.value)).toEqual({ ...key, name: "work" });
    await done(await keys.delete({ userSshKeyId: key.id }));
    expect((await statusOf(keys.get({ userSshKeyId: key.id }))).code).toBe(5);
  });

  it("WHEN certificates are off THEN Generate fails FAILED_PRECONDITION; when on THEN it signs for the member's login", async () => {
    const certs = session.client(sshCertificateService.SshCertificateServiceClient, h.endpoint);
    const req = sshCertificateService.GenerateSshCertificateRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, publicKey: PUBLIC_KEY });
    expect(await statusOf(certs.generate(req))).toEqual({
      code: 9,
      details: `SSH certificates are disabled in organization ${ORG}: turn on ssh_certificate_settings.enabled first`,
    });
    await done(
      await session.client(osLoginService.OsLoginServiceClient, h.endpoint).updateSettings(
        osLoginService.UpdateOsLoginSettingsRequest.fromPartial({ organizationId: ORG, sshCertificateSettings: { enabled: true }, updateMask: { paths: ["ssh_certificate_settings.enabled"] } }),
      ),
    );
    expect((await certs.generate(req)).signedCertificate).toMatch(/^ssh-ed25519-cert-v01@openssh\.com AAAA/);
  });
});

describe("GIVEN OperationService over gRPC", () => {
  it("WHEN Get is asked for an operation THEN its author sees it done, others and unknown ids get NOT_FOUND", async () => {
    const osl = session.client(osLoginService.OsLoginServiceClient, h.endpoint);
    const created = await osl.createProfile(osLoginService.CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "ops" }));
    const ops = session.client(operationService.OperationServiceClient, h.endpoint);
    expect(await ops.get({ operationId: created.id })).toEqual(created);

    const asBob = h.session(h.tokenFor({ type: "userAccount", id: BOB })).client(operationService.OperationServiceClient, h.endpoint);
    expect(await statusOf(asBob.get({ operationId: created.id }))).toEqual({ code: 5, details: `Operation "${created.id}" not found` });
    expect(await statusOf(ops.get({ operationId: "op0missing0000000000" }))).toEqual({ code: 5, details: 'Operation "op0missing0000000000" not found' });
    expect(await statusOf(ops.get({ operationId: "" }))).toEqual({ code: 3, details: "Illegal argument operation_id: the field is required" });
  });
});

describe("GIVEN an emulator-only operation (seeding)", () => {
  it("WHEN OperationService.Get reads it THEN it is done and names its response type with no fields", async () => {
    const event = h.model.audit.list({ kind: "admin" }, {}).items.find((e) => e.action.startsWith("emulator"))!;
    const op = await session.client(operationService.OperationServiceClient, h.endpoint).get({ operationId: event.operationId });
    expect(op.done).toBe(true);
    expect(op.response!.typeUrl).toMatch(/^type\.googleapis\.com\/oslogin\.emulator\.v1\./);
    expect(op.response!.value.length).toBe(0);
  });
});

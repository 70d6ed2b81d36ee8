// IAM through the official SDK over TLS: service accounts (Operations), KeyService.Create (answers
// directly with the private key), IamTokenService.Create with a PS256 JWT, and the token it returns
// authenticating later calls — also through GrpcCloudClient.fromAuthorizedKey.
import { waitForOperation, type Session } from "@yandex-cloud/nodejs-sdk";
import { iamTokenService, key as sdkKey, keyService, serviceAccount, serviceAccountService } from "@yandex-cloud/nodejs-sdk/iam-v1";
import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import * as access from "@yandex-cloud/nodejs-sdk/proto/access/access";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { signServiceAccountJwt } from "../../../src/cloud/model/iam-tokens.js";
import type { AuthorizedKeyFile } from "../../../src/cloud/model/types.js";
import { FOLDER, NOW, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const IAM = "type.googleapis.com/yandex.cloud.iam.v1.";

let h: GrpcHarness;
let session: Session;
let sas: ReturnType<typeof saClient>;
let keys: ReturnType<typeof keyClient>;
const saClient = (s: Session) => s.client(serviceAccountService.ServiceAccountServiceClient, h.endpoint);
const keyClient = (s: Session) => s.client(keyService.KeyServiceClient, h.endpoint);
const done = (op: Parameters<typeof waitForOperation>[0]) => waitForOperation(op, session, 5000, h.endpoint);

beforeEach(async () => {
  h = await startGrpcHarness();
  session = h.session();
  sas = saClient(session);
  keys = keyClient(session);
});
afterEach(async () => {
  expect(h.logged).toEqual([]);
  await h.close();
});

async function createServiceAccount(name = "robot") {
  const op = await done(
    await sas.create(serviceAccountService.CreateServiceAccountRequest.fromPartial({ folderId: FOLDER, name, description: "ci", labels: { team: "ops" } })),
  );
  expect(op.response!.typeUrl).toBe(`${IAM}ServiceAccount`);
  return { op, sa: serviceAccount.ServiceAccount.decode(op.response!.value) };
}

/** The key file a user would save from CreateKeyResponse (the yc / provider JSON format). */
function keyFileOf(r: keyService.CreateKeyResponse): AuthorizedKeyFile {
  return {
    id: r.key!.id,
    service_account_id: r.key!.serviceAccountId!,
    created_at: r.key!.createdAt!.toISOString(),
    key_algorithm: "RSA_2048",
    public_key: r.key!.publicKey,
    private_key: r.privateKey,
  };
}

describe("GIVEN the IAM services over gRPC", () => {
  it("WHEN a service account is created, read, listed, updated with a mask and deleted THEN each answer is exact", async () => {
    const { op, sa } = await createServiceAccount();
    expect(sa).toEqual({
      id: expect.stringMatching(/^ajs[a-v0-9]{17}$/),
      folderId: FOLDER,
      createdAt: new Date(NOW),
      name: "robot",
      description: "ci",
      labels: { team: "ops" },
    });
    expect(op.metadata!.typeUrl).toBe(`${IAM}CreateServiceAccountMetadata`);
    expect(serviceAccountService.CreateServiceAccountMetadata.decode(op.metadata!.value)).toEqual({ serviceAccountId: sa.id });
    expect(await sas.get({ serviceAccountId: sa.id })).toEqual(sa);
    expect((await sas.list({ folderId: FOLDER, pageSize: 0, pageToken: "", filter: 'name="robot"' })).serviceAccounts).toEqual([sa]);

    const updated = await done(
      await sas.update(serviceAccountService.UpdateServiceAccountRequest.fromPartial({ serviceAccountId: sa.id, description: "", updateMask: { paths: ["description"] } })),
    );
    expect(serviceAccount.ServiceAccount.decode(updated.response!.value)).toEqual({ ...sa, description: "" });

    const deleted = await done(await sas.delete({ serviceAccountId: sa.id }));
    expect(deleted.response!.typeUrl).toBe("type.googleapis.com/google.protobuf.Empty");
    expect(await statusOf(sas.get({ serviceAccountId: sa.id }))).toEqual({ code: 5, details: `Service account "${sa.id}" not found` });
  });

  it("WHEN the service account name breaks the pattern THEN INVALID_ARGUMENT names name and the rule", async () => {
    expect(await statusOf(sas.create(serviceAccountService.CreateServiceAccountRequest.fromPartial({ folderId: FOLDER, name: "Robot!" })))).toEqual({
      code: 3,
      details: `Illegal argument name: "Robot!" must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lower-case letters, digits and '-', 1-63 characters, starting with a letter)`,
    });
  });

  it("WHEN KeyService.Create is called THEN it answers the key and private key directly (no Operation) and Get omits the private key", async () => {
    const { sa } = await createServiceAccount();
    const r = await keys.create(
      keyService.CreateKeyRequest.fromPartial({ serviceAccountId: sa.id, description: "deploy", keyAlgorithm: sdkKey.Key_Algorithm.RSA_2048 }),
    );
    expect(r.key).toEqual({
      id: expect.stringMatching(/^ajk[a-v0-9]{17}$/),
      userAccountId: undefined,
      serviceAccountId: sa.id,
      createdAt: new Date(NOW),
      description: "deploy",
      keyAlgorithm: sdkKey.Key_Algorithm.RSA_2048,
      publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
    });
    expect(r.privateKey).toMatch(new RegExp(`^PLEASE DO NOT REMOVE THIS LINE! Yandex\\.Cloud SA Key ID <${r.key!.id}>\\n-----BEGIN PRIVATE KEY-----\\n`));
    expect(await keys.get({ keyId: r.key!.id, format: keyService.KeyFormat.PEM_FILE })).toEqual(r.key);
    expect((await keys.list({ serviceAccountId: sa.id, format: 0, pageSize: 0, pageToken: "" })).keys).toEqual([r.key]);
  });

  it("WHEN a JWT signed with the authorized key is exchanged THEN the IAM token authenticates as the service account", async () => {
    const { sa } = await createServiceAccount();
    const created = await keys.create(keyService.CreateKeyRequest.fromPartial({ serviceAccountId: sa.id }));
    const tokens = h.session("ignored-by-the-token-endpoint").client(iamTokenService.IamTokenServiceClient, h.endpoint);
    const issued = await tokens.create({ jwt: signServiceAccountJwt(keyFileOf(created), new Date(NOW)), yandexPassportOauthToken: undefined });
    expect(issued.iamToken).not.toBe("");
    expect(issued.expiresAt).toEqual(new Date(Date.parse(NOW) + 12 * 3600 * 1000));

    const asRobot = h.session(issued.iamToken).client(osLoginService.OsLoginServiceClient, h.endpoint);
    expect(await statusOf(asRobot.getSettings({ organizationId: ORG }))).toEqual({
      code: 7,
      details: `Permission denied: serviceAccount:${sa.id} does not have organization-manager.osLogins.get on organization "${ORG}"`,
    });
  });

  it("WHEN the JWT is malformed or missing THEN UNAUTHENTICATED / INVALID_ARGUMENT naming jwt", async () => {
    const tokens = h.session("x").client(iamTokenService.IamTokenServiceClient, h.endpoint);
    const bad = await statusOf(tokens.create({ jwt: "abc", yandexPassportOauthToken: undefined }));
    expect(bad.code).toBe(16);
    expect(bad.details).toMatch(/^Unauthenticated: invalid JWT: .*three base64url parts/);
    expect(await statusOf(tokens.create({ jwt: undefined, yandexPassportOauthToken: "y0_oauth" }))).toEqual({
      code: 3,
      details: "Illegal argument yandex_passport_oauth_token: is not supported by the emulator; send a jwt signed with an authorized key",
    });
  });

  it("WHEN GrpcCloudClient.fromAuthorizedKey is used THEN it exchanges the JWT and calls as the service account", async () => {
    const { sa } = await createServiceAccount();
    const created = await keys.create(keyService.CreateKeyRequest.fromPartial({ serviceAccountId: sa.id }));
    const orgs = h.session().client((await import("@yandex-cloud/nodejs-sdk/organizationmanager-v1")).organizationService.OrganizationServiceClient, h.endpoint);
    await done(
      await orgs.updateAccessBindings({
        resourceId: ORG,
        accessBindingDeltas: [{ action: access.AccessBindingAction.ADD, accessBinding: { roleId: "organization-manager.osLogins.viewer", subject: { type: "serviceAccount", id: sa.id } } }],
      }),
    );
    // The harness pins the model's clock, so the JWT is issued at that time.
    const client = await GrpcCloudClient.fromAuthorizedKey({ endpoint: h.endpoint, rootCertPem: h.certPem, keyFile: keyFileOf(created), now: new Date(NOW) });
    expect(await client.getOsLoginSettings(ORG)).toEqual({
      userSshKeySettings: { enabled: false, allowManageOwnKeys: false },
      sshCertificateSettings: { enabled: false },
    });
    await client.close();
  });

  it("WHEN access bindings are set on a service account THEN the Operation answers the effective deltas", async () => {
    const { sa } = await createServiceAccount();
    const binding = { roleId: "iam.serviceAccounts.user", subject: { type: "userAccount", id: "ajealice000000000001" } };
    const op = await done(await sas.setAccessBindings({ resourceId: sa.id, accessBindings: [binding] }));
    expect(op.metadata!.typeUrl).toBe("type.googleapis.com/yandex.cloud.access.SetAccessBindingsMetadata");
    expect(op.response!.typeUrl).toBe("type.googleapis.com/yandex.cloud.access.AccessBindingsOperationResult");
    expect(access.AccessBindingsOperationResult.decode(op.response!.value)).toEqual({
      effectiveDeltas: [{ action: access.AccessBindingAction.ADD, accessBinding: binding }],
    });
    expect(await sas.listAccessBindings({ resourceId: sa.id, pageSize: 0, pageToken: "" })).toEqual({ accessBindings: [binding], nextPageToken: "" });
  });
});

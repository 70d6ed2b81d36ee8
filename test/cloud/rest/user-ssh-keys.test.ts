// UserSshKeyService and SshCertificateService.Generate over REST.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, anyId, BOB, errorBody, NOW, ORG, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
const BASE = "/organization-manager/v1";
const KEYS = `${BASE}/userSshKeys`;
const T = "type.googleapis.com/yandex.cloud.organizationmanager.v1.";
// Made with `ssh-keygen -t ed25519`; fingerprints as `ssh-keygen -lf` prints them.
const KEY1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHOU2dTZ1o89KxcZkukowB087Kn/PVySeUmFy5j6L6H9 alice@laptop";
const FP1 = "SHA256:bvmw6gzU6cXXqsv3MYaFivPCGDf5E3KLl7fZd2dMJhg";
const KEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8p+bZyyuQtvqVXFf7Miumw5NibYbHwFUK3p88/wGmW";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const r = await h.call("PATCH", `${BASE}/organizations/${ORG}/osLoginSettings`, {
    body: { userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, sshCertificateSettings: { enabled: true } },
  });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN OS Login with user keys on", () => {
  let keyId: string;
  it("WHEN CreateUserSshKey THEN the Operation has the key with the ssh-keygen fingerprint", async () => {
    const r = await h.call("POST", KEYS, {
      body: { organizationId: ORG, subjectId: ALICE, name: "laptop", data: KEY1, expiresAt: "2031-01-01T00:00:00Z" },
    });
    expect(r.status).toBe(200);
    keyId = r.body.response.id;
    expect(r.body).toEqual({
      id: anyId("op0"),
      description: "Create user SSH key",
      createdAt: NOW,
      createdBy: "system:emulator-admin",
      modifiedAt: NOW,
      done: true,
      metadata: { "@type": `${T}CreateUserSshKeyMetadata`, userSshKeyId: keyId, organizationId: ORG },
      response: {
        "@type": `${T}UserSshKey`,
        id: anyId("usk"),
        subjectId: ALICE,
        data: KEY1,
        name: "laptop",
        fingerprint: FP1,
        organizationId: ORG,
        createdAt: NOW,
        expiresAt: "2031-01-01T00:00:00.000Z",
      },
    });
  });

  it("WHEN GetUserSshKey THEN the key comes back", async () => {
    const r = await h.call("GET", `${KEYS}/${keyId}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: keyId,
      subjectId: ALICE,
      data: KEY1,
      name: "laptop",
      fingerprint: FP1,
      organizationId: ORG,
      createdAt: NOW,
      expiresAt: "2031-01-01T00:00:00.000Z",
    });
  });

  it("WHEN ListUserSshKeys for Alice THEN sshKeys holds her key", async () => {
    const r = await h.call("GET", `${KEYS}?organizationId=${ORG}&subjectId=${ALICE}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sshKeys: [expect.objectContaining({ id: keyId, fingerprint: FP1 })], nextPageToken: "" });
  });

  it("WHEN UpdateUserSshKey renames it THEN the Operation has the renamed key", async () => {
    const r = await h.call("PATCH", `${KEYS}/${keyId}`, { body: { name: "old laptop", updateMask: "name" } });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}UpdateUserSshKeyMetadata`, userSshKeyId: keyId });
    expect(r.body.response).toMatchObject({ "@type": `${T}UserSshKey`, id: keyId, name: "old laptop", expiresAt: "2031-01-01T00:00:00.000Z" });
  });

  it("WHEN Update tries to change data THEN 400 naming data as an unknown field", async () => {
    const r = await h.call("PATCH", `${KEYS}/${keyId}`, { body: { data: KEY2 } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument data: is not a known field of this request"));
  });

  it("WHEN the same key is added again for Alice THEN 409", async () => {
    const r = await h.call("POST", KEYS, { body: { organizationId: ORG, subjectId: ALICE, data: KEY1 } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(errorBody(6, `User SSH key with fingerprint ${FP1} already exists for subject "${ALICE}"`));
  });

  it("WHEN data is not a public key THEN 400 naming data", async () => {
    const r = await h.call("POST", KEYS, { body: { organizationId: ORG, subjectId: ALICE, data: "not a key" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument data: is not a parseable OpenSSH public key"));
  });

  it("WHEN expiresAt is not RFC3339 THEN 400 naming expiresAt", async () => {
    const r = await h.call("POST", KEYS, { body: { organizationId: ORG, subjectId: ALICE, data: KEY2, expiresAt: "tomorrow" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(3, 'Illegal argument expiresAt: must be an RFC3339 timestamp such as 2030-01-31T12:00:00Z, got "tomorrow"'),
    );
  });

  it("WHEN DeleteUserSshKey THEN Empty, and the key is gone (404)", async () => {
    const r = await h.call("DELETE", `${KEYS}/${keyId}`);
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}DeleteUserSshKeyMetadata`, userSshKeyId: keyId });
    expect(r.body.response).toEqual({ "@type": "type.googleapis.com/google.protobuf.Empty", value: {} });
    const gone = await h.call("GET", `${KEYS}/${keyId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(5);
  });

  it("WHEN Bob (allow_manage_own_keys on) adds his own key with his IAM token THEN it is created", async () => {
    const token = await h.tokenFor(BOB);
    const r = await h.call("POST", KEYS, { token, body: { organizationId: ORG, subjectId: BOB, data: KEY2 } });
    expect(r.status).toBe(200);
    expect(r.body.createdBy).toBe(`userAccount:${BOB}`);
    // His own Operation is visible to him; one the admin started does not exist for him.
    expect((await h.call("GET", `/operations/${r.body.id}`, { token })).body).toEqual(r.body);
    const adminOp = await h.call("POST", KEYS, { body: { organizationId: ORG, subjectId: ALICE, data: KEY2 } });
    const hidden = await h.call("GET", `/operations/${adminOp.body.id}`, { token });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(errorBody(5, `Operation ${JSON.stringify(adminOp.body.id)} not found`));
  });

  it("WHEN Bob adds a key for Alice THEN 403", async () => {
    const token = await h.tokenFor(BOB);
    const r = await h.call("POST", KEYS, { token, body: { organizationId: ORG, subjectId: ALICE, data: KEY2 } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe(7);
  });
});

describe("GIVEN SSH certificates on", () => {
  it("WHEN sshCertificates:generate for Alice THEN an OpenSSH user certificate comes back directly (no Operation)", async () => {
    const r = await h.call("POST", `${BASE}/sshCertificates:generate`, {
      body: { organizationId: ORG, subjectId: ALICE, publicKey: KEY1 },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(["signedCertificate"]);
    expect(r.body.signedCertificate).toMatch(/^ssh-ed25519-cert-v01@openssh\.com AAAA[A-Za-z0-9+/=]+/);
  });

  it("WHEN publicKey is missing THEN 400 naming publicKey", async () => {
    const r = await h.call("POST", `${BASE}/sshCertificates:generate`, { body: { organizationId: ORG } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument publicKey: the field is required"));
  });
});

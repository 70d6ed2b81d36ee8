// iam/v1 over REST: service accounts (+ access bindings), authorized keys (Create is synchronous
// and returns the private key once), and the JWT → IAM token exchange, whose token then works as a
// Bearer token on every other route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizedKeyFileOf } from "../../../src/contract/key-file.js";
import { privateKeyHeader } from "../../../src/cloud/model/keys.js";
import { signServiceAccountJwt } from "../../../src/cloud/model/iam-tokens.js";
import { anyId, errorBody, FOLDER, NOW, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
const SA = "/iam/v1/serviceAccounts";
const KEYS = "/iam/v1/keys";
const T = "type.googleapis.com/yandex.cloud.iam.v1.";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

let saId: string;
describe("GIVEN a folder", () => {
  it("WHEN CreateServiceAccount THEN the Operation has CreateServiceAccountMetadata and the account", async () => {
    const r = await h.call("POST", SA, { body: { folderId: FOLDER, name: "deployer", description: "CI", labels: { team: "ops" } } });
    expect(r.status).toBe(200);
    saId = r.body.response.id;
    expect(r.body).toEqual({
      id: anyId("op0"),
      description: "Create service account",
      createdAt: NOW,
      createdBy: "system:emulator-admin",
      modifiedAt: NOW,
      done: true,
      metadata: { "@type": `${T}CreateServiceAccountMetadata`, serviceAccountId: saId },
      response: {
        "@type": `${T}ServiceAccount`,
        id: anyId("ajs"),
        folderId: FOLDER,
        createdAt: NOW,
        name: "deployer",
        description: "CI",
        labels: { team: "ops" },
      },
    });
  });

  it("WHEN Get and List THEN the account", async () => {
    const sa = { id: saId, folderId: FOLDER, createdAt: NOW, name: "deployer", description: "CI", labels: { team: "ops" } };
    expect((await h.call("GET", `${SA}/${saId}`)).body).toEqual(sa);
    expect((await h.call("GET", `${SA}?folderId=${FOLDER}`)).body).toEqual({ serviceAccounts: [sa], nextPageToken: "" });
    const filtered = await h.call("GET", `${SA}?folderId=${FOLDER}&filter=${encodeURIComponent('name="nobody"')}`);
    expect(filtered.body).toEqual({ serviceAccounts: [], nextPageToken: "" });
  });

  it("WHEN the name is taken in the cloud THEN 409", async () => {
    const r = await h.call("POST", SA, { body: { folderId: FOLDER, name: "deployer" } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe(6);
  });

  it("WHEN labels is not a map of strings THEN 400 naming the label", async () => {
    const r = await h.call("POST", SA, { body: { folderId: FOLDER, name: "x", labels: { team: 1 } } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument labels.team: must be a string, got the number 1"));
  });

  it("WHEN Update with a mask THEN the Operation has the updated account", async () => {
    const r = await h.call("PATCH", `${SA}/${saId}`, { body: { description: "deploys", updateMask: "description" } });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}UpdateServiceAccountMetadata`, serviceAccountId: saId });
    expect(r.body.response).toMatchObject({ "@type": `${T}ServiceAccount`, id: saId, description: "deploys", name: "deployer" });
  });

  it("WHEN access bindings are updated on the service account THEN listed back", async () => {
    const binding = { roleId: "iam.serviceAccounts.user", subject: { type: "serviceAccount", id: saId } };
    const r = await h.call("POST", `${SA}/${saId}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: binding }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.response["@type"]).toBe("type.googleapis.com/yandex.cloud.access.AccessBindingsOperationResult");
    expect((await h.call("GET", `${SA}/${saId}:listAccessBindings`)).body).toEqual({ accessBindings: [binding], nextPageToken: "" });
  });
});

let created: { key: { id: string; serviceAccountId: string; createdAt: string; description: string; keyAlgorithm: "RSA_2048"; publicKey: string }; privateKey: string };
describe("GIVEN a service account", () => {
  it("WHEN CreateKey THEN the response (not an Operation) has the key and the private key, once", async () => {
    const r = await h.call("POST", KEYS, { body: { serviceAccountId: saId, keyAlgorithm: "RSA_2048", format: "PEM_FILE" } });
    expect(r.status).toBe(200);
    created = r.body;
    expect(r.body).toEqual({
      key: {
        id: anyId("ajk"),
        serviceAccountId: saId,
        createdAt: NOW,
        description: "",
        keyAlgorithm: "RSA_2048",
        publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
      },
      privateKey: expect.stringMatching(/^PLEASE DO NOT REMOVE THIS LINE! Yandex\.Cloud SA Key ID <ajk[a-v0-9]{17}>\n-----BEGIN PRIVATE KEY-----\n/),
    });
    expect(r.body.privateKey.startsWith(privateKeyHeader(r.body.key.id))).toBe(true);
  });

  it("WHEN Get and List keys THEN the key without the private key", async () => {
    expect((await h.call("GET", `${KEYS}/${created.key.id}?format=PEM_FILE`)).body).toEqual(created.key);
    expect((await h.call("GET", `${KEYS}?serviceAccountId=${saId}`)).body).toEqual({ keys: [created.key], nextPageToken: "" });
  });

  it("WHEN keyAlgorithm is unknown THEN 400 naming it and the values", async () => {
    const r = await h.call("POST", KEYS, { body: { serviceAccountId: saId, keyAlgorithm: "ED25519" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, 'Illegal argument keyAlgorithm: must be one of RSA_2048, RSA_4096, got "ED25519"'));
  });

  it("WHEN a JWT signed with the key is exchanged at POST /iam/v1/tokens (no Authorization) THEN an IAM token for the account", async () => {
    const jwt = signServiceAccountJwt(authorizedKeyFileOf(created), new Date(NOW));
    const r = await h.call("POST", "/iam/v1/tokens", { token: null, body: { jwt } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ iamToken: expect.stringMatching(/^t1\./), expiresAt: "2030-01-02T15:04:05.000Z" });

    // The token authenticates (not 401); the account holds no role on the folder, so listing is denied.
    const asSa = await h.call("GET", `${SA}?folderId=${FOLDER}`, { token: r.body.iamToken });
    expect(asSa.status).toBe(403);
    expect(asSa.body.code).toBe(7);
  });

  it("WHEN the JWT is garbage THEN 401 without echoing it", async () => {
    const r = await h.call("POST", "/iam/v1/tokens", { token: null, body: { jwt: "abc.def.ghi" } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe(16);
    expect(r.body.message).not.toContain("abc.def.ghi");
  });

  it("WHEN the token body has an unknown field THEN 400", async () => {
    const r = await h.call("POST", "/iam/v1/tokens", { token: null, body: { yandexPassportOauthToken: "x" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument yandexPassportOauthToken: is not a known field of this request"));
  });

  it("WHEN UpdateKey and DeleteKey THEN Operations; the deleted key is 404 and its JWTs stop working", async () => {
    const upd = await h.call("PATCH", `${KEYS}/${created.key.id}`, { body: { description: "ci key", updateMask: "description" } });
    expect(upd.status).toBe(200);
    expect(upd.body.response).toMatchObject({ "@type": `${T}Key`, id: created.key.id, description: "ci key" });
    const del = await h.call("DELETE", `${KEYS}/${created.key.id}`);
    expect(del.status).toBe(200);
    expect(del.body.response).toEqual({ "@type": "type.googleapis.com/google.protobuf.Empty", value: {} });
    expect((await h.call("GET", `${KEYS}/${created.key.id}`)).status).toBe(404);
    const jwt = signServiceAccountJwt(authorizedKeyFileOf(created), new Date(NOW));
    expect((await h.call("POST", "/iam/v1/tokens", { token: null, body: { jwt } })).status).toBe(401);
  });

  it("WHEN the service account is deleted THEN Empty and 404 afterwards", async () => {
    const r = await h.call("DELETE", `${SA}/${saId}`);
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}DeleteServiceAccountMetadata`, serviceAccountId: saId });
    expect((await h.call("GET", `${SA}/${saId}`)).status).toBe(404);
  });
});

import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { authorizedKeyFileOf, readAuthorizedKeyFile, writeAuthorizedKeyFile } from "../../../src/contract/key-file.js";
import { ADMIN, type ServiceAccount } from "../../../src/cloud/model/types.js";
import { ALICE, asServiceAccount, asUser, FIXED_NOW, FOLDER, type Fixture, openFixture } from "./iam-fixtures.js";

let f: Fixture;
let sa: ServiceAccount;
beforeEach(() => {
  f = openFixture();
  sa = f.serviceAccounts.create(ADMIN, { folderId: FOLDER, name: "deployer" }).response!.value as ServiceAccount;
});

describe("KeyService.Create", () => {
  it("GIVEN no algorithm WHEN creating THEN an RSA_2048 key, SPKI public key, and a Yandex-format PKCS#8 private key returned once", async () => {
    const { key, privateKey } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id, description: "ci" }));
    expect(key).toEqual({
      id: key.id,
      serviceAccountId: sa.id,
      createdAt: FIXED_NOW.toISOString(),
      description: "ci",
      keyAlgorithm: "RSA_2048",
      publicKey: key.publicKey,
    });
    expect(key.id).toMatch(/^ajk[a-v0-9]{17}$/);
    expect(key.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(createPublicKey(key.publicKey).asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    const header = `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${key.id}>\n`;
    expect(privateKey.startsWith(header + "-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    const priv = createPrivateKey(privateKey.slice(header.length));
    expect(createPublicKey(priv).export({ type: "spki", format: "pem" })).toBe(key.publicKey);
    expect(f.keys.get(ADMIN, { keyId: key.id })).toEqual(key);
  });

  it("GIVEN a created key WHEN reading every stored row THEN the private key is nowhere in the database", async () => {
    const { privateKey } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    const body = privateKey.split("\n").slice(2, 4).join("\n"); // a distinctive slice of the base64
    const db = f.store.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    for (const t of tables) {
      const dump = JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all());
      expect(dump.includes(body), `table ${t}`).toBe(false);
      expect(dump.includes("PRIVATE KEY"), `table ${t}`).toBe(false);
    }
  });

  it("GIVEN RSA_4096 WHEN creating THEN a 4096-bit key", async () => {
    const { key } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id, keyAlgorithm: "RSA_4096" }));
    expect(key.keyAlgorithm).toBe("RSA_4096");
    expect(createPublicKey(key.publicKey).asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  it("GIVEN bad input WHEN creating THEN INVALID_ARGUMENT / NOT_FOUND naming the field", async () => {
    await expect(f.keys.create(ADMIN, { serviceAccountId: sa.id, keyAlgorithm: "EC_P256" as "RSA_2048" })).rejects.toThrowError(
      'Illegal argument key_algorithm: "EC_P256" must be RSA_2048 or RSA_4096',
    );
    await expect(f.keys.create(ADMIN, { serviceAccountId: sa.id, description: "d".repeat(257) })).rejects.toThrowError(
      "Illegal argument description: must be at most 256 characters long (got 257)",
    );
    await expect(f.keys.create(ADMIN, { serviceAccountId: "" })).rejects.toThrowError("Illegal argument service_account_id: the field is required");
    await expect(f.keys.create(ADMIN, { serviceAccountId: "ajsnope" })).rejects.toThrowError('Service account "ajsnope" not found');
  });

  it("GIVEN a service account caller and no service_account_id WHEN creating THEN the key is for the caller (with iam.keys.manage)", async () => {
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "serviceAccount", id: sa.id }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "iam.serviceAccounts.keyAdmin", subject: { type: "serviceAccount", id: sa.id } } }] });
    expect((await f.keys.create(asServiceAccount(sa.id), { serviceAccountId: "" })).key.serviceAccountId).toBe(sa.id);
  });

  it("GIVEN a member without a role WHEN creating THEN PERMISSION_DENIED", async () => {
    await expect(f.keys.create(asUser(ALICE), { serviceAccountId: sa.id })).rejects.toThrowError(
      `Permission denied: userAccount:${ALICE} does not have iam.keys.manage on serviceAccount "${sa.id}"`,
    );
  });

  it("GIVEN an idempotency key already used WHEN creating again THEN ALREADY_EXISTS (the private key cannot be returned twice) and one key exists", async () => {
    const first = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }, { idempotencyKey: "k1" }));
    await expect(f.keys.create(ADMIN, { serviceAccountId: sa.id }, { idempotencyKey: "k1" })).rejects.toThrowError(
      `Key "${first.key.id}" was already created with this idempotency key; a private key is returned only once: delete that key and create a new one`,
    );
    expect(f.keys.list(ADMIN, { serviceAccountId: sa.id }).items.map((k) => k.id)).toEqual([first.key.id]);
  });
});

describe("KeyService Get/List/Update/Delete", () => {
  it("GIVEN two keys WHEN listing with page_size 1 THEN two pages", async () => {
    const ids = [(await f.keys.create(ADMIN, { serviceAccountId: sa.id })).key.id, (await f.keys.create(ADMIN, { serviceAccountId: sa.id })).key.id].sort();
    const p1 = f.keys.list(ADMIN, { serviceAccountId: sa.id, pageSize: 1n });
    expect(p1.items.map((k) => k.id)).toEqual([ids[0]]);
    expect(p1.nextPageToken).toBe(ids[0]);
    const p2 = f.keys.list(ADMIN, { serviceAccountId: sa.id, pageSize: 1n, pageToken: p1.nextPageToken });
    expect(p2.items.map((k) => k.id)).toEqual([ids[1]]);
    expect(p2.nextPageToken).toBe("");
  });

  it("GIVEN a service account that does not exist WHEN a member lists its keys THEN NOT_FOUND", async () => {
    expect(() => f.keys.list(asUser(ALICE), { serviceAccountId: "ajsnope" })).toThrowError(
      expect.objectContaining({ code: "NOT_FOUND", message: 'Service account "ajsnope" not found' }),
    );
  });

  it("GIVEN a key WHEN updating the description THEN an Operation with UpdateKeyMetadata and the Key", async () => {
    const { key } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    const op = f.keys.update(ADMIN, { keyId: key.id, description: "rotated", updateMask: ["description"] });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.iam.v1.UpdateKeyMetadata", value: { keyId: key.id } });
    expect(op.response).toEqual({ typeName: "yandex.cloud.iam.v1.Key", value: { ...key, description: "rotated" } });
    expect(() => f.keys.update(ADMIN, { keyId: key.id, updateMask: ["key_algorithm"] })).toThrowError(
      'Illegal argument update_mask: unknown field path "key_algorithm"; allowed: description',
    );
  });

  it("GIVEN a key WHEN deleting THEN DeleteKeyMetadata, Empty, and Get is NOT_FOUND", async () => {
    const { key } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    const op = f.keys.delete(ADMIN, { keyId: key.id });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.iam.v1.DeleteKeyMetadata", value: { keyId: key.id } });
    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(() => f.keys.get(ADMIN, { keyId: key.id })).toThrowError(expect.objectContaining({ code: "NOT_FOUND", message: `Key "${key.id}" not found` }));
  });

  it("GIVEN iam.serviceAccounts.user only WHEN a member gets a key THEN PERMISSION_DENIED; with viewer on the folder THEN allowed", async () => {
    const { key } = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    const grant = (roleId: string, kind: "folder" | "serviceAccount", id: string) =>
      f.access.updateAccessBindings(ADMIN, { resource: { kind, id }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId, subject: { type: "userAccount", id: ALICE } } }] });
    grant("iam.serviceAccounts.user", "serviceAccount", sa.id);
    expect(() => f.keys.get(asUser(ALICE), { keyId: key.id })).toThrowError(expect.objectContaining({ code: "PERMISSION_DENIED" }));
    grant("viewer", "folder", FOLDER);
    expect(f.keys.get(asUser(ALICE), { keyId: key.id })).toEqual(key);
  });
});

describe("authorized key file", () => {
  it("GIVEN a created key WHEN writing the key file THEN JSON in the yc layout, mode 0600, no temp file left", async () => {
    const created = (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    const dir = mkdtempSync(join(tmpdir(), "keyfile-"));
    const path = join(dir, "key.json");
    writeAuthorizedKeyFile(path, authorizedKeyFileOf(created));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["key.json"]);
    const expected = {
      id: created.key.id,
      service_account_id: sa.id,
      created_at: FIXED_NOW.toISOString(),
      key_algorithm: "RSA_2048",
      public_key: created.key.publicKey,
      private_key: created.privateKey,
    };
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(expected);
    expect(readAuthorizedKeyFile(path)).toEqual(expected);
  });

  it("GIVEN a key file without private_key WHEN reading THEN an error naming the field, not the content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyfile-"));
    const path = join(dir, "key.json");
    writeAuthorizedKeyFile(path, { id: "ajk1", service_account_id: "ajs1" } as never);
    expect(() => readAuthorizedKeyFile(path)).toThrowError(`authorized key file ${path}: field "private_key" is missing or not a string`);
  });
});

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SSH_KEY_DATA_MAX } from "../../../src/contract/rules.js";
import { ADMIN, type UserSshKey } from "../../../src/cloud/model/types.js";
import type { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ALICE, BOB, NOW, ORG, OTHER_ORG, SA, addServiceAccount, errorOf, grant, member, openModel, serviceAccount, valueOf } from "./fixtures.js";

const K = "yandex.cloud.organizationmanager.v1.";
const SSH_KEYGEN = "/usr/bin/ssh-keygen";

/** Real keys made and fingerprinted by OpenSSH itself: the fingerprint must match `ssh-keygen -lf`. */
interface RealKey {
  line: string;
  fingerprint: string;
}
let dir: string;
const real: Record<string, RealKey> = {};

beforeAll(() => {
  if (!existsSync(SSH_KEYGEN)) throw new Error(`${SSH_KEYGEN} not found: install the Debian package openssh-client`);
  dir = mkdtempSync(join(tmpdir(), "usk-"));
  for (const [name, args] of [
    ["ed25519", ["-t", "ed25519"]],
    ["ed25519b", ["-t", "ed25519"]],
    ["rsa", ["-t", "rsa", "-b", "3072"]],
    ["ecdsa", ["-t", "ecdsa", "-b", "256"]],
    ["rsa1024", ["-t", "rsa", "-b", "1024"]],
  ] as const) {
    const file = join(dir, name);
    execFileSync(SSH_KEYGEN, [...args, "-N", "", "-C", `${name}@test`, "-f", file, "-q"]);
    const printed = execFileSync(SSH_KEYGEN, ["-lf", `${file}.pub`], { encoding: "utf8" });
    real[name] = { line: readFileSync(`${file}.pub`, "utf8").trim(), fingerprint: printed.split(" ")[1]! };
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function create(model: CloudModel, req: Partial<Parameters<CloudModel["userSshKeys"]["create"]>[1]> = {}, caller = ADMIN): UserSshKey {
  return valueOf<UserSshKey>(model.userSshKeys.create(caller, { organizationId: ORG, subjectId: ALICE, data: real.ed25519!.line, ...req }));
}

describe("UserSshKeyService.Create", () => {
  it("GIVEN an ed25519 key WHEN created THEN the operation carries metadata and the key with the ssh-keygen fingerprint", () => {
    const model = openModel();
    const op = model.userSshKeys.create(ADMIN, { organizationId: ORG, subjectId: ALICE, name: "laptop", data: real.ed25519!.line, expiresAt: "2030-01-31T12:00:00+03:00" });
    const key = valueOf<UserSshKey>(op);
    expect(op.metadata).toEqual({ typeName: `${K}CreateUserSshKeyMetadata`, value: { userSshKeyId: key.id, organizationId: ORG } });
    expect(op.response).toEqual({
      typeName: `${K}UserSshKey`,
      value: {
        id: key.id,
        subjectId: ALICE,
        data: real.ed25519!.line,
        name: "laptop",
        fingerprint: real.ed25519!.fingerprint,
        organizationId: ORG,
        createdAt: NOW,
        expiresAt: "2030-01-31T09:00:00.000Z",
      },
    });
    expect(key.id).toMatch(/^usk[a-v0-9]{17}$/);
    expect(model.userSshKeys.get(ADMIN, { userSshKeyId: key.id })).toEqual(key);
  });

  it.each(["rsa", "ecdsa"])("GIVEN a real %s key WHEN created THEN the fingerprint is exactly what ssh-keygen -lf prints", (name) => {
    expect(create(openModel(), { data: real[name]!.line }).fingerprint).toBe(real[name]!.fingerprint);
  });

  it("GIVEN a key without expires_at WHEN created THEN it has no expiresAt (never expires)", () => {
    expect("expiresAt" in create(openModel())).toBe(false);
  });

  it.each([
    ["garbage", "garbage", "Illegal argument data: must look like '<type> <base64> [comment]'"],
    ["bad base64", "ssh-ed25519 AAAA!!!!", "Illegal argument data: is not a parseable OpenSSH public key"],
    ["private key", "-----BEGIN OPENSSH PRIVATE KEY----- abc", "Illegal argument data: looks like a private key; give the public key (.pub) only"],
  ])("GIVEN %s WHEN created THEN INVALID_ARGUMENT naming data", (_what, data, message) => {
    const e = errorOf(() => create(openModel(), { data }));
    expect([e.code, e.field, e.message]).toEqual(["INVALID_ARGUMENT", "data", message]);
  });

  it("GIVEN a 1024-bit RSA key WHEN created THEN INVALID_ARGUMENT naming data and the size", () => {
    const e = errorOf(() => create(openModel(), { data: real.rsa1024!.line }));
    expect([e.code, e.field, e.message]).toEqual(["INVALID_ARGUMENT", "data", "Illegal argument data: RSA keys must be at least 2048 bits, this one has 1024"]);
  });

  it(`GIVEN data longer than ${SSH_KEY_DATA_MAX} WHEN created THEN INVALID_ARGUMENT naming data; a name over 255 names name`, () => {
    const model = openModel();
    const long = `${real.ed25519!.line} ${"c".repeat(SSH_KEY_DATA_MAX)}`;
    expect([errorOf(() => create(model, { data: long })).field, errorOf(() => create(model, { data: long })).message]).toEqual([
      "data",
      `Illegal argument data: must be at most 20000 characters long (got ${long.length})`,
    ]);
    expect(errorOf(() => create(model, { name: "n".repeat(256) })).field).toBe("name");
    expect(create(model, { name: "n".repeat(255) }).name).toHaveLength(255);
  });

  it.each([
    ["2105-12-31T23:59:59.999999999Z", "2105-12-31T23:59:59.999Z"],
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"],
  ])("GIVEN expires_at %s at the edge of the range WHEN created THEN it is accepted as %s", (expiresAt, stored) => {
    expect(create(openModel(), { expiresAt }).expiresAt).toBe(stored);
  });

  it.each(["2106-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "tomorrow", "2030-01-31"])("GIVEN expires_at %j WHEN created THEN INVALID_ARGUMENT naming expires_at", (expiresAt) => {
    const e = errorOf(() => create(openModel(), { expiresAt }));
    expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "expires_at"]);
  });

  it("GIVEN the same key for the same subject WHEN created again THEN ALREADY_EXISTS; another subject may hold it", () => {
    const model = openModel();
    create(model);
    const e = errorOf(() => create(model, { data: real.ed25519!.line.replace("ed25519@test", "other comment") }));
    expect([e.code, e.field, e.message]).toEqual([
      "ALREADY_EXISTS",
      "data",
      `User SSH key with fingerprint ${real.ed25519!.fingerprint} already exists for subject "${ALICE}"`,
    ]);
    expect(create(model, { subjectId: BOB }).subjectId).toBe(BOB);
  });

  it("GIVEN required fields missing WHEN created THEN INVALID_ARGUMENT naming each", () => {
    const model = openModel();
    expect(errorOf(() => create(model, { organizationId: "" })).field).toBe("organization_id");
    expect(errorOf(() => create(model, { subjectId: "" })).field).toBe("subject_id");
    expect(errorOf(() => create(model, { data: "" })).field).toBe("data");
  });

  it("GIVEN a subject that is not in the organization WHEN created THEN NOT_FOUND naming subject_id", () => {
    const model = openModel();
    const e = errorOf(() => create(model, { organizationId: OTHER_ORG }));
    expect([e.code, e.field]).toEqual(["NOT_FOUND", "subject_id"]);
  });
});

describe("who may manage keys", () => {
  const settings = (model: CloudModel, enabled: boolean, allowManageOwnKeys: boolean) =>
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled, allowManageOwnKeys } });

  it("GIVEN allow_manage_own_keys off WHEN a member adds their own key THEN PERMISSION_DENIED", () => {
    const model = openModel();
    settings(model, true, false);
    const e = errorOf(() => create(model, {}, member(ALICE)));
    expect([e.code, e.message]).toEqual([
      "PERMISSION_DENIED",
      `Permission denied: members may manage their own SSH keys only when the organization has user SSH keys enabled and allow_manage_own_keys on (organization ${ORG})`,
    ]);
  });

  it("GIVEN allow_manage_own_keys on but user keys disabled WHEN a member adds their own key THEN PERMISSION_DENIED", () => {
    const model = openModel();
    settings(model, false, true);
    expect(errorOf(() => create(model, {}, member(ALICE))).code).toBe("PERMISSION_DENIED");
  });

  it("GIVEN user keys enabled and allow_manage_own_keys on WHEN a member manages their own key THEN create, list, update and delete work; another member's keys stay out of reach", () => {
    const model = openModel();
    settings(model, true, true);
    const alice = member(ALICE);
    const key = create(model, {}, alice);
    expect(key.subjectId).toBe(ALICE);
    expect(model.userSshKeys.list(alice, { organizationId: ORG, subjectId: ALICE }).items.map((k) => k.id)).toEqual([key.id]);
    expect(valueOf<UserSshKey>(model.userSshKeys.update(alice, { userSshKeyId: key.id, name: "renamed" })).name).toBe("renamed");
    expect(errorOf(() => create(model, { subjectId: BOB }, alice)).code).toBe("PERMISSION_DENIED");
    const bobs = create(model, { subjectId: BOB });
    expect(errorOf(() => model.userSshKeys.delete(alice, { userSshKeyId: bobs.id })).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.userSshKeys.get(alice, { userSshKeyId: bobs.id })).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.userSshKeys.list(alice, { organizationId: ORG })).code).toBe("PERMISSION_DENIED");
    model.userSshKeys.delete(alice, { userSshKeyId: key.id });
    expect(errorOf(() => model.userSshKeys.get(ADMIN, { userSshKeyId: key.id })).code).toBe("NOT_FOUND");
  });

  it("GIVEN organization-manager.osLogins.admin WHEN managing another member's keys THEN allowed even with allow_manage_own_keys off", () => {
    const model = openModel();
    grant(model, member(BOB), "organization-manager.osLogins.admin");
    const key = create(model, { subjectId: ALICE }, member(BOB));
    expect(valueOf<UserSshKey>(model.userSshKeys.update(member(BOB), { userSshKeyId: key.id, name: "x", updateMask: ["name"] })).name).toBe("x");
    model.userSshKeys.delete(member(BOB), { userSshKeyId: key.id });
  });

  it("GIVEN a service account subject WHEN keys are managed THEN only holders of manageServiceAccountKeys (osLogins.admin) may; the SA itself may not", () => {
    const model = openModel();
    addServiceAccount(model);
    settings(model, true, true);
    // An editor-like role without the SA permission: a role catalog check, not a code path.
    grant(model, member(ALICE), "organization-manager.osLogins.viewer");
    expect(errorOf(() => create(model, { subjectId: SA }, member(ALICE))).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => create(model, { subjectId: SA }, serviceAccount(SA))).code).toBe("PERMISSION_DENIED");
    grant(model, member(BOB), "organization-manager.osLogins.admin");
    const key = create(model, { subjectId: SA }, member(BOB));
    expect(key.subjectId).toBe(SA);
    expect(model.userSshKeys.list(member(ALICE), { organizationId: ORG, subjectId: SA }).items.map((k) => k.id)).toEqual([key.id]);
  });

  it("GIVEN no permission WHEN reading a key of a subject that does not exist THEN PERMISSION_DENIED before NOT_FOUND leaks", () => {
    const model = openModel();
    expect(errorOf(() => create(model, { subjectId: "ajenobody00000000000" }, member(ALICE))).code).toBe("PERMISSION_DENIED");
  });
});

describe("UserSshKeyService Update / List / Delete", () => {
  it("GIVEN a key WHEN expires_at is set then cleared through the mask THEN the metadata names it and the key no longer expires", () => {
    const model = openModel();
    const key = create(model, { name: "k" });
    const op = model.userSshKeys.update(ADMIN, { userSshKeyId: key.id, expiresAt: "2031-05-06T07:08:09Z" });
    expect(op.metadata).toEqual({ typeName: `${K}UpdateUserSshKeyMetadata`, value: { userSshKeyId: key.id } });
    expect(valueOf(op)).toEqual({ ...key, expiresAt: "2031-05-06T07:08:09.000Z" });
    const cleared = valueOf<UserSshKey>(model.userSshKeys.update(ADMIN, { userSshKeyId: key.id, updateMask: ["expires_at"] }));
    expect(cleared).toEqual(key);
  });

  it("GIVEN a mask naming data WHEN updating THEN INVALID_ARGUMENT naming update_mask (only name and expires_at change)", () => {
    const model = openModel();
    const key = create(model);
    const e = errorOf(() => model.userSshKeys.update(ADMIN, { userSshKeyId: key.id, updateMask: ["data"] }));
    expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "update_mask"]);
  });

  it("GIVEN keys of two subjects WHEN listing by subject and for the whole org with paging THEN exact ids in creation order", () => {
    const model = openModel();
    const a1 = create(model);
    const b1 = create(model, { subjectId: BOB });
    const a2 = create(model, { data: real.ed25519b!.line });
    expect(model.userSshKeys.list(ADMIN, { organizationId: ORG, subjectId: ALICE }).items.map((k) => k.id)).toEqual([a1.id, a2.id]);
    const first = model.userSshKeys.list(ADMIN, { organizationId: ORG, pageSize: 2n });
    expect(first.items.map((k) => k.id)).toEqual([a1.id, b1.id]);
    const second = model.userSshKeys.list(ADMIN, { organizationId: ORG, pageSize: 2n, pageToken: first.nextPageToken });
    expect([second.items.map((k) => k.id), second.nextPageToken]).toEqual([[a2.id], ""]);
    expect(errorOf(() => model.userSshKeys.list(ADMIN, { organizationId: ORG, subjectId: ALICE, pageToken: first.nextPageToken })).field).toBe("page_token");
  });

  it("GIVEN a key WHEN deleted THEN the operation has the metadata and Empty, the audit log has before/after, and the same key can be added again", () => {
    const model = openModel();
    const key = create(model);
    const op = model.userSshKeys.delete(ADMIN, { userSshKeyId: key.id });
    expect([op.metadata, op.response]).toEqual([
      { typeName: `${K}DeleteUserSshKeyMetadata`, value: { userSshKeyId: key.id } },
      { typeName: "google.protobuf.Empty", value: {} },
    ]);
    const events = model.audit.list(ADMIN, { resourceType: "userSshKey", resourceId: key.id }).items;
    expect(events.map((e) => [e.action, e.before, e.after])).toEqual([
      ["organizationmanager.UserSshKeyService.Create", null, key],
      ["organizationmanager.UserSshKeyService.Delete", key, null],
    ]);
    expect(create(model).fingerprint).toBe(key.fingerprint);
    expect(errorOf(() => model.userSshKeys.delete(ADMIN, { userSshKeyId: key.id })).code).toBe("NOT_FOUND");
  });

  it("GIVEN an idempotency key WHEN a create is retried THEN the same operation and one key", () => {
    const model = openModel();
    const a = model.userSshKeys.create(ADMIN, { organizationId: ORG, subjectId: ALICE, data: real.ed25519!.line }, { idempotencyKey: "k" });
    const b = model.userSshKeys.create(ADMIN, { organizationId: ORG, subjectId: ALICE, data: real.ed25519!.line }, { idempotencyKey: "k" });
    expect(b).toEqual(a);
    expect(model.userSshKeys.list(ADMIN, { organizationId: ORG }).items).toHaveLength(1);
  });
});

describe("retried deletes", () => {
  it("GIVEN a key deleted with an idempotency key WHEN retried with the same key THEN the first operation comes back", () => {
    const model = openModel();
    const key = create(model);
    const first = model.userSshKeys.delete(ADMIN, { userSshKeyId: key.id }, { idempotencyKey: "d" });
    expect(model.userSshKeys.delete(ADMIN, { userSshKeyId: key.id }, { idempotencyKey: "d" })).toEqual(first);
    expect(errorOf(() => model.userSshKeys.update(ADMIN, { userSshKeyId: key.id, name: "x" })).code).toBe("NOT_FOUND");
  });
});

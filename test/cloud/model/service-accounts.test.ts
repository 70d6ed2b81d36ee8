import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, type ServiceAccount } from "../../../src/cloud/model/types.js";
import { ALICE, asUser, CLOUD, FIXED_NOW, FOLDER, type Fixture, openFixture, ORG, OTHER_FOLDER } from "./iam-fixtures.js";

let f: Fixture;
beforeEach(() => {
  f = openFixture();
  // A second folder in the same cloud, to show name uniqueness is per cloud.
  f.store.db.prepare("INSERT INTO folders (id, cloud_id, doc) VALUES ('b1fsamecloud', ?, '{}')").run(CLOUD);
});

const create = (name: string, folderId = FOLDER, extra: Partial<ServiceAccount> = {}) =>
  f.serviceAccounts.create(ADMIN, { folderId, name, ...extra }).response!.value as ServiceAccount;

describe("ServiceAccountService.Create", () => {
  it("GIVEN a valid request WHEN creating THEN a done Operation with metadata and the ServiceAccount", async () => {
    const op = f.serviceAccounts.create(ADMIN, { folderId: FOLDER, name: "deployer", description: "CI", labels: { team: "ops" } });
    const sa = op.response!.value as ServiceAccount;
    expect(sa).toEqual({ id: sa.id, folderId: FOLDER, createdAt: FIXED_NOW.toISOString(), name: "deployer", description: "CI", labels: { team: "ops" } });
    expect(sa.id).toMatch(/^ajs[a-v0-9]{17}$/);
    expect(op.response!.typeName).toBe("yandex.cloud.iam.v1.ServiceAccount");
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.iam.v1.CreateServiceAccountMetadata", value: { serviceAccountId: sa.id } });
    expect(f.serviceAccounts.get(ADMIN, { serviceAccountId: sa.id })).toEqual(sa);
  });

  it("GIVEN a name taken in another folder of the same cloud WHEN creating THEN ALREADY_EXISTS; in another cloud THEN allowed", async () => {
    create("deployer");
    expect(() => create("deployer", "b1fsamecloud")).toThrowError(
      expect.objectContaining({
        code: "ALREADY_EXISTS",
        message: `Service account already exists: the name "deployer" is taken in cloud ${CLOUD} (service account names are unique within a cloud)`,
      }),
    );
    expect(create("deployer", OTHER_FOLDER).name).toBe("deployer");
  });

  it.each([
    ["", "name", "Illegal argument name: the field is required"],
    ["Deployer", "name", 'Illegal argument name: "Deployer" must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lower-case letters, digits and \'-\', 1-63 characters, starting with a letter)'],
    ["ends-", "name", 'Illegal argument name: "ends-" must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lower-case letters, digits and \'-\', 1-63 characters, starting with a letter)'],
    ["a".repeat(64), "name", "Illegal argument name: must be at most 63 characters long (got 64)"],
  ])("GIVEN name %j WHEN creating THEN INVALID_ARGUMENT on %s", (name, field, message) => {
    expect(() => create(name)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message }));
  });

  it("GIVEN a 63-character name WHEN creating THEN accepted", async () => {
    expect(create("a".repeat(63)).name).toHaveLength(63);
  });

  it("GIVEN a 257-character description or bad labels WHEN creating THEN INVALID_ARGUMENT naming the field and rule", async () => {
    expect(() => create("x", FOLDER, { description: "d".repeat(257) })).toThrowError("Illegal argument description: must be at most 256 characters long (got 257)");
    expect(create("y", FOLDER, { description: "d".repeat(256) }).description).toHaveLength(256);
    expect(() => create("z", FOLDER, { labels: { Team: "ops" } })).toThrowError('Illegal argument labels: key "Team" must match ^[a-z][-_0-9a-z]{0,62}$');
    expect(() => create("z", FOLDER, { labels: { team: "Ops" } })).toThrowError('Illegal argument labels[team]: value "Ops" must match ^[-_0-9a-z]{0,63}$');
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(() => create("z", FOLDER, { labels: tooMany })).toThrowError("Illegal argument labels: must have at most 64 entries (got 65)");
  });

  it("GIVEN a folder that does not exist WHEN the admin creates THEN NOT_FOUND; a member without a role THEN PERMISSION_DENIED", async () => {
    expect(() => create("x", "b1fnope")).toThrowError(expect.objectContaining({ code: "NOT_FOUND", message: 'Folder "b1fnope" not found' }));
    expect(() => f.serviceAccounts.create(asUser(ALICE), { folderId: FOLDER, name: "x" })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have iam.serviceAccounts.manage on folder "${FOLDER}"`,
    );
  });

  it("GIVEN editor on the folder WHEN a member creates THEN allowed and the operation names them", async () => {
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "editor", subject: { type: "userAccount", id: ALICE } } }] });
    expect(f.serviceAccounts.create(asUser(ALICE), { folderId: FOLDER, name: "x" }).createdBy).toBe(`userAccount:${ALICE}`);
  });
});

describe("ServiceAccountService.List", () => {
  it("GIVEN three accounts WHEN listing with page_size 2 THEN two pages in id order", async () => {
    const ids = [create("a1"), create("a2"), create("a3")].map((s) => s.id).sort();
    const p1 = f.serviceAccounts.list(ADMIN, { folderId: FOLDER, pageSize: 2n });
    expect(p1.items.map((s) => s.id)).toEqual(ids.slice(0, 2));
    expect(p1.nextPageToken).toBe(ids[1]);
    const p2 = f.serviceAccounts.list(ADMIN, { folderId: FOLDER, pageSize: 2n, pageToken: p1.nextPageToken });
    expect(p2).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextPageToken: "" });
  });

  it('GIVEN filter name="a2" WHEN listing THEN only that account; an unsupported filter THEN INVALID_ARGUMENT', async () => {
    create("a1");
    const a2 = create("a2");
    expect(f.serviceAccounts.list(ADMIN, { folderId: FOLDER, filter: 'name="a2"' })).toEqual({ items: [a2], nextPageToken: "" });
    expect(() => f.serviceAccounts.list(ADMIN, { folderId: FOLDER, filter: 'id="x"' })).toThrowError(
      'Illegal argument filter: "id=\\"x\\"" is not supported; use name="<value>"',
    );
  });

  it("GIVEN a folder that does not exist WHEN anyone lists or creates in it THEN NOT_FOUND; an existing one without a role THEN PERMISSION_DENIED", async () => {
    expect(() => f.serviceAccounts.list(asUser(ALICE), { folderId: "b1fnope" })).toThrowError(expect.objectContaining({ code: "NOT_FOUND", message: 'Folder "b1fnope" not found' }));
    expect(() => f.serviceAccounts.create(asUser(ALICE), { folderId: "b1fnope", name: "x" })).toThrowError(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => f.serviceAccounts.list(asUser(ALICE), { folderId: FOLDER })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have iam.serviceAccounts.get on folder "${FOLDER}"`,
    );
  });

  it("GIVEN no folder_id WHEN listing THEN INVALID_ARGUMENT folder_id required", async () => {
    expect(() => f.serviceAccounts.list(ADMIN, { folderId: "" })).toThrowError("Illegal argument folder_id: the field is required");
  });
});

describe("ServiceAccountService.Update", () => {
  it("GIVEN an update_mask of description WHEN updating THEN only the description changes", async () => {
    const sa = create("deployer", FOLDER, { description: "old", labels: { a: "b" } });
    const op = f.serviceAccounts.update(ADMIN, { serviceAccountId: sa.id, updateMask: ["description"], description: "new", name: "ignored" });
    expect(op.response!.value).toEqual({ ...sa, description: "new" });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.iam.v1.UpdateServiceAccountMetadata", value: { serviceAccountId: sa.id } });
  });

  it("GIVEN a rename to a name used in the cloud WHEN updating THEN ALREADY_EXISTS; an unknown mask path THEN INVALID_ARGUMENT", async () => {
    create("taken", "b1fsamecloud");
    const sa = create("mine");
    expect(() => f.serviceAccounts.update(ADMIN, { serviceAccountId: sa.id, name: "taken" })).toThrowError(expect.objectContaining({ code: "ALREADY_EXISTS" }));
    expect(() => f.serviceAccounts.update(ADMIN, { serviceAccountId: sa.id, updateMask: ["folder_id"] })).toThrowError(
      'Illegal argument update_mask: unknown field path "folder_id"; allowed: name, description, labels',
    );
    expect(f.serviceAccounts.update(ADMIN, { serviceAccountId: sa.id, name: "renamed" }).response!.value).toEqual({ ...sa, name: "renamed" });
  });
});

describe("ServiceAccountService.Delete", () => {
  it("GIVEN an account with keys, tokens, profiles, SSH keys and bindings WHEN deleting THEN all of them are gone", async () => {
    const sa = create("deployer");
    const other = create("other");
    const db = f.store.db;
    (await f.keys.create(ADMIN, { serviceAccountId: sa.id }));
    f.iamTokens.issueFor(ADMIN, { subject: { type: "serviceAccount", id: sa.id } });
    db.prepare("INSERT INTO os_login_profiles (id, organization_id, subject_id, login, uid, is_default, doc) VALUES ('olp1', ?, ?, 'yc-sa-deployer', 10000, 1, '{}')").run(ORG, sa.id);
    db.prepare("INSERT INTO user_ssh_keys (id, organization_id, subject_id, fingerprint, doc) VALUES ('usk1', ?, ?, 'SHA256:x', '{}')").run(ORG, sa.id);
    const saSubject = { type: "serviceAccount", id: sa.id };
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: saSubject } }] });
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "serviceAccount", id: sa.id }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "iam.serviceAccounts.user", subject: { type: "userAccount", id: ALICE } } }] });
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "serviceAccount", id: other.id }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "viewer", subject: saSubject } }] });

    const op = f.serviceAccounts.delete(ADMIN, { serviceAccountId: sa.id });

    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.iam.v1.DeleteServiceAccountMetadata", value: { serviceAccountId: sa.id } });
    const count = (sql: string) => (db.prepare(sql).pluck().get(...Array(sql.split("?").length - 1).fill(sa.id)) as number);
    expect(count("SELECT COUNT(*) FROM service_account_keys WHERE service_account_id = ?")).toBe(0);
    expect(count("SELECT COUNT(*) FROM iam_tokens WHERE subject_id = ?")).toBe(0);
    expect(count("SELECT COUNT(*) FROM os_login_profiles WHERE subject_id = ?")).toBe(0);
    expect(count("SELECT COUNT(*) FROM user_ssh_keys WHERE subject_id = ?")).toBe(0);
    expect(count("SELECT COUNT(*) FROM access_bindings WHERE subject_id = ? OR resource_id = ?")).toBe(0);
    expect(() => f.serviceAccounts.get(ADMIN, { serviceAccountId: sa.id })).toThrowError(`Service account "${sa.id}" not found`);
    expect(f.serviceAccounts.get(ADMIN, { serviceAccountId: other.id })).toEqual(other);
  });

  it("GIVEN a deleted account WHEN a member without any role gets it THEN NOT_FOUND (refresh can drop it)", async () => {
    const sa = create("gone");
    f.serviceAccounts.delete(ADMIN, { serviceAccountId: sa.id });
    expect(() => f.serviceAccounts.get(asUser(ALICE), { serviceAccountId: sa.id })).toThrowError(
      expect.objectContaining({ code: "NOT_FOUND", message: `Service account "${sa.id}" not found` }),
    );
  });

  it("GIVEN a member with viewer only WHEN deleting THEN PERMISSION_DENIED and the account stays", async () => {
    const sa = create("deployer");
    f.access.updateAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "viewer", subject: { type: "userAccount", id: ALICE } } }] });
    expect(f.serviceAccounts.get(asUser(ALICE), { serviceAccountId: sa.id })).toEqual(sa);
    expect(() => f.serviceAccounts.delete(asUser(ALICE), { serviceAccountId: sa.id })).toThrowError(
      `Permission denied: userAccount:${ALICE} does not have iam.serviceAccounts.manage on serviceAccount "${sa.id}"`,
    );
    expect(f.serviceAccounts.get(ADMIN, { serviceAccountId: sa.id })).toEqual(sa);
  });
});

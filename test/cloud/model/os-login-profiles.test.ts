import { describe, expect, it } from "vitest";
import { PROFILES_PER_ORGANIZATION, UID_MAX } from "../../../src/contract/rules.js";
import { ADMIN, type OsLoginProfile } from "../../../src/cloud/model/types.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALICE, BOB, CAROL, ORG, OTHER_ORG, SA, addServiceAccount, errorOf, grant, member, openModel, serviceAccount, valueOf } from "./fixtures.js";

const P = "yandex.cloud.organizationmanager.v1.";

function create(model: CloudModel, req: Partial<Parameters<CloudModel["osLogin"]["createProfile"]>[1]>, caller = ADMIN) {
  return valueOf<OsLoginProfile>(model.osLogin.createProfile(caller, { organizationId: ORG, subjectId: ALICE, login: "alice", ...req }));
}

describe("OsLoginService.CreateProfile", () => {
  it("GIVEN a member WHEN creating a profile with defaults THEN the operation carries the metadata and the profile", () => {
    const model = openModel();
    const op = model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" });
    const profile = valueOf<OsLoginProfile>(op);
    expect(op.done).toBe(true);
    expect(op.description).toBe("Create OS Login profile");
    expect(op.metadata).toEqual({
      typeName: `${P}CreateOsLoginProfileMetadata`,
      value: { osLoginProfileId: profile.id, organizationId: ORG, subjectId: ALICE },
    });
    expect(op.response).toEqual({
      typeName: `${P}OsLoginProfile`,
      value: { id: profile.id, organizationId: ORG, subjectId: ALICE, login: "alice", uid: 10000n, isDefault: true, homeDirectory: "/home/alice", shell: "/bin/bash" },
    });
    expect(profile.id).toMatch(/^olp[a-v0-9]{17}$/);
    expect(model.osLogin.getProfile(ADMIN, { osLoginProfileId: profile.id })).toEqual(profile);
    expect(model.ctx.getOperation(op.id)).toEqual(op);
  });

  it.each([
    ["", "INVALID_ARGUMENT"],
    ["-alice", "INVALID_ARGUMENT"],
    ["alice.smith", "INVALID_ARGUMENT"],
    ["alice~", "INVALID_ARGUMENT"],
    ["a".repeat(33), "INVALID_ARGUMENT"],
    ["Алиса", "INVALID_ARGUMENT"],
  ])("GIVEN login %j WHEN creating THEN %s naming login", (login, code) => {
    const model = openModel();
    const e = errorOf(() => create(model, { login }));
    expect([e.code, e.field]).toEqual([code, "login"]);
  });

  it.each(["_svc", "a", "A-b_9", "a".repeat(32)])("GIVEN login %j WHEN creating THEN it is accepted", (login) => {
    expect(create(openModel(), { login }).login).toBe(login);
  });

  it("GIVEN login alice taken WHEN another subject asks for alice THEN ALREADY_EXISTS naming login; another org may use it", () => {
    const model = openModel();
    create(model, {});
    const e = errorOf(() => create(model, { subjectId: BOB }));
    expect([e.code, e.field, e.message]).toEqual([
      "ALREADY_EXISTS",
      "login",
      `OS Login profile with login "alice" already exists in organization "${ORG}": login must be unique in the organization`,
    ]);
    model.directory.createMember(ADMIN, { organizationId: OTHER_ORG, id: "ajeother000000000001", name: "x", email: "x@example.com" });
    expect(create(model, { organizationId: OTHER_ORG, subjectId: "ajeother000000000001" }).uid).toBe(10000n);
  });

  it.each([
    [999n, "INVALID_ARGUMENT"],
    [1001n, "INVALID_ARGUMENT"],
    [-1n, "INVALID_ARGUMENT"],
    [UID_MAX + 1n, "INVALID_ARGUMENT"],
  ])("GIVEN uid %s WHEN creating THEN %s naming uid", (uid, code) => {
    const e = errorOf(() => create(openModel(), { uid }));
    expect([e.code, e.field, e.message]).toEqual([code, "uid", "Illegal argument uid: must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand)"]);
  });

  it("GIVEN uid 2^63-1 (past 2^53) WHEN created, read back and filtered THEN it is exact as bigint, also after reopening the database", () => {
    const dir = mkdtempSync(join(tmpdir(), "oslogin-uid-"));
    try {
      let model = CloudModel.open({ dataDir: dir });
      model.directory.seed({ organizations: [{ id: ORG, name: "acme", members: [{ id: ALICE, name: "Alice", email: "a@example.com" }] }] });
      const p = create(model, { uid: 9223372036854775807n });
      expect(p.uid).toBe(9223372036854775807n);
      model.close();
      model = CloudModel.open({ dataDir: dir });
      expect(model.osLogin.getProfile(ADMIN, { osLoginProfileId: p.id }).uid).toBe(9223372036854775807n);
      expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: 'uid="9223372036854775807"' }).items.map((x) => x.id)).toEqual([p.id]);
      expect(model.ctx.db.prepare("SELECT uid FROM os_login_profiles").safeIntegers(true).pluck().get()).toBe(9223372036854775807n);
      // The highest uid is taken: auto allocation falls back to the lowest free uid from 10000.
      expect(create(model, { login: "alice2" }).uid).toBe(10000n);
      expect(create(model, { login: "alice3" }).uid).toBe(10001n);
      model.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("GIVEN uid 20000 taken WHEN another profile asks for it THEN ALREADY_EXISTS naming uid; auto uids continue above the highest", () => {
    const model = openModel();
    create(model, { uid: 20000n });
    const e = errorOf(() => create(model, { subjectId: BOB, login: "bob", uid: 20000n }));
    expect([e.code, e.field]).toEqual(["ALREADY_EXISTS", "uid"]);
    expect(create(model, { subjectId: BOB, login: "bob" }).uid).toBe(20001n);
    expect(create(model, { subjectId: CAROL, login: "carol", uid: 1002n }).uid).toBe(1002n);
    expect(create(model, { subjectId: CAROL, login: "carol2" }).uid).toBe(20002n);
  });

  it("GIVEN home or shell longer than 255 WHEN creating THEN INVALID_ARGUMENT naming the field; 255 is fine", () => {
    const model = openModel();
    expect(errorOf(() => create(model, { homeDirectory: "/" + "h".repeat(255) })).field).toBe("home_directory");
    expect(errorOf(() => create(model, { shell: "/" + "s".repeat(255) })).field).toBe("shell");
    const p = create(model, { homeDirectory: "/" + "h".repeat(254), shell: "/bin/zsh" });
    expect([p.homeDirectory.length, p.shell]).toEqual([255, "/bin/zsh"]);
  });

  it("GIVEN a subject outside the organization WHEN creating THEN NOT_FOUND naming subject_id; a service account of the org is fine", () => {
    const model = openModel();
    model.directory.createMember(ADMIN, { organizationId: OTHER_ORG, id: "ajeother000000000001", name: "x", email: "x@example.com" });
    const e = errorOf(() => create(model, { subjectId: "ajeother000000000001" }));
    expect([e.code, e.field]).toEqual(["NOT_FOUND", "subject_id"]);
    expect(errorOf(() => create(model, { subjectId: SA })).code).toBe("NOT_FOUND");
    addServiceAccount(model);
    expect(create(model, { subjectId: SA, login: "yc-sa-robot" }).subjectId).toBe(SA);
  });

  it("GIVEN an organization that does not exist WHEN creating THEN NOT_FOUND", () => {
    expect(errorOf(() => create(openModel(), { organizationId: "bpfnope" })).code).toBe("NOT_FOUND");
  });

  it("GIVEN the admin caller and no subject_id WHEN creating THEN INVALID_ARGUMENT naming subject_id; a member with the role creating for itself gets its own", () => {
    const model = openModel();
    expect(errorOf(() => create(model, { subjectId: "" })).field).toBe("subject_id");
    grant(model, member(BOB), "organization-manager.osLogins.admin");
    expect(create(model, { subjectId: undefined, login: "bob" }, member(BOB)).subjectId).toBe(BOB);
  });

  it("GIVEN a member without a role WHEN creating a profile THEN PERMISSION_DENIED and nothing is written", () => {
    const model = openModel();
    expect(errorOf(() => create(model, {}, member(ALICE))).code).toBe("PERMISSION_DENIED");
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG }).items).toEqual([]);
  });

  it(`GIVEN ${PROFILES_PER_ORGANIZATION} profiles WHEN one more is created THEN RESOURCE_EXHAUSTED`, () => {
    const model = openModel();
    model.ctx.store.transaction(() => {
      for (let i = 0; i < PROFILES_PER_ORGANIZATION; i++) create(model, { login: `u${i}` });
    });
    const e = errorOf(() => create(model, { login: "onemore" }));
    expect([e.code, e.message]).toEqual(["RESOURCE_EXHAUSTED", "Quota limit organization-manager.osLoginProfiles.count exceeded: the limit is 4000"]);
    // The quota counts live profiles: after a delete there is room for exactly one more.
    const last = model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: 'login="u0"' }).items[0]!;
    model.osLogin.deleteProfile(ADMIN, { id: last.id });
    expect(create(model, { login: "onemore" }).login).toBe("onemore");
    expect(errorOf(() => create(model, { login: "twomore" })).code).toBe("RESOURCE_EXHAUSTED");
    // Other organizations have their own quota.
    model.directory.createMember(ADMIN, { organizationId: OTHER_ORG, id: "ajeother000000000001", name: "x", email: "x@example.com" });
    expect(create(model, { organizationId: OTHER_ORG, subjectId: "ajeother000000000001", login: "x" }).login).toBe("x");
  });

  it("GIVEN OS Login turned on WHEN the default profiles would exceed the quota THEN RESOURCE_EXHAUSTED and the settings stay off", () => {
    const model = openModel();
    model.ctx.store.transaction(() => {
      for (let i = 0; i < PROFILES_PER_ORGANIZATION - 1; i++) create(model, { login: `u${i}` });
    });
    // Alice has profiles; Bob and Carol would need two more, one more than the quota leaves.
    const e = errorOf(() => model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } }));
    expect(e.code).toBe("RESOURCE_EXHAUSTED");
    expect(model.osLogin.getSettings(ADMIN, { organizationId: ORG }).userSshKeySettings.enabled).toBe(false);
    expect(model.osLogin.defaultOf(ORG, BOB)).toBeUndefined();
  });

  it("GIVEN an idempotency key WHEN the same create is retried THEN the same operation comes back and one profile exists", () => {
    const model = openModel();
    const first = model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" }, { idempotencyKey: "create-alice" });
    const again = model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" }, { idempotencyKey: "create-alice" });
    expect(again).toEqual(first);
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG }).items).toHaveLength(1);
    expect(model.audit.list(ADMIN, { resourceType: "osLoginProfile" }).items).toHaveLength(1);
  });
});

describe("default profiles", () => {
  it("GIVEN a subject's first profile is default WHEN a second is created THEN it is not default; SetDefault flips both and reports previous/current", () => {
    const model = openModel();
    const first = create(model, {});
    const second = create(model, { login: "alice-admin" });
    expect([first.isDefault, second.isDefault]).toEqual([true, false]);
    const op = model.osLogin.setDefaultProfile(ADMIN, { osLoginProfileId: second.id });
    expect(op.metadata).toEqual({
      typeName: `${P}SetDefaultOsLoginProfileMetadata`,
      value: { previousDefaultProfileId: first.id, currentDefaultProfileId: second.id },
    });
    expect(valueOf<OsLoginProfile>(op)).toEqual({ ...second, isDefault: true });
    expect(model.osLogin.getProfile(ADMIN, { osLoginProfileId: first.id }).isDefault).toBe(false);
    const defaults = model.ctx.db.prepare("SELECT COUNT(*) FROM os_login_profiles WHERE subject_id = ? AND is_default = 1").pluck().get(ALICE);
    expect(defaults).toBe(1);
  });

  it("GIVEN the default WHEN SetDefault is called on it again THEN previous and current are the same and nothing changes", () => {
    const model = openModel();
    const first = create(model, {});
    const op = model.osLogin.setDefaultProfile(ADMIN, { osLoginProfileId: first.id });
    expect(op.metadata!.value).toEqual({ previousDefaultProfileId: first.id, currentDefaultProfileId: first.id });
    expect(valueOf(op)).toEqual(first);
  });

  it("GIVEN a default and two others WHEN the default is deleted THEN the oldest remaining becomes default", () => {
    const model = openModel();
    const a = create(model, {});
    const b = create(model, { login: "alice-b" });
    const c = create(model, { login: "alice-c" });
    const op = model.osLogin.deleteProfile(ADMIN, { id: a.id });
    expect(op.metadata).toEqual({ typeName: `${P}DeleteOsLoginProfileMetadata`, value: { osLoginProfileId: a.id } });
    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG }).items.map((p) => [p.id, p.isDefault])).toEqual([
      [b.id, true],
      [c.id, false],
    ]);
    expect(errorOf(() => model.osLogin.getProfile(ADMIN, { osLoginProfileId: a.id })).code).toBe("NOT_FOUND");
  });

  it("GIVEN a subject's only profile WHEN deleted THEN it has none, and its next profile is default again", () => {
    const model = openModel();
    const a = create(model, {});
    model.osLogin.deleteProfile(ADMIN, { id: a.id });
    expect(model.osLogin.defaultOf(ORG, ALICE)).toBeUndefined();
    expect(create(model, { login: "alice2" }).isDefault).toBe(true);
  });
});

describe("OsLoginService.UpdateProfile", () => {
  it("GIVEN a profile WHEN updating shell with a mask THEN only the shell changes and the metadata names the profile", () => {
    const model = openModel();
    const p = create(model, {});
    const op = model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "ignored-by-mask", shell: "/bin/zsh", uid: 20000n, updateMask: ["shell"] });
    expect(op.metadata).toEqual({ typeName: `${P}UpdateOsLoginProfileMetadata`, value: { osLoginProfileId: p.id } });
    expect(valueOf(op)).toEqual({ ...p, shell: "/bin/zsh" });
  });

  it("GIVEN no mask WHEN login and uid are sent THEN both change; taken ones are ALREADY_EXISTS", () => {
    const model = openModel();
    const p = create(model, {});
    create(model, { subjectId: BOB, login: "bob", uid: 30000n });
    expect(valueOf(model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "alice-x", uid: 20000n }))).toEqual({ ...p, login: "alice-x", uid: 20000n });
    expect(errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "bob" })).field).toBe("login");
    expect(errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "alice-x", uid: 30000n })).field).toBe("uid");
    expect(errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "alice-x", uid: 5n })).code).toBe("INVALID_ARGUMENT");
  });

  it("GIVEN an update without login WHEN sent THEN INVALID_ARGUMENT naming login (required by the proto even with a mask)", () => {
    const model = openModel();
    const p = create(model, {});
    const e = errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "", shell: "/bin/sh", updateMask: ["shell"] }));
    expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "login"]);
  });

  it("GIVEN a mask with an unknown path or a missing profile WHEN updating THEN INVALID_ARGUMENT / NOT_FOUND", () => {
    const model = openModel();
    const p = create(model, {});
    expect(errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: p.id, login: "alice", updateMask: ["subject_id"] })).field).toBe("update_mask");
    expect(errorOf(() => model.osLogin.updateProfile(ADMIN, { osLoginProfileId: "olpnope", login: "alice" })).code).toBe("NOT_FOUND");
  });
});

describe("OsLoginService.ListProfiles", () => {
  it("GIVEN profiles WHEN filtering by login, uid and subject_id THEN exactly the matches come back", () => {
    const model = openModel();
    const a = create(model, {});
    const b = create(model, { subjectId: BOB, login: "bob", uid: 12345n });
    const a2 = create(model, { login: "alice-2" });
    const ids = (filter: string) => model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter }).items.map((p) => p.id);
    expect(ids('login="bob"')).toEqual([b.id]);
    expect(ids(' uid = "12345" ')).toEqual([b.id]);
    expect(ids(`subject_id="${ALICE}"`)).toEqual([a.id, a2.id]);
    expect(ids('login="nobody"')).toEqual([]);
  });

  it.each(['login=bob', 'login!="bob"', 'shell="/bin/bash"', 'uid="abc"', 'login="a" AND uid="1"'])(
    "GIVEN filter %j WHEN listing THEN INVALID_ARGUMENT naming filter",
    (filter) => {
      const e = errorOf(() => openModel().osLogin.listProfiles(ADMIN, { organizationId: ORG, filter }));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "filter"]);
    },
  );

  it("GIVEN 5 profiles WHEN paging by 2 THEN 2+2+1 in creation order and the last page has no token", () => {
    const model = openModel();
    const made = [0, 1, 2, 3, 4].map((i) => create(model, { login: `u${i}` }).id);
    const seen: string[] = [];
    const sizes: number[] = [];
    let token = "";
    do {
      const page = model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 2n, pageToken: token });
      seen.push(...page.items.map((p) => p.id));
      sizes.push(page.items.length);
      token = page.nextPageToken;
    } while (token);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(made);
  });

  it("GIVEN page_size outside 0..1000 WHEN listing THEN INVALID_ARGUMENT naming page_size; 0 means the default 100", () => {
    const model = openModel();
    model.ctx.store.transaction(() => {
      for (let i = 0; i < 101; i++) create(model, { login: `u${i}` });
    });
    expect(errorOf(() => model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 1001n })).field).toBe("page_size");
    expect(errorOf(() => model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: -1n })).field).toBe("page_size");
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 0n }).items).toHaveLength(100);
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 1000n }).items).toHaveLength(101);
  });

  it("GIVEN a forged, edited or foreign page token WHEN listing THEN INVALID_ARGUMENT naming page_token", () => {
    const model = openModel();
    for (let i = 0; i < 3; i++) create(model, { login: `u${i}` });
    const token = model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 1n }).nextPageToken;
    const forged = Buffer.from(JSON.stringify([`profiles|${ORG}|`, "0"])).toString("base64url") + ".AAAAAAAAAAAAAAAAAAAAAA";
    for (const bad of ["abc", "1", forged, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A")]) {
      const e = errorOf(() => model.osLogin.listProfiles(ADMIN, { organizationId: ORG, pageSize: 1n, pageToken: bad }));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "page_token"]);
    }
    // A token of this list used with another filter is not valid either.
    expect(errorOf(() => model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: 'login="u1"', pageToken: token })).field).toBe("page_token");
  });

  it("GIVEN a member without a role WHEN listing THEN PERMISSION_DENIED, except for their own subject_id filter and own profile", () => {
    const model = openModel();
    const a = create(model, {});
    create(model, { subjectId: BOB, login: "bob" });
    expect(errorOf(() => model.osLogin.listProfiles(member(ALICE), { organizationId: ORG })).code).toBe("PERMISSION_DENIED");
    expect(model.osLogin.listProfiles(member(ALICE), { organizationId: ORG, filter: `subject_id="${ALICE}"` }).items.map((p) => p.id)).toEqual([a.id]);
    expect(model.osLogin.getProfile(member(ALICE), { osLoginProfileId: a.id }).login).toBe("alice");
    const bobs = model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: 'login="bob"' }).items[0]!;
    expect(errorOf(() => model.osLogin.getProfile(member(ALICE), { osLoginProfileId: bobs.id })).code).toBe("PERMISSION_DENIED");
    grant(model, member(ALICE), "organization-manager.osLogins.viewer");
    expect(model.osLogin.listProfiles(member(ALICE), { organizationId: ORG }).items).toHaveLength(2);
  });

  it("GIVEN a service account caller without a role WHEN creating, updating or deleting a profile THEN PERMISSION_DENIED", () => {
    const model = openModel();
    addServiceAccount(model);
    const p = create(model, { subjectId: SA, login: "robot" });
    const sa = serviceAccount(SA);
    expect(errorOf(() => create(model, { subjectId: SA, login: "robot2" }, sa)).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.osLogin.updateProfile(sa, { osLoginProfileId: p.id, login: "x" })).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.osLogin.setDefaultProfile(sa, { osLoginProfileId: p.id })).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.osLogin.deleteProfile(sa, { id: p.id })).code).toBe("PERMISSION_DENIED");
  });
});

describe("retried deletes", () => {
  it("GIVEN a delete done with an idempotency key WHEN retried with the same key THEN the first operation comes back (not NOT_FOUND); without a key NOT_FOUND", () => {
    const model = openModel();
    const p = create(model, {});
    const first = model.osLogin.deleteProfile(ADMIN, { id: p.id }, { idempotencyKey: "del-1" });
    expect(model.osLogin.deleteProfile(ADMIN, { id: p.id }, { idempotencyKey: "del-1" })).toEqual(first);
    expect(errorOf(() => model.osLogin.deleteProfile(ADMIN, { id: p.id })).code).toBe("NOT_FOUND");
    expect(errorOf(() => model.osLogin.setDefaultProfile(ADMIN, { osLoginProfileId: p.id })).code).toBe("NOT_FOUND");
  });
});

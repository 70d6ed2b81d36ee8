import { describe, expect, it } from "vitest";
import { defaultLoginFor, loginBaseFromName } from "../../../src/cloud/model/os-login.js";
import { ADMIN, type OsLoginProfile, type OsLoginSettings } from "../../../src/cloud/model/types.js";
import { ALICE, BOB, CAROL, ORG, OTHER_ORG, SA, addServiceAccount, errorOf, grant, member, openModel, valueOf } from "./fixtures.js";

const OFF: OsLoginSettings = {
  userSshKeySettings: { enabled: false, allowManageOwnKeys: false },
  sshCertificateSettings: { enabled: false },
};

const profilesOf = (model: ReturnType<typeof openModel>, org = ORG) =>
  model.osLogin.listProfiles(ADMIN, { organizationId: org }).items.map((p) => [p.subjectId, p.login, p.uid, p.isDefault, p.homeDirectory, p.shell]);

describe("login derivation", () => {
  it.each([
    ["Alice", "alice"],
    ["Alice Smith", "alicesmith"],
    ["--dash-first", "dash-first"],
    ["O'Brien_Jr.", "obrien_jr"],
    ["Иван Petrov", "petrov"],
    ["UPPER-case_9", "upper-case_9"],
    ["a".repeat(40), "a".repeat(32)],
    ["Анна", ""],
    ["---", ""],
  ])("GIVEN name %j WHEN deriving THEN the base is %j", (name, expected) => {
    expect(loginBaseFromName(name)).toBe(expected);
  });

  it("GIVEN a taken base WHEN choosing THEN -2, -3 … are appended, trimming the base to stay within 32", () => {
    const taken = new Set(["alice", "alice-2"]);
    expect(defaultLoginFor("Alice", "aje1", (l) => taken.has(l))).toBe("alice-3");
    const long = "b".repeat(32);
    expect(defaultLoginFor(long, "aje1", (l) => l === long)).toBe("b".repeat(30) + "-2");
  });

  it("GIVEN a name with no usable character WHEN choosing THEN user-<last 8 of the member id>", () => {
    expect(defaultLoginFor("Анна", "ajeanna00000000000042", () => false)).toBe("user-00000042");
  });
});

describe("OsLoginService settings", () => {
  it("GIVEN a new organization WHEN reading settings THEN everything is off", () => {
    const model = openModel();
    expect(model.osLogin.getSettings(ADMIN, { organizationId: ORG })).toEqual(OFF);
  });

  it("GIVEN no organization WHEN reading settings THEN NOT_FOUND; an empty id is INVALID_ARGUMENT naming organization_id", () => {
    const model = openModel();
    expect(errorOf(() => model.osLogin.getSettings(ADMIN, { organizationId: "bpfnope" })).code).toBe("NOT_FOUND");
    const e = errorOf(() => model.osLogin.getSettings(ADMIN, { organizationId: "" }));
    expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "organization_id"]);
  });

  it("GIVEN OS Login off WHEN certificates are enabled THEN every member gets a default profile (derived login, auto uid, /home/<login>, /bin/bash) and the service account none", () => {
    const model = openModel();
    addServiceAccount(model);
    const op = model.osLogin.updateSettings(ADMIN, { organizationId: ORG, sshCertificateSettings: { enabled: true } });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.organizationmanager.v1.UpdateOsLoginSettingsMetadata", value: { organizationId: ORG } });
    expect(op.response).toEqual({
      typeName: "yandex.cloud.organizationmanager.v1.OsLoginSettings",
      value: { ...OFF, sshCertificateSettings: { enabled: true } },
    });
    expect(profilesOf(model)).toEqual([
      [ALICE, "alice", 10000n, true, "/home/alice", "/bin/bash"],
      [BOB, "bob", 10001n, true, "/home/bob", "/bin/bash"],
      [CAROL, "carol", 10002n, true, "/home/carol", "/bin/bash"],
    ]);
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: `subject_id="${SA}"` }).items).toEqual([]);
  });

  it("GIVEN members whose names collide or have no Latin letters WHEN OS Login is turned on THEN logins are resolved in member id order", () => {
    const model = openModel();
    model.directory.seed({
      organizations: [
        {
          id: OTHER_ORG,
          name: "other",
          members: [
            { id: "aje0000000000000000b", name: "Alex", email: "a1@example.com" },
            { id: "aje0000000000000000a", name: "alex", email: "a2@example.com" },
            { id: "aje0000000000000000c", name: "A.L.E.X.", email: "a3@example.com" },
            { id: "aje0000000000000000d", name: "Дмитрий", email: "d@example.com" },
          ],
        },
      ],
    });
    model.osLogin.updateSettings(ADMIN, { organizationId: OTHER_ORG, userSshKeySettings: { enabled: true } });
    expect(profilesOf(model, OTHER_ORG).map(([s, l, u]) => [s, l, u])).toEqual([
      ["aje0000000000000000a", "alex", 10000n],
      ["aje0000000000000000b", "alex-2", 10001n],
      ["aje0000000000000000c", "alex-3", 10002n],
      ["aje0000000000000000d", "user-0000000d", 10003n],
    ]);
  });

  it("GIVEN a member who already has a profile WHEN OS Login is turned on THEN only the others get one, avoiding the taken login and uids", () => {
    const model = openModel();
    model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: BOB, login: "alice", uid: 10000n });
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } });
    expect(profilesOf(model).map(([s, l, u]) => [s, l, u])).toEqual([
      [BOB, "alice", 10000n],
      [ALICE, "alice-2", 10001n],
      [CAROL, "carol", 10002n],
    ]);
  });

  it("GIVEN OS Login on WHEN a member is seeded later THEN the new member gets a default profile too; re-seeding duplicates nothing", () => {
    const model = openModel();
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } });
    const seed = { organizations: [{ id: ORG, name: "acme", members: [{ id: "ajedave0000000000004", name: "Dave", email: "dave@example.com" }] }] };
    expect(model.directory.seed(seed).defaultProfiles).toBe(1);
    expect(model.directory.seed(seed).defaultProfiles).toBe(0);
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG, filter: 'login="dave"' }).items.map((p) => [p.subjectId, p.uid, p.isDefault])).toEqual([
      ["ajedave0000000000004", 10003n, true],
    ]);
    expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG }).items).toHaveLength(4);
  });

  it("GIVEN OS Login on WHEN a member is created through the emulator-only create THEN they get a default profile", () => {
    const model = openModel();
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } });
    model.directory.createMember(ADMIN, { organizationId: ORG, id: "ajeerin0000000000005", name: "Erin", email: "erin@example.com" });
    expect(model.osLogin.defaultOf(ORG, "ajeerin0000000000005")?.login).toBe("erin");
  });

  it("GIVEN OS Login turned on WHEN the audit log is read THEN the settings change and each created profile are events of the same operation", () => {
    const model = openModel();
    const op = model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } });
    const events = model.audit.list(ADMIN, {}).items.filter((e) => e.operationId === op.id);
    expect(events.map((e) => [e.action, e.resourceType, e.resourceId === ORG ? "org" : (e.after as OsLoginProfile).login])).toEqual([
      ["organizationmanager.OsLoginService.UpdateSettings", "osLoginSettings", "org"],
      ["organizationmanager.OsLoginService.UpdateSettings", "osLoginProfile", "alice"],
      ["organizationmanager.OsLoginService.UpdateSettings", "osLoginProfile", "bob"],
      ["organizationmanager.OsLoginService.UpdateSettings", "osLoginProfile", "carol"],
    ]);
    expect([events[0]!.before, events[0]!.after, events[0]!.actor]).toEqual([
      OFF,
      { ...OFF, userSshKeySettings: { enabled: true, allowManageOwnKeys: false } },
      "system:emulator-admin",
    ]);
  });

  describe("update_mask", () => {
    const on = { userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, sshCertificateSettings: { enabled: true } };

    it("GIVEN no mask WHEN only one leaf is sent THEN only that field changes", () => {
      const model = openModel();
      model.osLogin.updateSettings(ADMIN, { organizationId: ORG, ...on });
      const op = model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { allowManageOwnKeys: false } });
      expect(valueOf(op)).toEqual({ userSshKeySettings: { enabled: true, allowManageOwnKeys: false }, sshCertificateSettings: { enabled: true } });
    });

    it("GIVEN a mask naming a whole message WHEN its fields are absent THEN they become false; unmasked fields stay", () => {
      const model = openModel();
      model.osLogin.updateSettings(ADMIN, { organizationId: ORG, ...on });
      const op = model.osLogin.updateSettings(ADMIN, {
        organizationId: ORG,
        userSshKeySettings: { enabled: true },
        sshCertificateSettings: { enabled: false },
        updateMask: ["user_ssh_key_settings"],
      });
      expect(valueOf(op)).toEqual({ userSshKeySettings: { enabled: true, allowManageOwnKeys: false }, sshCertificateSettings: { enabled: true } });
    });

    it("GIVEN a leaf mask WHEN the request carries other fields THEN only the masked leaf changes", () => {
      const model = openModel();
      const op = model.osLogin.updateSettings(ADMIN, {
        organizationId: ORG,
        ...on,
        updateMask: ["ssh_certificate_settings.enabled"],
      });
      expect(valueOf(op)).toEqual({ ...OFF, sshCertificateSettings: { enabled: true } });
      expect(model.osLogin.getSettings(ADMIN, { organizationId: ORG })).toEqual({ ...OFF, sshCertificateSettings: { enabled: true } });
    });

    it("GIVEN an unknown mask path WHEN updating THEN INVALID_ARGUMENT naming update_mask and nothing is written", () => {
      const model = openModel();
      const e = errorOf(() => model.osLogin.updateSettings(ADMIN, { organizationId: ORG, ...on, updateMask: ["user_ssh_key_settings.nope"] }));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "update_mask"]);
      expect(model.osLogin.getSettings(ADMIN, { organizationId: ORG })).toEqual(OFF);
      expect(model.osLogin.listProfiles(ADMIN, { organizationId: ORG }).items).toEqual([]);
    });
  });

  it("GIVEN the same idempotency key WHEN UpdateSettings is retried THEN the first operation is returned and no second audit event is written", () => {
    const model = openModel();
    const req = { organizationId: ORG, userSshKeySettings: { enabled: true } };
    const first = model.osLogin.updateSettings(ADMIN, req, { idempotencyKey: "k1" });
    const again = model.osLogin.updateSettings(ADMIN, req, { idempotencyKey: "k1" });
    expect(again).toEqual(first);
    expect(model.audit.list(ADMIN, { resourceType: "osLoginSettings", resourceId: ORG }).items).toHaveLength(1);
  });

  it("GIVEN a member without a role WHEN updating settings THEN PERMISSION_DENIED; WITH organization-manager.osLogins.admin THEN allowed", () => {
    const model = openModel();
    const e = errorOf(() => model.osLogin.updateSettings(member(ALICE), { organizationId: ORG, userSshKeySettings: { enabled: true } }));
    expect(e.code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.osLogin.getSettings(member(ALICE), { organizationId: ORG })).code).toBe("PERMISSION_DENIED");
    grant(model, member(ALICE), "organization-manager.osLogins.admin");
    const op = model.osLogin.updateSettings(member(ALICE), { organizationId: ORG, userSshKeySettings: { enabled: true } });
    expect(op.createdBy).toBe(`userAccount:${ALICE}`);
  });

  it("GIVEN organization-manager.osLogins.viewer WHEN reading and updating settings THEN reading works and updating is PERMISSION_DENIED", () => {
    const model = openModel();
    grant(model, member(BOB), "organization-manager.osLogins.viewer");
    expect(model.osLogin.getSettings(member(BOB), { organizationId: ORG })).toEqual(OFF);
    expect(errorOf(() => model.osLogin.updateSettings(member(BOB), { organizationId: ORG, sshCertificateSettings: { enabled: true } })).code).toBe(
      "PERMISSION_DENIED",
    );
  });

  it("GIVEN a service account subject WHEN OS Login is on THEN it has no profile until one is created by hand", () => {
    const model = openModel();
    addServiceAccount(model);
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true } });
    expect(model.osLogin.defaultOf(ORG, SA)).toBeUndefined();
    const op = model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: SA, login: "yc-sa-robot" });
    expect(valueOf<OsLoginProfile>(op)).toMatchObject({ subjectId: SA, login: "yc-sa-robot", uid: 10003n, isDefault: true });
  });
});

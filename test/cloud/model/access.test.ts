import { beforeEach, describe, expect, it } from "vitest";
import { effectiveDeltasOf } from "../../../src/cloud/model/access.js";
import { ADMIN, type AccessBinding } from "../../../src/cloud/model/types.js";
import { ALICE, asServiceAccount, asUser, BOB, CAROL, CLOUD, FOLDER, type Fixture, OPS_GROUP, openFixture, ORG, OTHER_FOLDER, OTHER_ORG, OUTSIDER } from "./iam-fixtures.js";

const VM = "fhmvm000000000000001";
const user = (id: string) => ({ type: "userAccount", id });
const bind = (roleId: string, subject: { type: string; id: string }): AccessBinding => ({ roleId, subject });

let f: Fixture;
beforeEach(() => {
  f = openFixture();
  f.store.db.prepare("INSERT INTO instances (id, folder_id, name, doc) VALUES (?, ?, ?, '{}')").run(VM, FOLDER, "vm");
});

const add = (kind: "organization" | "cloud" | "folder" | "instance" | "serviceAccount", id: string, ...bindings: AccessBinding[]) =>
  f.access.updateAccessBindings(ADMIN, {
    resource: { kind, id },
    accessBindingDeltas: bindings.map((accessBinding) => ({ action: "ADD" as const, accessBinding })),
  });

describe("authorizer", () => {
  it("GIVEN a member without any role WHEN authorizing compute.instances.get on a VM THEN PERMISSION_DENIED naming subject, permission and resource", () => {
    expect(() => f.ctx.authorize(asUser(ALICE), "compute.instances.get", { kind: "instance", id: VM })).toThrowError(
      expect.objectContaining({
        code: "PERMISSION_DENIED",
        message: `Permission denied: userAccount:${ALICE} does not have compute.instances.get on instance "${VM}"`,
      }),
    );
  });

  it("GIVEN compute.osLogin bound on the folder WHEN asking about a VM in it THEN the permission is held (inherited)", () => {
    add("folder", FOLDER, bind("compute.osLogin", user(ALICE)));
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(true);
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osAdminLogin", { kind: "instance", id: VM })).toBe(false);
    expect([...f.access.effectiveRoles(user(ALICE), { kind: "instance", id: VM })]).toEqual(["compute.osLogin"]);
    expect(() => f.ctx.authorize(asUser(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).not.toThrow();
  });

  it("GIVEN a role bound on the organization WHEN asking about a VM THEN it is inherited through cloud and folder", () => {
    add("organization", ORG, bind("compute.osAdminLogin", user(CAROL)));
    expect(f.access.holdsPermission(user(CAROL), "compute.instances.osAdminLogin", { kind: "instance", id: VM })).toBe(true);
  });

  it("GIVEN a role bound on the cloud WHEN asking about a folder of another cloud THEN not held", () => {
    add("cloud", CLOUD, bind("viewer", user(ALICE)));
    expect(f.access.holdsPermission(user(ALICE), "resource-manager.folders.get", { kind: "folder", id: FOLDER })).toBe(true);
    expect(f.access.holdsPermission(user(ALICE), "resource-manager.folders.get", { kind: "folder", id: OTHER_FOLDER })).toBe(false);
  });

  it("GIVEN a role bound to a group WHEN its member asks THEN held, and a non-member does not hold it", () => {
    add("instance", VM, bind("compute.osLogin", { type: "group", id: OPS_GROUP }));
    expect(f.access.holdsPermission(user(BOB), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(true);
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(false);
  });

  it("GIVEN a group's member list changes in its doc WHEN checking THEN membership follows at once (group_members triggers)", () => {
    add("instance", VM, bind("compute.osLogin", { type: "group", id: OPS_GROUP }));
    const db = f.store.db;
    db.prepare("UPDATE groups SET doc = json_set(doc, '$.members', json_array(?, ?)) WHERE id = ?").run(BOB, ALICE, OPS_GROUP);
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(true);
    db.prepare("UPDATE groups SET doc = json_set(doc, '$.members', json_array()) WHERE id = ?").run(OPS_GROUP);
    expect(f.access.holdsPermission(user(BOB), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(false);
    expect(db.prepare("SELECT COUNT(*) FROM group_members WHERE group_id = ?").pluck().get(OPS_GROUP)).toBe(0);
  });

  it("GIVEN a role bound to system:allAuthenticatedUsers WHEN any user or service account asks THEN held", () => {
    add("folder", FOLDER, bind("viewer", { type: "system", id: "allAuthenticatedUsers" }));
    expect(f.access.holdsPermission(user(OUTSIDER), "compute.instances.get", { kind: "instance", id: VM })).toBe(true);
    expect(f.access.holdsPermission({ type: "serviceAccount", id: "ajsnobody" }, "compute.instances.get", { kind: "instance", id: VM })).toBe(true);
  });

  it("GIVEN a role bound to system:group:organization:<org>:users WHEN a member asks THEN held; a user of another organization does not hold it", () => {
    add("folder", FOLDER, bind("compute.osLogin", { type: "system", id: `group:organization:${ORG}:users` }));
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(true);
    expect(f.access.holdsPermission(user(OUTSIDER), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(false);
  });

  it("GIVEN a role WHEN it is removed THEN the very next check denies (no caching)", () => {
    add("instance", VM, bind("compute.osLogin", user(ALICE)));
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(true);
    f.access.updateAccessBindings(ADMIN, {
      resource: { kind: "instance", id: VM },
      accessBindingDeltas: [{ action: "REMOVE", accessBinding: bind("compute.osLogin", user(ALICE)) }],
    });
    expect(f.access.holdsPermission(user(ALICE), "compute.instances.osLogin", { kind: "instance", id: VM })).toBe(false);
  });

  it("GIVEN bindings on an instance id that does not exist WHEN checking it THEN only its own bindings count (no ancestors to inherit from)", () => {
    f.store.db.prepare("INSERT INTO access_bindings VALUES ('instance', 'fhmghost', 'compute.osLogin', 'userAccount', ?)").run(ALICE);
    add("folder", FOLDER, bind("compute.osAdminLogin", user(ALICE)));
    expect([...f.access.effectiveRoles(user(ALICE), { kind: "instance", id: "fhmghost" })]).toEqual(["compute.osLogin"]);
    expect([...f.access.effectiveRoles(user(ALICE), { kind: "instance", id: VM })]).toEqual(["compute.osAdminLogin"]);
  });

  it("GIVEN roles on every level WHEN asking about a VM THEN all of instance, folder, cloud and organization count", () => {
    add("instance", VM, bind("compute.viewer", user(ALICE)));
    add("folder", FOLDER, bind("compute.osLogin", user(ALICE)));
    add("cloud", CLOUD, bind("compute.operator", user(ALICE)));
    add("organization", ORG, bind("organization-manager.osLogins.viewer", user(ALICE)));
    expect([...f.access.effectiveRoles(user(ALICE), { kind: "instance", id: VM })].sort()).toEqual([
      "compute.operator",
      "compute.osLogin",
      "compute.viewer",
      "organization-manager.osLogins.viewer",
    ]);
  });

  it("GIVEN a role on the folder WHEN asking about a service account in it THEN inherited", () => {
    f.store.db.prepare("INSERT INTO service_accounts (id, folder_id, cloud_id, name, doc) VALUES ('ajssa9', ?, ?, 'sa9', '{}')").run(FOLDER, CLOUD);
    add("folder", FOLDER, bind("iam.serviceAccounts.user", user(ALICE)));
    expect(f.access.holdsPermission(user(ALICE), "iam.serviceAccounts.use", { kind: "serviceAccount", id: "ajssa9" })).toBe(true);
  });
});

describe("authorizer in two halves (granteesOf, principalsOf)", () => {
  it("GIVEN bindings of every subject kind on every level WHEN compared over subjects x resources x permissions THEN the halves meet exactly when holdsPermission says so", () => {
    f.store.db.prepare("INSERT INTO service_accounts (id, folder_id, cloud_id, name, doc) VALUES ('ajssa9', ?, ?, 'sa9', '{}')").run(FOLDER, CLOUD);
    add("instance", VM, bind("compute.osLogin", { type: "group", id: OPS_GROUP }), bind("compute.viewer", user(ALICE)));
    add("folder", FOLDER, bind("compute.osAdminLogin", user(CAROL)), bind("iam.serviceAccounts.user", { type: "serviceAccount", id: "ajssa9" }));
    add("cloud", CLOUD, bind("viewer", { type: "system", id: "allAuthenticatedUsers" }));
    add("organization", ORG, bind("compute.osLogin", { type: "system", id: `group:organization:${ORG}:users` }), bind("admin", user(OUTSIDER)));
    const subjects = [user(ALICE), user(BOB), user(CAROL), user(OUTSIDER), { type: "serviceAccount", id: "ajssa9" }, { type: "group", id: OPS_GROUP }];
    const resources = [
      { kind: "instance" as const, id: VM },
      { kind: "instance" as const, id: "fhmghost" },
      { kind: "serviceAccount" as const, id: "ajssa9" },
      { kind: "folder" as const, id: FOLDER },
      { kind: "folder" as const, id: OTHER_FOLDER },
      { kind: "cloud" as const, id: CLOUD },
      { kind: "organization" as const, id: ORG },
      { kind: "organization" as const, id: OTHER_ORG },
    ];
    const permissions = ["compute.instances.osLogin", "compute.instances.osAdminLogin", "compute.instances.get", "iam.serviceAccounts.use", "access-bindings.manage"];
    let held = 0;
    for (const r of resources) {
      for (const p of permissions) {
        const grantees = f.access.granteesOf(p, r);
        for (const s of subjects) {
          const whole = f.access.holdsPermission(s, p, r);
          expect({ s, p, r, held: f.access.principalsOf(s).some((k) => grantees.has(k)) }).toEqual({ s, p, r, held: whole });
          if (whole) held++;
        }
      }
    }
    // Of the 240 questions, 67 are answered yes: both answers are well represented.
    expect(held).toBe(67);
  });

  it("GIVEN a member of a group WHEN listing what it acts as THEN itself, the system subjects, its organization's users and its groups", () => {
    expect(f.access.principalsOf(user(BOB)).sort()).toEqual(
      [`userAccount:${BOB}`, "system:allAuthenticatedUsers", "system:allUsers", `system:group:organization:${ORG}:users`, `group:${OPS_GROUP}`].sort(),
    );
    expect(f.access.principalsOf({ type: "serviceAccount", id: "ajssa9" })).toEqual(["serviceAccount:ajssa9", "system:allAuthenticatedUsers", "system:allUsers"]);
  });
});

describe("UpdateAccessBindings", () => {
  it("GIVEN an existing binding WHEN adding it again plus a new one and removing an absent one THEN only the new ADD is effective", () => {
    add("folder", FOLDER, bind("viewer", user(ALICE)));
    const op = f.access.updateAccessBindings(ADMIN, {
      resource: { kind: "folder", id: FOLDER },
      accessBindingDeltas: [
        { action: "ADD", accessBinding: bind("viewer", user(ALICE)) },
        { action: "ADD", accessBinding: bind("editor", user(BOB)) },
        { action: "REMOVE", accessBinding: bind("admin", user(CAROL)) },
      ],
    });
    expect(op.done).toBe(true);
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.access.UpdateAccessBindingsMetadata", value: { resourceId: FOLDER } });
    expect(op.response).toEqual({
      typeName: "yandex.cloud.access.AccessBindingsOperationResult",
      value: { effectiveDeltas: [{ action: "ADD", accessBinding: bind("editor", user(BOB)) }] },
    });
    expect(f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER } })).toEqual({
      items: [bind("editor", user(BOB)), bind("viewer", user(ALICE))],
      nextPageToken: "",
    });
  });

  it("GIVEN the organization WHEN updating bindings THEN the operation responds google.protobuf.Empty", () => {
    const op = add("organization", ORG, bind("organization-manager.osLogins.admin", user(ALICE)));
    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(effectiveDeltasOf(op)).toEqual([]);
  });

  it("GIVEN service account, cloud and instance resources WHEN updating bindings THEN each responds AccessBindingsOperationResult", () => {
    f.store.db.prepare("INSERT INTO service_accounts (id, folder_id, cloud_id, name, doc) VALUES ('ajssa1', ?, ?, 'sa', '{}')").run(FOLDER, CLOUD);
    for (const [kind, id] of [["serviceAccount", "ajssa1"], ["cloud", CLOUD], ["instance", VM]] as const) {
      const op = add(kind, id, bind("viewer", user(ALICE)));
      expect(effectiveDeltasOf(op)).toEqual([{ action: "ADD", accessBinding: bind("viewer", user(ALICE)) }]);
    }
  });

  it("GIVEN a role id outside the catalog WHEN adding THEN INVALID_ARGUMENT naming role_id and nothing is written", () => {
    expect(() => add("folder", FOLDER, bind("viewer", user(ALICE)), bind("compute.superuser", user(ALICE)))).toThrowError(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        field: "access_binding_deltas[1].access_binding.role_id",
        message:
          'Illegal argument access_binding_deltas[1].access_binding.role_id: unknown role "compute.superuser"; the emulator\'s role catalog is listed in src/contract/roles.ts',
      }),
    );
    expect(f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER } }).items).toEqual([]);
  });

  it.each([
    [{ type: "federatedUser", id: "x" }, "access_binding_deltas[0].access_binding.subject.type", 'Illegal argument access_binding_deltas[0].access_binding.subject.type: "federatedUser" must be one of userAccount, serviceAccount, group, system'],
    [{ type: "userAccount", id: "ajenobody" }, "access_binding_deltas[0].access_binding.subject.id", 'Illegal argument access_binding_deltas[0].access_binding.subject.id: userAccount "ajenobody" does not exist'],
    [{ type: "serviceAccount", id: "ajsnobody" }, "access_binding_deltas[0].access_binding.subject.id", 'Illegal argument access_binding_deltas[0].access_binding.subject.id: serviceAccount "ajsnobody" does not exist'],
    [{ type: "group", id: "ajgnobody" }, "access_binding_deltas[0].access_binding.subject.id", 'Illegal argument access_binding_deltas[0].access_binding.subject.id: group "ajgnobody" does not exist'],
    [{ type: "system", id: "everyone" }, "access_binding_deltas[0].access_binding.subject.id", 'Illegal argument access_binding_deltas[0].access_binding.subject.id: "everyone" is not a system subject; use allAuthenticatedUsers, allUsers or group:organization:<organization_id>:users'],
    [{ type: "system", id: "group:organization:bpfnope:users" }, "access_binding_deltas[0].access_binding.subject.id", 'Illegal argument access_binding_deltas[0].access_binding.subject.id: organization "bpfnope" does not exist'],
    [{ type: "", id: "x" }, "access_binding_deltas[0].access_binding.subject.type", "Illegal argument access_binding_deltas[0].access_binding.subject.type: the field is required"],
  ])("GIVEN subject %j WHEN adding THEN INVALID_ARGUMENT on %s", (subject, field, message) => {
    expect(() => add("folder", FOLDER, bind("viewer", subject))).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", field, message }));
  });

  it("GIVEN a REMOVE of a subject that does not exist WHEN updating THEN accepted with no effective delta", () => {
    const op = f.access.updateAccessBindings(ADMIN, {
      resource: { kind: "folder", id: FOLDER },
      accessBindingDeltas: [{ action: "REMOVE", accessBinding: bind("viewer", user("ajegone")) }],
    });
    expect(effectiveDeltasOf(op)).toEqual([]);
  });

  it("GIVEN no deltas or 1001 deltas WHEN updating THEN INVALID_ARGUMENT on access_binding_deltas", () => {
    expect(() => f.access.updateAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindingDeltas: [] })).toThrowError(
      "Illegal argument access_binding_deltas: must have between 1 and 1000 elements (got 0)",
    );
    const many = Array.from({ length: 1001 }, () => ({ action: "ADD" as const, accessBinding: bind("viewer", user(ALICE)) }));
    expect(() => f.access.updateAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindingDeltas: many })).toThrowError(
      "Illegal argument access_binding_deltas: must have between 1 and 1000 elements (got 1001)",
    );
  });

  it("GIVEN an action that is neither ADD nor REMOVE WHEN updating THEN INVALID_ARGUMENT naming the action", () => {
    expect(() =>
      f.access.updateAccessBindings(ADMIN, {
        resource: { kind: "folder", id: FOLDER },
        accessBindingDeltas: [{ action: "ACTION_UNSPECIFIED" as "ADD", accessBinding: bind("viewer", user(ALICE)) }],
      }),
    ).toThrowError("Illegal argument access_binding_deltas[0].action: must be ADD or REMOVE");
  });

  it("GIVEN a member without access-bindings.manage WHEN updating THEN PERMISSION_DENIED; with resource-manager.admin on the cloud THEN allowed", () => {
    expect(() =>
      f.access.updateAccessBindings(asUser(ALICE), {
        resource: { kind: "folder", id: FOLDER },
        accessBindingDeltas: [{ action: "ADD", accessBinding: bind("admin", user(ALICE)) }],
      }),
    ).toThrowError(`Permission denied: userAccount:${ALICE} does not have access-bindings.manage on folder "${FOLDER}"`);
    add("cloud", CLOUD, bind("resource-manager.admin", user(ALICE)));
    const op = f.access.updateAccessBindings(asUser(ALICE), {
      resource: { kind: "folder", id: FOLDER },
      accessBindingDeltas: [{ action: "ADD", accessBinding: bind("compute.osLogin", user(BOB)) }],
    });
    expect(op.createdBy).toBe(`userAccount:${ALICE}`);
  });

  it("GIVEN a resource that does not exist WHEN the admin updates or a member lists its bindings THEN NOT_FOUND", () => {
    expect(() => add("folder", "b1fmissing", bind("viewer", user(ALICE)))).toThrowError('Folder "b1fmissing" not found');
    expect(() => f.access.listAccessBindings(asUser(ALICE), { resource: { kind: "instance", id: "fhmmissing" } })).toThrowError(
      expect.objectContaining({ code: "NOT_FOUND", message: 'Instance "fhmmissing" not found' }),
    );
  });

  it("GIVEN an update WHEN it is applied THEN an audit event records before and after", () => {
    add("folder", FOLDER, bind("viewer", user(ALICE)));
    const row = f.store.db.prepare("SELECT actor, action, resource_type, resource_id, before, after FROM audit_events ORDER BY seq DESC LIMIT 1").get();
    expect(row).toEqual({
      actor: "system:emulator-admin",
      action: "resourcemanager.FolderService.UpdateAccessBindings",
      resource_type: "folder",
      resource_id: FOLDER,
      before: JSON.stringify({ accessBindings: [] }),
      after: JSON.stringify({ accessBindings: [bind("viewer", user(ALICE))] }),
    });
  });
});

describe("SetAccessBindings", () => {
  it("GIVEN two bindings WHEN setting one kept and one new THEN effective deltas are REMOVE old and ADD new", () => {
    add("folder", FOLDER, bind("viewer", user(ALICE)), bind("editor", user(BOB)));
    const op = f.access.setAccessBindings(ADMIN, {
      resource: { kind: "folder", id: FOLDER },
      accessBindings: [bind("viewer", user(ALICE)), bind("compute.osLogin", user(CAROL)), bind("compute.osLogin", user(CAROL))],
    });
    expect(op.metadata).toEqual({ typeName: "yandex.cloud.access.SetAccessBindingsMetadata", value: { resourceId: FOLDER } });
    expect(effectiveDeltasOf(op)).toEqual([
      { action: "REMOVE", accessBinding: bind("editor", user(BOB)) },
      { action: "ADD", accessBinding: bind("compute.osLogin", user(CAROL)) },
    ]);
    expect(f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER } }).items).toEqual([
      bind("compute.osLogin", user(CAROL)),
      bind("viewer", user(ALICE)),
    ]);
  });

  it("GIVEN 1001 bindings WHEN setting THEN INVALID_ARGUMENT on access_bindings", () => {
    const many = Array.from({ length: 1001 }, () => bind("viewer", user(ALICE)));
    expect(() => f.access.setAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, accessBindings: many })).toThrowError(
      "Illegal argument access_bindings: must have at most 1000 elements (got 1001)",
    );
  });

  it("GIVEN an empty list WHEN setting on the organization THEN every binding is removed and the response is Empty", () => {
    add("organization", ORG, bind("viewer", user(ALICE)));
    const op = f.access.setAccessBindings(ADMIN, { resource: { kind: "organization", id: ORG }, accessBindings: [] });
    expect(op.response).toEqual({ typeName: "google.protobuf.Empty", value: {} });
    expect(f.access.listAccessBindings(ADMIN, { resource: { kind: "organization", id: ORG } }).items).toEqual([]);
  });
});

describe("ListAccessBindings", () => {
  it("GIVEN 3 bindings WHEN listing with page_size 2 THEN two pages in role, type, id order", () => {
    add("folder", FOLDER, bind("viewer", user(CAROL)), bind("admin", user(ALICE)), bind("viewer", user(BOB)));
    const p1 = f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, pageSize: 2n });
    expect(p1).toEqual({ items: [bind("admin", user(ALICE)), bind("viewer", user(BOB))], nextPageToken: "2" });
    const p2 = f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, pageSize: 2n, pageToken: p1.nextPageToken });
    expect(p2).toEqual({ items: [bind("viewer", user(CAROL))], nextPageToken: "" });
  });

  it("GIVEN a viewer on the organization WHEN listing a folder's bindings THEN allowed; a member of another org THEN PERMISSION_DENIED", () => {
    add("organization", ORG, bind("viewer", user(ALICE)));
    expect(f.access.listAccessBindings(asUser(ALICE), { resource: { kind: "folder", id: FOLDER } }).items).toEqual([]);
    expect(() => f.access.listAccessBindings(asUser(OUTSIDER), { resource: { kind: "organization", id: ORG } })).toThrowError(
      `Permission denied: userAccount:${OUTSIDER} does not have access-bindings.list on organization "${ORG}"`,
    );
    expect(() => f.access.listAccessBindings(asServiceAccount("ajsx"), { resource: { kind: "organization", id: OTHER_ORG } })).toThrowError(
      expect.objectContaining({ code: "PERMISSION_DENIED" }),
    );
  });

  it("GIVEN a bad page token or page size WHEN listing THEN INVALID_ARGUMENT naming the field", () => {
    expect(() => f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, pageToken: "abc" })).toThrowError(
      "Illegal argument page_token: is not a token returned by a previous List call",
    );
    expect(() => f.access.listAccessBindings(ADMIN, { resource: { kind: "folder", id: FOLDER }, pageSize: 1001n })).toThrowError(
      "Illegal argument page_size: must be between 0 and 1000 (got 1001)",
    );
  });
});

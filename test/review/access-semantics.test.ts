// Access semantics come from the resource definitions (ResourceDefinition.access): the review
// knows no type names, and a binding to a group or a system group reaches the members the cloud
// lists for it.
import { describe, expect, it } from "vitest";
import type { ObjectValue } from "../../src/resources/define.js";
import { DEFINITIONS } from "../../src/resources/registry.js";
import { accessDiff, type AccessContext, type DesiredObject } from "../../src/review/access-diff.js";

const obj = (address: string, value: ObjectValue, mode: "managed" | "data" = "managed"): DesiredObject => {
  const type = address.split(".")[0];
  return { address, resource: address, type, mode, dependencies: [], value, providerKey: "yandex" };
};
const web = obj("yandex_compute_instance.web", { id: "i1", name: "web", folder_id: "f1", metadata: { "enable-oslogin": "true" } });
const folderGrant = (member: string, role = "compute.osLogin") =>
  obj(`yandex_resourcemanager_folder_iam_member.g${member.replace(/[^a-z0-9]/gi, "_")}`, { folder_id: "f1", role, member });
const rowsOf = (after: DesiredObject[], ctx: AccessContext = {}) =>
  accessDiff([], after, ctx).map((r) => [r.vmName, r.member, r.change, r.via]);

const ctx: AccessContext = {
  groups: new Map([["ajgdevs", { name: "devs", members: ["alice", "carol"] }]]),
  organizationUsers: new Map([["org1", ["alice", "bob"]]]),
};

describe("GIVEN the resource definitions", () => {
  it("THEN each type's access part says what it grants, on what, or what it is", () => {
    // Functions (what reads a VM's or the settings' switches) show as "fn".
    const fns = (a: object) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === "function" ? "fn" : v]));
    const declared = Object.fromEntries(DEFINITIONS.filter((d) => d.access).map((d) => [`${d.kind} ${d.type}`, fns(d.access!)]));
    expect(declared).toEqual({
      "resource yandex_organizationmanager_os_login_profile": { kind: "profile", subjectAttribute: "subject_id" },
      "resource yandex_iam_service_account": { kind: "subject", memberType: "serviceAccount", nameAttribute: "name" },
      "resource yandex_compute_instance": { kind: "target", folderAttribute: "folder_id", osLogin: "fn", serialConsole: "fn" },
      "resource yandex_organizationmanager_user_ssh_key": { kind: "key", subjectAttribute: "subject_id", dataAttribute: "data", expiresAttribute: "expires_at" },
      "resource yandex_organizationmanager_os_login_settings": { kind: "settings", certificates: "fn", membersManageOwnKeys: "fn" },
      "resource yandex_organizationmanager_organization_iam_member": { kind: "grant", on: "organization", scopeAttribute: "organization_id" },
      "resource yandex_resourcemanager_folder_iam_member": { kind: "grant", on: "folder", scopeAttribute: "folder_id" },
      "resource yandex_compute_instance_iam_member": { kind: "grant", on: "instance", scopeAttribute: "instance_id" },
      "data yandex_organizationmanager_os_login_member": { kind: "subject", memberType: "userAccount", nameAttribute: "name" },
    });
  });

  it("WHEN an object's type has no definition (yandex_resourcemanager_cloud_iam_member is served by none) THEN it grants nothing", () => {
    expect(rowsOf([web, obj("yandex_resourcemanager_cloud_iam_member.x", { cloud_id: "c1", role: "compute.osLogin", member: "userAccount:alice" })])).toEqual([]);
  });
});

describe("GIVEN a binding to a group", () => {
  it("WHEN the cloud lists the group THEN each member gains login, via the binding and the group", () => {
    expect(rowsOf([web, folderGrant("group:ajgdevs")], ctx)).toEqual([
      ["web", "userAccount:alice", "gains login", "folder f1 through group devs"],
      ["web", "userAccount:carol", "gains login", "folder f1 through group devs"],
    ]);
  });

  it("WHEN a member also holds a stronger role directly THEN the strongest grant wins and says where it comes from", () => {
    expect(rowsOf([web, folderGrant("group:ajgdevs"), folderGrant("userAccount:carol", "compute.osAdminLogin")], ctx)).toEqual([
      ["web", "userAccount:alice", "gains login", "folder f1 through group devs"],
      ["web", "userAccount:carol", "gains sudo", "folder f1"],
    ]);
  });

  it("WHEN the cloud did not list the group THEN the group itself shows, rather than no row", () => {
    expect(rowsOf([web, folderGrant("group:ajgother")], ctx)).toEqual([["web", "group:ajgother", "gains login", "folder f1"]]);
  });
});

describe("GIVEN bindings to system subjects", () => {
  const sa = obj("yandex_iam_service_account.ci", { id: "ajsci", name: "ci" });
  it("WHEN granted to the organization's users THEN its user accounts gain login (not service accounts)", () => {
    expect(rowsOf([web, sa, folderGrant("system:group:organization:org1:users")], ctx)).toEqual([
      ["web", "userAccount:alice", "gains login", "folder f1 through all users of organization org1"],
      ["web", "userAccount:bob", "gains login", "folder f1 through all users of organization org1"],
    ]);
  });

  it("WHEN granted to allUsers THEN every known user and the stack's service accounts gain login", () => {
    expect(rowsOf([web, sa, folderGrant("system:allUsers")], ctx)).toEqual([
      ["web", "serviceAccount:ajsci", "gains login", "folder f1 through allUsers"],
      ["web", "userAccount:alice", "gains login", "folder f1 through allUsers"],
      ["web", "userAccount:bob", "gains login", "folder f1 through allUsers"],
    ]);
  });
});

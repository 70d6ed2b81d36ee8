import { describe, expect, it } from "vitest";
import { UNKNOWN, type ObjectValue } from "../../src/resources/define.js";
import type { Plan, ResourceChange } from "../../src/engine/types.js";
import { accessDiff, desiredFromPlan, renderAccessMarkdown, type DesiredObject } from "../../src/review/access-diff.js";

const obj = (address: string, value: ObjectValue, dependencies: string[] = []): DesiredObject => {
  const [type, rest] = [address.split(".")[0], address.split(".").slice(1).join(".")];
  const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(rest)!;
  return { address, resource: `${type}.${m[1]}`, type, mode: "managed", indexKey: m[2] === undefined ? undefined : Number(m[2]), dependencies, value, providerKey: "yandex" };
};
const vm = (name: string, id: string | typeof UNKNOWN, oslogin = true) =>
  obj(`yandex_compute_instance.${name}`, { id, name, folder_id: "f1", metadata: oslogin ? { "enable-oslogin": "true" } : {} });
const member = (kind: string, scope: string, role: string, m: string | typeof UNKNOWN, deps: string[] = [], name = `${role}-${String(m)}`) =>
  obj(`${kind}.${name.replace(/[^a-z0-9]/gi, "_")}`, { [kind.includes("folder") ? "folder_id" : kind.includes("instance") ? "instance_id" : "organization_id"]: scope, role, member: m }, deps);

describe("GIVEN before and after desired states", () => {
  const before = [
    vm("web", "i1"),
    vm("plain", "i3", false),
    member("yandex_resourcemanager_folder_iam_member", "f1", "compute.osLogin", "userAccount:alice"),
    member("yandex_organizationmanager_organization_iam_member", "org1", "compute.osAdminLogin", "userAccount:bob"),
    obj("yandex_organizationmanager_os_login_profile.alice", { subject_id: "alice", login: "alice", uid: "10001", is_default: true }),
  ];
  const sa = obj("yandex_iam_service_account.ansible", { id: UNKNOWN, name: "ansible" });
  const after = [
    vm("web", "i1"),
    vm("db", UNKNOWN),
    vm("plain", "i3", false),
    member("yandex_resourcemanager_folder_iam_member", "f1", "compute.osAdminLogin", "userAccount:alice"),
    sa,
    obj("yandex_organizationmanager_os_login_profile.ansible", { subject_id: UNKNOWN, login: "yc-sa-ansible", uid: "5000" }, ["yandex_iam_service_account.ansible"]),
    obj("yandex_compute_instance_iam_member.db_ansible", { instance_id: UNKNOWN, role: "compute.osLogin", member: UNKNOWN }, ["yandex_compute_instance.db", "yandex_iam_service_account.ansible"]),
    obj("yandex_organizationmanager_os_login_profile.alice", { subject_id: "alice", login: "alice", uid: "10001", is_default: true }),
  ];

  it("WHEN diffed THEN each OS Login VM shows who gains or loses login or sudo, as which login and uid, and from where", () => {
    const rows = accessDiff(before, after, { names: new Map([["bob", "Bob"]]) }).map((r) => [r.vmName, r.memberName, r.change, r.login, r.uid, r.via]);
    expect(rows).toEqual([
      ["db", "ansible", "gains login", "yc-sa-ansible", "5000", "instance"],
      ["db", "alice", "gains sudo", "alice", "10001", "folder f1"],
      ["web", "alice", "login -> sudo", "alice", "10001", "folder f1"],
      ["web", "Bob", "loses sudo", "(default profile)", "(allocated)", "organization org1"],
    ]);
  });

  it("WHEN rendered as Markdown THEN it is a table a pull request comment can show", () => {
    const md = renderAccessMarkdown(accessDiff(before, after).slice(0, 1), "Plan: 1 to add.");
    expect(md).toBe(
      [
        "## Access changes",
        "",
        "Plan: 1 to add.",
        "",
        "1 grant gained, 0 lost, 0 other.",
        "",
        "| VM | Member | Change | Login | UID | Via |",
        "| --- | --- | --- | --- | --- | --- |",
        "| `db` | ansible (`serviceAccount:(new yandex_iam_service_account.ansible)`) | **gains login** | `yc-sa-ansible` | 5000 | instance |",
        "",
      ].join("\n"),
    );
    expect(renderAccessMarkdown([])).toBe("## Access changes\n\nNo change to who can log in to OS Login VMs.\n");
  });
});

describe("GIVEN counted VMs, service accounts, bindings and profiles that are all new", () => {
  // Each binding and profile depends on every instance of the counted resources it references:
  // the review matches the instance with the same count index.
  const deps = ["yandex_compute_instance.vm", "yandex_iam_service_account.sa"];
  const after = [0, 1, 2].flatMap((i) => [
    obj(`yandex_compute_instance.vm[${i}]`, { id: UNKNOWN, name: `vm-${i}`, metadata: { "enable-oslogin": "true" } }),
    obj(`yandex_iam_service_account.sa[${i}]`, { id: UNKNOWN, name: `sa-${i}` }),
    obj(`yandex_compute_instance_iam_member.login[${i}]`, { instance_id: UNKNOWN, role: i === 2 ? "compute.osAdminLogin" : "compute.osLogin", member: UNKNOWN }, deps),
    obj(`yandex_organizationmanager_os_login_profile.p[${i}]`, { subject_id: UNKNOWN, login: `yc-sa-${i}`, uid: String(5000 + i), is_default: true }, ["yandex_iam_service_account.sa"]),
  ]);

  it("WHEN diffed from nothing THEN each VM gains exactly its own service account, as that account's login", () => {
    const rows = accessDiff([], after).map((r) => [r.vmName, r.member, r.memberName, r.change, r.login, r.uid]);
    expect(rows).toEqual([
      ["vm-0", "serviceAccount:(new yandex_iam_service_account.sa[0])", "sa-0", "gains login", "yc-sa-0", "5000"],
      ["vm-1", "serviceAccount:(new yandex_iam_service_account.sa[1])", "sa-1", "gains login", "yc-sa-1", "5001"],
      ["vm-2", "serviceAccount:(new yandex_iam_service_account.sa[2])", "sa-2", "gains sudo", "yc-sa-2", "5002"],
    ]);
  });

  it("WHEN there are more than ten THEN rows follow the count index (vm[9] before vm[10]), as the plan lists them", () => {
    const many = Array.from({ length: 12 }, (_, i) => [
      obj(`yandex_compute_instance.vm[${i}]`, { id: UNKNOWN, name: `vm-${i}`, metadata: { "enable-oslogin": "true" } }),
      obj(`yandex_compute_instance_iam_member.login[${i}]`, { instance_id: UNKNOWN, role: "compute.osLogin", member: "userAccount:alice" }, ["yandex_compute_instance.vm"]),
    ]).flat();
    expect(accessDiff([], many).map((r) => r.vmName)).toEqual(Array.from({ length: 12 }, (_, i) => `vm-${i}`));
  });

  it("WHEN nothing changes THEN there are no rows, and with unchanged rows asked for, one per VM", () => {
    expect(accessDiff(after, after)).toEqual([]);
    expect(accessDiff(after, after, {}, true).map((r) => [r.vmName, r.change, r.login])).toEqual([
      ["vm-0", "unchanged", "yc-sa-0"],
      ["vm-1", "unchanged", "yc-sa-1"],
      ["vm-2", "unchanged", "yc-sa-2"],
    ]);
  });
});

describe("GIVEN plans that move objects between addresses (issue 15, item 6)", () => {
  const change = (c: Partial<ResourceChange> & Pick<ResourceChange, "address" | "type" | "action" | "before" | "after">): ResourceChange => ({
    resource: c.address.replace(/\[.*\]$/, ""),
    mode: "managed",
    name: c.address.split(".")[1],
    providerKey: "yandex",
    provider: "registry.terraform.io/yandex-cloud/yandex",
    reason: "",
    createBeforeDestroy: false,
    changedPaths: [],
    requiresReplace: [],
    dependencies: [],
    schemaVersion: 0,
    ...c,
  });
  const web2 = { id: "i2", name: "web-2", folder_id: "f1", metadata: { "enable-oslogin": "true" } };
  const bob = { instance_id: "i2", role: "compute.osLogin", member: "userAccount:bob", id: "i2/compute.osLogin/userAccount:bob", sleep_after: null };
  const planOf = (changes: ResourceChange[]): Plan =>
    ({ formatVersion: 1, stack: "s", configFile: "", configHash: "", lineage: "l", serial: 1, mode: "normal", variables: {}, changes, drift: [], outputs: [], forgetData: [], providerScopes: {}, warnings: [] }) as Plan;
  const review = (plan: Plan) => {
    const { before, after, risks } = desiredFromPlan(plan);
    return accessDiff(before, after, { names: new Map([["bob", "Bob"]]) }, false, risks).map((r) => [r.vmName, r.memberName, r.change]);
  };
  const vmKept = change({ address: "yandex_compute_instance.web_2", type: "yandex_compute_instance", action: "noop", before: web2, after: web2 });

  it("WHEN a delete of an old address reaches the cloud while the same binding is created at another THEN the review says Bob may lose login, and why", () => {
    const plan = planOf([
      vmKept,
      change({ address: "yandex_compute_instance_iam_member.old", type: "yandex_compute_instance_iam_member", action: "delete", before: bob, after: null }),
      change({ address: "yandex_compute_instance_iam_member.bob", type: "yandex_compute_instance_iam_member", action: "create", before: null, after: { ...bob, id: UNKNOWN } }),
    ]);
    expect(review(plan)).toEqual([
      [
        "web-2",
        "Bob",
        "loses login (deleting yandex_compute_instance_iam_member.old removes the binding yandex_compute_instance_iam_member.bob declares, one object in the cloud, in some orders of apply's operations)",
      ],
    ]);
  });

  it("WHEN the delete of a duplicate address reaches the cloud while another address keeps the binding unchanged THEN Bob loses login whatever the order", () => {
    const plan = planOf([
      vmKept,
      change({ address: "yandex_compute_instance_iam_member.dup", type: "yandex_compute_instance_iam_member", action: "delete", before: bob, after: null }),
      change({ address: "yandex_compute_instance_iam_member.bob", type: "yandex_compute_instance_iam_member", action: "noop", before: bob, after: bob }),
    ]);
    expect(review(plan)).toEqual([
      ["web-2", "Bob", "loses login (deleting yandex_compute_instance_iam_member.dup removes the binding yandex_compute_instance_iam_member.bob declares, one object in the cloud)"],
    ]);
  });

  it("WHEN the delete only forgets its address (keptBy, as the planner marks it) THEN nothing changes", () => {
    const plan = planOf([
      vmKept,
      change({ address: "yandex_compute_instance_iam_member.old", type: "yandex_compute_instance_iam_member", action: "delete", before: bob, after: null, keptBy: "yandex_compute_instance_iam_member.bob" }),
      change({ address: "yandex_compute_instance_iam_member.bob", type: "yandex_compute_instance_iam_member", action: "create", before: null, after: { ...bob, id: UNKNOWN } }),
    ]);
    expect(review(plan)).toEqual([]);
  });

  it("WHEN the VM itself moved in state (same id, new address) THEN its access is compared by id: nothing changes", () => {
    const moved = [
      obj("yandex_compute_instance.old_name", web2),
      obj("yandex_compute_instance_iam_member.bob", bob),
    ];
    const now = [obj("yandex_compute_instance.web_2", web2), obj("yandex_compute_instance_iam_member.bob", bob)];
    expect(accessDiff(moved, now)).toEqual([]);
  });
});

// The access review of a plan: for every VM with OS Login on (metadata enable-oslogin = "true"),
// who can log in (compute.osLogin) or log in with sudo (compute.osAdminLogin), granted on the VM,
// its folder, its cloud or the organization, and as which login and uid, before and after the
// plan. This is what a reviewer of an access change needs to read, rather than attribute diffs.
//
// It works from desired state only (prior state and planned values). Objects created by the plan
// have unknown ids, so a binding or profile whose id is unknown is matched to the new object it
// references (its recorded dependencies, same count index when both are counted).
import { isUnknown, type ObjectValue, type Value } from "../resources/define.js";
import type { Plan, ResourceChange } from "../engine/types.js";

export type AccessLevel = "none" | "login" | "sudo";

export interface DesiredObject {
  address: string;
  resource: string;
  type: string;
  mode: "managed" | "data";
  indexKey?: number | string;
  dependencies: string[];
  value: ObjectValue;
  providerKey: string;
}

export interface Scopes {
  organization_id?: string;
  cloud_id?: string;
  folder_id?: string;
}

/** What the cloud knows beyond the stack: existing profiles and display names. */
export interface AccessContext {
  profiles?: Map<string, { login: string; uid: string }>;
  names?: Map<string, string>;
  providerScopes?: Record<string, Scopes>;
}

export interface AccessRow {
  vm: string;
  vmName: string;
  /** "userAccount:aje...", "serviceAccount:(new yandex_iam_service_account.ansible)". */
  member: string;
  memberName: string;
  before: AccessLevel;
  after: AccessLevel;
  /** "gains login", "gains sudo", "loses login", "loses sudo", "login -> sudo", "sudo -> login", "unchanged". */
  change: string;
  login: string;
  uid: string;
  /** Where the strongest role comes from: "instance", "folder b1g...", "cloud ...", "organization ...". */
  via: string;
}

const ROLE_LEVEL: Record<string, AccessLevel> = { "compute.osLogin": "login", "compute.osAdminLogin": "sudo" };
const RANK: Record<AccessLevel, number> = { none: 0, login: 1, sudo: 2 };

const str = (v: Value | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** The before (prior state) and after (planned) desired objects of a plan. */
export function desiredFromPlan(plan: Plan): { before: DesiredObject[]; after: DesiredObject[] } {
  const before: DesiredObject[] = [];
  const after: DesiredObject[] = [];
  const obj = (c: ResourceChange, value: ObjectValue): DesiredObject => ({
    address: c.address,
    resource: c.resource,
    type: c.type,
    mode: c.mode,
    indexKey: c.indexKey,
    dependencies: c.dependencies,
    value,
    providerKey: c.providerKey,
  });
  for (const c of plan.changes) {
    if (c.deposed) continue;
    if (c.before) before.push(obj(c, c.before));
    if (c.after && c.action !== "delete") after.push(obj(c, c.after));
    // A data source has no "before" in a plan; it describes the same member on both sides.
    if (c.mode === "data" && c.after && !c.before) before.push(obj(c, c.after));
  }
  return { before, after };
}

interface Vm {
  key: string;
  address: string;
  name: string;
  folder?: string;
}

/** The identity of an object: its id, or "(new ADDRESS)" while unknown. */
function identity(o: DesiredObject): string {
  const id = str(o.value.id);
  return id && !isUnknown(o.value.id) ? id : `(new ${o.address})`;
}

/** For an unknown reference, the new object of `type` this one depends on (same index if counted). */
function referenced(o: DesiredObject, type: string, all: DesiredObject[]): DesiredObject | undefined {
  const deps = new Set(o.dependencies);
  const candidates = all.filter((x) => x.type === type && deps.has(x.resource) && isUnknown(x.value.id));
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((x) => x.indexKey === o.indexKey);
}

function resolveId(o: DesiredObject, v: Value | undefined, type: string, all: DesiredObject[]): string | undefined {
  if (typeof v === "string") return v;
  if (isUnknown(v)) {
    const r = referenced(o, type, all);
    return r ? identity(r) : "(unknown)";
  }
  return undefined;
}

function resolveMember(o: DesiredObject, all: DesiredObject[]): string | undefined {
  const m = o.value.member;
  if (typeof m === "string") return m;
  if (!isUnknown(m)) return undefined;
  const sa = referenced(o, "yandex_iam_service_account", all);
  if (sa) return `serviceAccount:${identity(sa)}`;
  const member = all.find((x) => x.mode === "data" && o.dependencies.includes(x.resource) && typeof x.value.member === "string");
  return member ? String(member.value.member) : "(unknown member)";
}

/** Effective access per (VM, member) in one desired state. */
export function accessMatrix(objs: DesiredObject[], ctx: AccessContext = {}): Map<string, { vm: Vm; member: string; level: AccessLevel; via: string }> {
  const scopes = ctx.providerScopes ?? {};
  const vms: Vm[] = objs
    .filter((o) => o.type === "yandex_compute_instance" && o.mode === "managed")
    .filter((o) => {
      const md = o.value.metadata;
      return md !== null && typeof md === "object" && !Array.isArray(md) && !isUnknown(md) && String((md as ObjectValue)["enable-oslogin"]).toLowerCase() === "true";
    })
    .map((o) => ({
      key: identity(o),
      address: o.address,
      name: str(o.value.name) || o.address,
      folder: str(o.value.folder_id) ?? scopes[o.providerKey]?.folder_id ?? scopes[o.providerKey.split(".")[0]]?.folder_id,
    }));
  const out = new Map<string, { vm: Vm; member: string; level: AccessLevel; via: string }>();
  const grant = (vm: Vm, member: string, level: AccessLevel, via: string) => {
    const k = `${vm.address}\u0000${member}`;
    const prev = out.get(k);
    if (!prev || RANK[level] > RANK[prev.level]) out.set(k, { vm, member, level, via });
  };
  for (const b of objs) {
    if (b.mode !== "managed" || !b.type.endsWith("_iam_member")) continue;
    const level = ROLE_LEVEL[String(b.value.role)];
    if (!level) continue;
    const member = resolveMember(b, objs);
    if (!member) continue;
    if (b.type === "yandex_compute_instance_iam_member") {
      const target = resolveId(b, b.value.instance_id, "yandex_compute_instance", objs);
      for (const vm of vms) if (vm.key === target) grant(vm, member, level, "instance");
    } else if (b.type === "yandex_resourcemanager_folder_iam_member") {
      const folder = str(b.value.folder_id);
      for (const vm of vms) if (vm.folder && vm.folder === folder) grant(vm, member, level, `folder ${folder}`);
    } else if (b.type === "yandex_resourcemanager_cloud_iam_member") {
      // The stack's VMs are taken to live in the clouds the stack grants on (the desired state has no folder -> cloud map).
      for (const vm of vms) grant(vm, member, level, `cloud ${str(b.value.cloud_id) ?? "?"}`);
    } else if (b.type === "yandex_organizationmanager_organization_iam_member") {
      for (const vm of vms) grant(vm, member, level, `organization ${str(b.value.organization_id) ?? "?"}`);
    }
  }
  return out;
}

/** The login and uid a member logs in as: its default profile in the stack, else in the cloud. */
function profileOf(member: string, objs: DesiredObject[], ctx: AccessContext): { login: string; uid: string } {
  const subject = member.includes(":") ? member.slice(member.indexOf(":") + 1) : member;
  const profiles = objs.filter((o) => o.type === "yandex_organizationmanager_os_login_profile" && o.mode === "managed");
  const mine = profiles.filter((p) => resolveId(p, p.value.subject_id, "yandex_iam_service_account", objs) === subject);
  const p = mine.find((x) => x.value.is_default === true) ?? mine[0];
  if (p) {
    const uid = p.value.uid;
    return { login: str(p.value.login) ?? "(known after apply)", uid: typeof uid === "string" ? uid : "(known after apply)" };
  }
  const known = ctx.profiles?.get(subject);
  if (known) return known;
  const member2 = objs.find((o) => o.type === "yandex_organizationmanager_os_login_member" && o.value.id === subject);
  if (member2) return { login: str(member2.value.login) ?? "(default profile)", uid: str(member2.value.uid) ?? "(allocated)" };
  return { login: "(default profile)", uid: "(allocated)" };
}

function nameOf(member: string, objs: DesiredObject[], ctx: AccessContext): string {
  const subject = member.includes(":") ? member.slice(member.indexOf(":") + 1) : member;
  const newSa = /^\(new (.+)\)$/.exec(subject);
  if (newSa) {
    const o = objs.find((x) => x.address === newSa[1]);
    return o ? String(o.value.name ?? newSa[1]) : newSa[1];
  }
  const sa = objs.find((o) => o.type === "yandex_iam_service_account" && o.value.id === subject);
  if (sa) return String(sa.value.name);
  const m = objs.find((o) => o.type === "yandex_organizationmanager_os_login_member" && o.value.id === subject);
  if (m) return String(m.value.name ?? m.value.email ?? subject);
  return ctx.names?.get(subject) ?? subject;
}

function describe(before: AccessLevel, after: AccessLevel): string {
  if (before === after) return "unchanged";
  if (before === "none") return after === "sudo" ? "gains sudo" : "gains login";
  if (after === "none") return before === "sudo" ? "loses sudo" : "loses login";
  return `${before} -> ${after}`;
}

/** Rows for every (OS Login VM, member) pair whose access differs between before and after. */
export function accessDiff(before: DesiredObject[], after: DesiredObject[], ctx: AccessContext = {}, includeUnchanged = false): AccessRow[] {
  const b = accessMatrix(before, ctx);
  const a = accessMatrix(after, ctx);
  const keys = new Set([...b.keys(), ...a.keys()]);
  const rows: AccessRow[] = [];
  for (const k of keys) {
    const x = b.get(k);
    const y = a.get(k);
    const bl = x?.level ?? "none";
    const al = y?.level ?? "none";
    const prof = profileOf((y ?? x)!.member, y ? after : before, ctx);
    const prevProf = x ? profileOf(x.member, before, ctx) : undefined;
    const loginChanged = prevProf && y && (prevProf.login !== prof.login || prevProf.uid !== prof.uid);
    if (bl === al && !loginChanged && !includeUnchanged) continue;
    const change = bl === al && loginChanged ? `login ${prevProf!.login} -> ${prof.login}` : describe(bl, al);
    const vm = (y ?? x)!.vm;
    rows.push({
      vm: vm.address,
      vmName: vm.name,
      member: (y ?? x)!.member,
      memberName: nameOf((y ?? x)!.member, y ? after : before, ctx),
      before: bl,
      after: al,
      change,
      login: prof.login,
      uid: prof.uid,
      via: (y ?? x)!.via,
    });
  }
  return rows.sort((p, q) => (p.vm === q.vm ? (p.member < q.member ? -1 : 1) : p.vm < q.vm ? -1 : 1));
}

/** Subjects referenced by access rows, for the CLI to resolve names and profiles in the cloud. */
export function subjectIds(rows: AccessRow[]): string[] {
  return [...new Set(rows.map((r) => r.member.slice(r.member.indexOf(":") + 1)).filter((s) => !s.startsWith("(")))];
}

function table(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

/** The Markdown for a pull-request comment. */
export function renderAccessMarkdown(rows: AccessRow[], summary?: string): string {
  const out = ["## Access changes", ""];
  if (summary) out.push(summary, "");
  if (rows.length === 0) {
    out.push("No change to who can log in to OS Login VMs.");
    return out.join("\n") + "\n";
  }
  const gains = rows.filter((r) => RANK[r.after] > RANK[r.before]).length;
  const losses = rows.filter((r) => RANK[r.after] < RANK[r.before]).length;
  out.push(`${gains} grant${gains === 1 ? "" : "s"} gained, ${losses} lost, ${rows.length - gains - losses} other.`, "");
  out.push(
    table(
      ["VM", "Member", "Change", "Login", "UID", "Via"],
      rows.map((r) => [`\`${r.vmName}\``, `${r.memberName} (\`${r.member}\`)`, `**${r.change}**`, `\`${r.login}\``, r.uid, r.via]),
    ),
  );
  return out.join("\n") + "\n";
}

/** Plain text lines for the terminal. */
export function renderAccessText(rows: AccessRow[], paint: { green(s: string): string; red(s: string): string; bold(s: string): string } = { green: (s) => s, red: (s) => s, bold: (s) => s }): string {
  if (rows.length === 0) return `${paint.bold("Access changes:")} none.`;
  const out = [paint.bold("Access changes:")];
  for (const r of rows) {
    const up = RANK[r.after] > RANK[r.before];
    const sign = up ? paint.green("+") : RANK[r.after] < RANK[r.before] ? paint.red("-") : "~";
    out.push(`  ${sign} ${r.vmName}: ${r.memberName} (${r.member}) ${r.change} as ${r.login} (uid ${r.uid}) via ${r.via}`);
  }
  return out.join("\n");
}

/** The current access (after), as a table for the quickstart. */
export function renderAccessTable(rows: AccessRow[]): string {
  const head = ["VM", "MEMBER", "ACCESS", "LOGIN", "UID", "VIA"];
  const body = rows.filter((r) => r.after !== "none").map((r) => [r.vmName, r.memberName, r.after, r.login, r.uid, r.via]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n");
}

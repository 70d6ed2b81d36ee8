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
import { compareInstanceAddresses } from "../engine/state/state.js";
import { findDefinition } from "../resources/registry.js";

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

/**
 * A binding the plan declares but whose cloud object one of its deletes removes, in some order of
 * apply's operations or in every one: what the review must not count as kept.
 */
export interface AccessRisk {
  /** The address that declares the binding. */
  kept: string;
  /** The delete that removes the same cloud object. */
  deletedBy: string;
  /** True when the delete removes it whatever the order (the keeping object is not created by this plan). */
  certain: boolean;
  /** The binding as declared (left out of "after"). */
  object: DesiredObject;
}

/**
 * The before (prior state) and after (planned) desired objects of a plan. "after" is what the
 * cloud will hold: objects are compared by their cloud key (ResourceDefinition.cloudKey: scope,
 * role and member for a binding), not by address, so a declared binding whose cloud object a
 * delete of another address removes is left out of "after" and reported in `risks`.
 */
export function desiredFromPlan(plan: Plan, cloudKey: CloudKeyOf = definitionCloudKey): { before: DesiredObject[]; after: DesiredObject[]; risks: AccessRisk[] } {
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
  // Cloud objects a delete sends to the cloud (one that only forgets its address, keptBy, does not).
  const removed = new Map<string, ResourceChange>();
  for (const c of plan.changes) {
    if (c.mode !== "managed" || !c.before || c.keptBy !== undefined) continue;
    if (c.action !== "delete" && !(c.action === "replace" && c.createBeforeDestroy)) continue;
    const k = cloudKey(c.type, c.before);
    if (k !== undefined) removed.set(k, c);
  }
  const risks: AccessRisk[] = [];
  for (const c of plan.changes) {
    if (c.deposed) continue;
    if (c.before) before.push(obj(c, c.before));
    if (c.after && c.action !== "delete") {
      const k = c.mode === "managed" ? cloudKey(c.type, c.after) : undefined;
      const gone = k === undefined ? undefined : removed.get(k);
      // A plain replace at the same address deletes first and then creates: the object comes back.
      if (gone && !(gone === c && !c.createBeforeDestroy)) {
        const racing = c.action === "create" || (c.action === "replace" && gone !== c);
        risks.push({ kept: c.address, deletedBy: gone.address, certain: !racing, object: obj(c, c.after) });
        continue;
      }
      after.push(obj(c, c.after));
    }
    // A data source has no "before" in a plan; it describes the same member on both sides.
    if (c.mode === "data" && c.after && !c.before) before.push(obj(c, c.after));
  }
  return { before, after, risks };
}

export type CloudKeyOf = (type: string, value: ObjectValue) => string | undefined;

const definitionCloudKey: CloudKeyOf = (type, value) => {
  const key = findDefinition(type, "resource")?.cloudKey?.(value);
  return key === undefined ? undefined : `${type} ${key}`;
};

interface Vm {
  key: string;
  address: string;
  name: string;
  folder?: string;
}

type Profile = { login: string; uid: string };

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
};

/** The identity of an object: its id, or "(new ADDRESS)" while unknown. */
function identity(o: DesiredObject): string {
  const id = str(o.value.id);
  return id && !isUnknown(o.value.id) ? id : `(new ${o.address})`;
}

/**
 * One desired state (before or after) with the lookups the review makes, each built once. A plan
 * of 10k resources has 2,000 VMs, bindings and profiles: looking each one up by scanning every
 * object made the review of a no-op plan take longer than the plan itself.
 */
class DesiredState {
  /** Objects whose id is not known yet, by `type resource`: what an unknown reference points to. */
  private readonly unknownIds = new Map<string, DesiredObject[]>();
  /** The same by `type resource index`, the first one and its position (counted resources). */
  private readonly unknownIdsByIndex = new Map<string, { at: number; obj: DesiredObject }>();
  private readonly byAddress = new Map<string, DesiredObject>();
  /** Service accounts and OS Login members by `type id` (the first one, as a scan would find). */
  private readonly byId = new Map<string, DesiredObject>();
  private readonly dataMembers: DesiredObject[] = [];
  private readonly profileRecords: DesiredObject[] = [];
  private profilesBySubject: Map<string, DesiredObject[]> | undefined;
  private readonly profiles = new Map<string, Profile>();

  constructor(
    readonly objs: DesiredObject[],
    readonly ctx: AccessContext,
  ) {
    objs.forEach((o, at) => {
      if (!this.byAddress.has(o.address)) this.byAddress.set(o.address, o);
      if (isUnknown(o.value.id)) {
        push(this.unknownIds, `${o.type} ${o.resource}`, o);
        const k = `${o.type} ${o.resource} ${indexText(o.indexKey)}`;
        if (!this.unknownIdsByIndex.has(k)) this.unknownIdsByIndex.set(k, { at, obj: o });
      } else if (typeof o.value.id === "string" && !this.byId.has(`${o.type} ${o.value.id}`)) this.byId.set(`${o.type} ${o.value.id}`, o);
      if (o.mode === "data" && typeof o.value.member === "string") this.dataMembers.push(o);
      if (o.type === "yandex_organizationmanager_os_login_profile" && o.mode === "managed") this.profileRecords.push(o);
    });
  }

  /**
   * For an unknown reference, the new object of `type` that `o` depends on: the only one, or
   * among several (a counted resource) the first with `o`'s index.
   */
  referenced(o: DesiredObject, type: string): DesiredObject | undefined {
    let candidates = 0;
    let only: DesiredObject | undefined;
    let sameIndex: { at: number; obj: DesiredObject } | undefined;
    for (const dep of new Set(o.dependencies)) {
      const all = this.unknownIds.get(`${type} ${dep}`);
      if (!all) continue;
      candidates += all.length;
      only = all[0];
      const hit = this.unknownIdsByIndex.get(`${type} ${dep} ${indexText(o.indexKey)}`);
      if (hit && (!sameIndex || hit.at < sameIndex.at)) sameIndex = hit;
    }
    return candidates <= 1 ? only : sameIndex?.obj;
  }

  resolveId(o: DesiredObject, v: Value | undefined, type: string): string | undefined {
    if (typeof v === "string") return v;
    if (isUnknown(v)) {
      const r = this.referenced(o, type);
      return r ? identity(r) : "(unknown)";
    }
    return undefined;
  }

  resolveMember(o: DesiredObject): string | undefined {
    const m = o.value.member;
    if (typeof m === "string") return m;
    if (!isUnknown(m)) return undefined;
    const sa = this.referenced(o, "yandex_iam_service_account");
    if (sa) return `serviceAccount:${identity(sa)}`;
    const member = this.dataMembers.find((x) => o.dependencies.includes(x.resource));
    return member ? String(member.value.member) : "(unknown member)";
  }

  /** The login and uid a member logs in as: its default profile in the stack, else in the cloud. */
  profileOf(member: string): Profile {
    const subject = subjectOf(member);
    let p = this.profiles.get(subject);
    if (!p) {
      p = this.findProfile(subject);
      this.profiles.set(subject, p);
    }
    return p;
  }

  private findProfile(subject: string): Profile {
    if (!this.profilesBySubject) {
      this.profilesBySubject = new Map();
      for (const p of this.profileRecords) {
        const s = this.resolveId(p, p.value.subject_id, "yandex_iam_service_account");
        if (s !== undefined) push(this.profilesBySubject, s, p);
      }
    }
    const mine = this.profilesBySubject.get(subject) ?? [];
    const p = mine.find((x) => x.value.is_default === true) ?? mine[0];
    if (p) {
      const uid = p.value.uid;
      return { login: str(p.value.login) ?? "(known after apply)", uid: typeof uid === "string" ? uid : "(known after apply)" };
    }
    const known = this.ctx.profiles?.get(subject);
    if (known) return known;
    const member = this.byId.get(`yandex_organizationmanager_os_login_member ${subject}`);
    if (member) return { login: str(member.value.login) ?? "(default profile)", uid: str(member.value.uid) ?? "(allocated)" };
    return { login: "(default profile)", uid: "(allocated)" };
  }

  nameOf(member: string): string {
    const subject = subjectOf(member);
    const newSa = /^\(new (.+)\)$/.exec(subject);
    if (newSa) {
      const o = this.byAddress.get(newSa[1]);
      return o ? String(o.value.name ?? newSa[1]) : newSa[1];
    }
    const sa = this.byId.get(`yandex_iam_service_account ${subject}`);
    if (sa) return String(sa.value.name);
    const m = this.byId.get(`yandex_organizationmanager_os_login_member ${subject}`);
    if (m) return String(m.value.name ?? m.value.email ?? subject);
    return this.ctx.names?.get(subject) ?? subject;
  }
}

/** An index key as text that keeps 0 and "0" apart. */
const indexText = (k: number | string | undefined): string => (k === undefined ? "-" : typeof k === "number" ? `#${k}` : `"${k}`);

const subjectOf = (member: string): string => (member.includes(":") ? member.slice(member.indexOf(":") + 1) : member);

type Grants = Map<string, { vm: Vm; member: string; level: AccessLevel; via: string }>;

/** Effective access per (VM, member) in one desired state. */
export function accessMatrix(objs: DesiredObject[], ctx: AccessContext = {}): Grants {
  return grantsOf(new DesiredState(objs, ctx));
}

/**
 * Grants are keyed by the VM's id, not its address: a VM moved in state (same id, new address) is
 * the same machine. A VM whose id is not known yet takes the key of the VM it replaces at the same
 * address (`replaced`, from the before side), so a replaced VM compares with its predecessor.
 */
function grantsOf(state: DesiredState, replaced: ReadonlyMap<string, string> = new Map()): Grants {
  const { objs, ctx } = state;
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
  const vmsByKey = new Map<string, Vm[]>();
  const vmsByFolder = new Map<string, Vm[]>();
  for (const vm of vms) {
    push(vmsByKey, vm.key, vm);
    if (vm.folder) push(vmsByFolder, vm.folder, vm);
  }
  const out: Grants = new Map();
  const grant = (vm: Vm, member: string, level: AccessLevel, via: string) => {
    const vmKey = vm.key.startsWith("(new ") ? (replaced.get(vm.address) ?? vm.key) : vm.key;
    const k = `${vmKey}\u0000${member}`;
    const prev = out.get(k);
    if (!prev || RANK[level] > RANK[prev.level]) out.set(k, { vm, member, level, via });
  };
  for (const b of objs) {
    if (b.mode !== "managed" || !b.type.endsWith("_iam_member")) continue;
    const level = ROLE_LEVEL[String(b.value.role)];
    if (!level) continue;
    const member = state.resolveMember(b);
    if (!member) continue;
    if (b.type === "yandex_compute_instance_iam_member") {
      const target = state.resolveId(b, b.value.instance_id, "yandex_compute_instance");
      for (const vm of (target !== undefined && vmsByKey.get(target)) || []) grant(vm, member, level, "instance");
    } else if (b.type === "yandex_resourcemanager_folder_iam_member") {
      const folder = str(b.value.folder_id);
      for (const vm of (folder && vmsByFolder.get(folder)) || []) grant(vm, member, level, `folder ${folder}`);
    } else if (b.type === "yandex_resourcemanager_cloud_iam_member") {
      // The stack's VMs are taken to live in the clouds the stack grants on (the desired state has no folder -> cloud map).
      for (const vm of vms) grant(vm, member, level, `cloud ${str(b.value.cloud_id) ?? "?"}`);
    } else if (b.type === "yandex_organizationmanager_organization_iam_member") {
      for (const vm of vms) grant(vm, member, level, `organization ${str(b.value.organization_id) ?? "?"}`);
    }
  }
  return out;
}

/** Why declared access is lost: which delete removes which declared binding, and whether always. */
function riskText(risks: AccessRisk[]): string {
  return risks
    .map((r) => `deleting ${r.deletedBy} removes the binding ${r.kept} declares, one object in the cloud${r.certain ? "" : ", in some orders of apply's operations"}`)
    .join("; ");
}

function describe(before: AccessLevel, after: AccessLevel): string {
  if (before === after) return "unchanged";
  if (before === "none") return after === "sudo" ? "gains sudo" : "gains login";
  if (after === "none") return before === "sudo" ? "loses sudo" : "loses login";
  return `${before} -> ${after}`;
}

/**
 * Rows for every (OS Login VM, member) pair whose effective access differs between before and
 * after. `risks` (from desiredFromPlan) are declared bindings a delete removes: "after" leaves them
 * out, and the rows they would have kept say why access is lost.
 */
export function accessDiff(before: DesiredObject[], after: DesiredObject[], ctx: AccessContext = {}, includeUnchanged = false, risks: AccessRisk[] = []): AccessRow[] {
  const was = new DesiredState(before, ctx);
  const will = new DesiredState(after, ctx);
  const b = grantsOf(was);
  const replaced = new Map<string, string>();
  for (const o of before) if (o.type === "yandex_compute_instance" && o.mode === "managed") replaced.set(o.address, identity(o));
  const a = grantsOf(will, replaced);
  const hoped = risks.length ? grantsOf(new DesiredState([...after, ...risks.map((r) => r.object)], ctx), replaced) : a;
  const keys = new Set([...b.keys(), ...a.keys(), ...hoped.keys()]);
  const rows: AccessRow[] = [];
  for (const k of keys) {
    const x = b.get(k);
    const y = a.get(k);
    const bl = x?.level ?? "none";
    const al = y?.level ?? "none";
    const now = y ?? x ?? hoped.get(k)!;
    const side = y ? will : was;
    const prof = side.profileOf(now.member);
    const prevProf = x ? was.profileOf(x.member) : undefined;
    const loginChanged = prevProf && y && (prevProf.login !== prof.login || prevProf.uid !== prof.uid);
    const lost = RANK[hoped.get(k)?.level ?? "none"] > RANK[al];
    if (bl === al && !loginChanged && !includeUnchanged && !lost) continue;
    let change = bl === al && loginChanged ? `login ${prevProf!.login} -> ${prof.login}` : describe(bl, al);
    if (lost) change += ` (${riskText(risks.filter((r) => will.resolveMember(r.object) === now.member))})`;
    rows.push({
      vm: now.vm.address,
      vmName: now.vm.name,
      member: now.member,
      memberName: side.nameOf(now.member),
      before: bl,
      after: al,
      change,
      login: prof.login,
      uid: prof.uid,
      via: now.via,
    });
  }
  return rows.sort((p, q) => compareInstanceAddresses(p.vm, q.vm) || (p.member < q.member ? -1 : p.member > q.member ? 1 : 0));
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

/** Who can log in where now, as a Markdown table (`oslogin access --md`). */
export function renderAccessNowMarkdown(rows: AccessRow[]): string {
  const now = rows.filter((r) => r.after !== "none");
  if (now.length === 0) return "## Who can log in where\n\nNobody can log in to an OS Login VM of this stack.\n";
  const body = now.map((r) => [`\`${r.vmName}\``, `${r.memberName} (\`${r.member}\`)`, `\`${r.login}\``, r.uid, r.after === "sudo" ? "yes" : "no", r.via]);
  return ["## Who can log in where", "", table(["VM", "Member", "Login", "UID", "Sudo", "Via"], body)].join("\n") + "\n";
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

// The access review of a plan: for every VM with OS Login on (metadata enable-oslogin = "true"),
// who can log in (compute.osLogin) or log in with sudo (compute.osAdminLogin), granted on the VM,
// its folder, its cloud or the organization, and as which login and uid, before and after the
// plan. This is what a reviewer of an access change needs to read, rather than attribute diffs.
//
// What each resource type means for access (a grant on a scope, a VM, a profile, a subject) is
// declared with the type (ResourceDefinition.access); this module knows no type names. A binding
// to a group or to a system group reaches the members the cloud lists for it (AccessContext).
//
// It works from desired state only (prior state and planned values). Objects created by the plan
// have unknown ids, so a binding or profile whose id is unknown is matched to the new object it
// references (its recorded dependencies, same count index when both are counted).
import { isUnknown, type ObjectValue, type Value } from "../resources/define.js";
import type { Plan, ResourceChange } from "../engine/types.js";
import { compareInstanceAddresses } from "../engine/state/state.js";
import { LOGIN_ROLES, type AccessLevel, type AccessScope, type AccessSemantics } from "../resources/access.js";
import { DEFINITIONS, findDefinition } from "../resources/registry.js";

export type { AccessLevel } from "../resources/access.js";

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

/** What the cloud knows beyond the stack: existing profiles, display names, groups. */
export interface AccessContext {
  profiles?: Map<string, { login: string; uid: string }>;
  names?: Map<string, string>;
  providerScopes?: Record<string, Scopes>;
  /** Groups by id: a binding to "group:<id>" reaches each member (user ids). */
  groups?: Map<string, { name: string; members: string[] }>;
  /** User ids by organization: "system:group:organization:<id>:users" and the all-users subjects reach them. */
  organizationUsers?: Map<string, string[]>;
  /** The cloud each folder is in: a grant on a cloud reaches the VMs of its folders. */
  folderClouds?: Map<string, string>;
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

const RANK: Record<AccessLevel, number> = { none: 0, login: 1, sudo: 2 };

const str = (v: Value | undefined): string | undefined => (typeof v === "string" ? v : undefined);

export const semanticsOf = (o: { type: string; mode: "managed" | "data" }): AccessSemantics | undefined =>
  findDefinition(o.type, o.mode === "data" ? "data" : "resource")?.access;

const typesWith = (pick: (a: AccessSemantics) => boolean): string[] => DEFINITIONS.filter((d) => d.access && pick(d.access)).map((d) => d.type);
/** Types an unknown reference can point to: VMs, and the service accounts a member names. */
const TARGET_TYPES = typesWith((a) => a.kind === "target");
const SERVICE_ACCOUNT_TYPES = typesWith((a) => a.kind === "subject" && a.memberType === "serviceAccount");

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
  /** Subjects (service accounts, directory members) by id (the first one, as a scan would find). */
  private readonly subjects = new Map<string, DesiredObject>();
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
      }
      const sem = semanticsOf(o);
      if (sem?.kind === "subject") {
        if (typeof o.value.id === "string" && !this.subjects.has(o.value.id)) this.subjects.set(o.value.id, o);
        if (o.mode === "data" && typeof o.value.member === "string") this.dataMembers.push(o);
      }
      if (sem?.kind === "profile" && o.mode === "managed") this.profileRecords.push(o);
    });
  }

  /**
   * For an unknown reference, the new object of `type` that `o` depends on: the only one, or
   * among several (a counted resource) the first with `o`'s index.
   */
  referenced(o: DesiredObject, types: string[]): DesiredObject | undefined {
    let candidates = 0;
    let only: DesiredObject | undefined;
    let sameIndex: { at: number; obj: DesiredObject } | undefined;
    for (const type of types) for (const dep of new Set(o.dependencies)) {
      const all = this.unknownIds.get(`${type} ${dep}`);
      if (!all) continue;
      candidates += all.length;
      only = all[0];
      const hit = this.unknownIdsByIndex.get(`${type} ${dep} ${indexText(o.indexKey)}`);
      if (hit && (!sameIndex || hit.at < sameIndex.at)) sameIndex = hit;
    }
    return candidates <= 1 ? only : sameIndex?.obj;
  }

  resolveId(o: DesiredObject, v: Value | undefined, types: string[]): string | undefined {
    if (typeof v === "string") return v;
    if (isUnknown(v)) {
      const r = this.referenced(o, types);
      return r ? identity(r) : "(unknown)";
    }
    return undefined;
  }

  resolveMember(o: DesiredObject): string | undefined {
    const m = o.value.member;
    if (typeof m === "string") return m;
    if (!isUnknown(m)) return undefined;
    const sa = this.referenced(o, SERVICE_ACCOUNT_TYPES);
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
        const sem = semanticsOf(p);
        const s = sem?.kind === "profile" ? this.resolveId(p, p.value[sem.subjectAttribute], SERVICE_ACCOUNT_TYPES) : undefined;
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
    const member = this.subjects.get(subject);
    if (member?.mode === "data") return { login: str(member.value.login) ?? "(default profile)", uid: str(member.value.uid) ?? "(allocated)" };
    return { login: "(default profile)", uid: "(allocated)" };
  }

  /** "serviceAccount:<id>" for every service account the state declares. */
  serviceAccountMembers(): string[] {
    return this.objs.filter((o) => o.mode === "managed" && SERVICE_ACCOUNT_TYPES.includes(o.type)).map((o) => `serviceAccount:${identity(o)}`);
  }

  nameOf(member: string): string {
    const subject = subjectOf(member);
    const newSa = /^\(new (.+)\)$/.exec(subject);
    if (newSa) {
      const o = this.byAddress.get(newSa[1]);
      return o ? String(o.value.name ?? newSa[1]) : newSa[1];
    }
    const known = this.subjects.get(subject);
    const sem = known && semanticsOf(known);
    if (known && sem?.kind === "subject") return String(known.value[sem.nameAttribute] ?? known.value.email ?? subject);
    return this.ctx.names?.get(subject) ?? subject;
  }
}

/** An index key as text that keeps 0 and "0" apart. */
const indexText = (k: number | string | undefined): string => (k === undefined ? "-" : typeof k === "number" ? `#${k}` : `"${k}`);

const subjectOf = (member: string): string => (member.includes(":") ? member.slice(member.indexOf(":") + 1) : member);

/**
 * The members a binding's member reaches: itself, or for a group the group's members and for a
 * system subject the organization's users (with the service accounts of the stack for the
 * all-users subjects), as the cloud's authorizer counts them. A group the cloud did not list stays
 * itself, so the review shows it rather than hiding the grant.
 */
function expandMember(member: string, state: DesiredState): { member: string; through?: string }[] {
  const { ctx } = state;
  const group = /^group:(.+)$/.exec(member);
  if (group) {
    const g = ctx.groups?.get(group[1]);
    return g ? g.members.map((id) => ({ member: `userAccount:${id}`, through: `group ${g.name}` })) : [{ member }];
  }
  const orgUsers = /^system:group:organization:([^:]+):users$/.exec(member);
  if (orgUsers) {
    const users = ctx.organizationUsers?.get(orgUsers[1]);
    return users ? users.map((id) => ({ member: `userAccount:${id}`, through: `all users of organization ${orgUsers[1]}` })) : [{ member }];
  }
  if (member === "system:allAuthenticatedUsers" || member === "system:allUsers") {
    if (!ctx.organizationUsers) return [{ member }];
    const through = member.slice("system:".length);
    const users = [...ctx.organizationUsers.values()].flat().map((id) => ({ member: `userAccount:${id}`, through }));
    return [...users, ...state.serviceAccountMembers().map((m) => ({ member: m, through }))];
  }
  return [{ member }];
}

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
  const vms: Vm[] = [];
  for (const o of objs) {
    const sem = semanticsOf(o);
    if (o.mode !== "managed" || sem?.kind !== "target" || !sem.osLogin(o.value)) continue;
    vms.push({
      key: identity(o),
      address: o.address,
      name: str(o.value.name) || o.address,
      folder: str(o.value[sem.folderAttribute]) ?? scopes[o.providerKey]?.folder_id ?? scopes[o.providerKey.split(".")[0]]?.folder_id,
    });
  }
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
  const reached = (scope: AccessScope, id: Value | undefined, b: DesiredObject): Vm[] => {
    switch (scope) {
      case "instance": {
        const target = state.resolveId(b, id, TARGET_TYPES);
        return (target !== undefined && vmsByKey.get(target)) || [];
      }
      case "folder":
        return (typeof id === "string" && vmsByFolder.get(id)) || [];
      case "cloud":
        // Without the cloud's folder list, the stack's VMs are taken to live in the cloud granted on.
        return ctx.folderClouds ? vms.filter((vm) => vm.folder !== undefined && ctx.folderClouds!.get(vm.folder) === id) : vms;
      case "organization":
        return vms;
    }
  };
  for (const b of objs) {
    const sem = semanticsOf(b);
    if (b.mode !== "managed" || sem?.kind !== "grant") continue;
    const level = LOGIN_ROLES[String(b.value.role)];
    if (!level) continue;
    const member = state.resolveMember(b);
    if (!member) continue;
    const id = b.value[sem.scopeAttribute];
    const where = sem.on === "instance" ? "instance" : `${sem.on} ${str(id) ?? "?"}`;
    const targets = reached(sem.on, id, b);
    if (targets.length === 0) continue;
    for (const { member: who, through } of expandMember(member, state)) {
      for (const vm of targets) grant(vm, who, level, through ? `${where} through ${through}` : where);
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
  for (const o of before) if (o.mode === "managed" && semanticsOf(o)?.kind === "target") replaced.set(o.address, identity(o));
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

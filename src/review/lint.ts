// `oslogin lint`: rules that flag risky access in a desired state, either what a plan will make
// (its planned values) or what is (the stack's state). What each object means (a grant, a VM, a
// profile, a key, the OS Login settings) comes from the resource definitions (semanticsOf); this
// module knows no type names. Values a plan does not know yet (ids of new objects) are skipped:
// a rule only fires on what it can see.
import { isUnknown, type ObjectValue, type Value } from "../resources/define.js";
import { LOGIN_ROLES } from "../resources/access.js";
import { parsePublicKey } from "../ssh/public-key.js";
import { semanticsOf, type AccessContext, type DesiredObject } from "./access-diff.js";

export type Severity = "error" | "warning" | "note";

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** The address of the object the finding is about (or "cloud" for what only the cloud holds). */
  target: string;
  message: string;
  /** Set when a policy exception covers the finding: it does not count for --fail-on. */
  suppressed?: { reason: string; expires: string };
  /** Set when an exception for it has expired: the finding counts again, and says so. */
  expiredException?: { reason: string; expires: string };
}

export interface LintInput {
  objects: DesiredObject[];
  ctx: AccessContext;
  now: Date;
  /** A key expiring within this many days is flagged (key-expiring-soon). */
  keyExpiryDays: number;
}

export interface Rule {
  id: string;
  severity: Severity;
  summary: string;
  /** What fires it, for the docs and SARIF's fullDescription. */
  fires: string;
  check(input: LintInput): { target: string; message: string }[];
}

const str = (v: Value | undefined): string | undefined => (typeof v === "string" && !isUnknown(v) ? v : undefined);
const subjectOf = (member: string): string => member.slice(member.indexOf(":") + 1);
const ALL_USERS = new Set(["system:allUsers", "system:allAuthenticatedUsers"]);

const managed = (input: LintInput, kind: string) =>
  input.objects.filter((o) => o.mode === "managed" && semanticsOf(o)?.kind === kind).map((o) => ({ o, sem: semanticsOf(o)! }));

/** Service account ids the stack declares. */
function serviceAccounts(input: LintInput): Set<string> {
  const ids = new Set<string>();
  for (const o of input.objects) {
    const sem = semanticsOf(o);
    if (sem?.kind === "subject" && sem.memberType === "serviceAccount" && str(o.value.id)) ids.add(str(o.value.id)!);
  }
  return ids;
}

interface Identity {
  subject: string;
  login?: string;
  uid?: string;
  target: string;
}

/** Every subject's profiles: the stack's profile objects, and the cloud's default profiles of other subjects. */
function identities(input: LintInput): Identity[] {
  const out: Identity[] = [];
  const inStack = new Set<string>();
  for (const { o, sem } of managed(input, "profile")) {
    if (sem.kind !== "profile") continue;
    const subject = str(o.value[sem.subjectAttribute]);
    if (!subject) continue;
    inStack.add(subject);
    out.push({ subject, login: str(o.value.login), uid: str(o.value.uid), target: o.address });
  }
  for (const [subject, p] of input.ctx.profiles ?? []) {
    if (!inStack.has(subject)) out.push({ subject, login: p.login, uid: p.uid, target: `cloud profile of ${subject}` });
  }
  return out;
}

/** Pairs of different subjects sharing `field`, reported once on the later one. */
function collisions(ids: Identity[], field: "login" | "uid", skip: (a: Identity, b: Identity) => boolean) {
  const first = new Map<string, Identity>();
  const out: { a: Identity; b: Identity }[] = [];
  for (const b of ids) {
    const v = b[field];
    if (v === undefined) continue;
    const a = first.get(v);
    if (!a) first.set(v, b);
    else if (a.subject !== b.subject && !skip(a, b)) out.push({ a, b });
  }
  return out;
}

/** Whether a service account's login meets a member's (rule sa-login-equals-member's case). */
const saMeetsMember = (sas: Set<string>) => (a: Identity, b: Identity) => sas.has(a.subject) !== sas.has(b.subject);

const DAY = 86_400_000;

export const RULES: readonly Rule[] = [
  {
    id: "duplicate-identity",
    severity: "error",
    summary: "Two subjects share an OS Login uid or login",
    fires: "two different subjects whose profiles have the same uid, or the same login (except a service account and a member: sa-login-equals-member)",
    check(input) {
      const ids = identities(input);
      const sas = serviceAccounts(input);
      return [
        ...collisions(ids, "uid", () => false).map(({ a, b }) => ({ target: b.target, message: `uid ${b.uid} of ${b.subject} is also the uid of ${a.subject} (${a.target}): both log in as the same Unix user` })),
        ...collisions(ids, "login", saMeetsMember(sas)).map(({ a, b }) => ({ target: b.target, message: `login ${b.login} of ${b.subject} is also the login of ${a.subject} (${a.target})` })),
      ];
    },
  },
  {
    id: "sa-login-equals-member",
    severity: "error",
    summary: "A service account's login is a member's login",
    fires: "a service account's profile login equal to a member's profile login",
    check(input) {
      const sas = serviceAccounts(input);
      return collisions(identities(input), "login", (a, b) => !saMeetsMember(sas)(a, b)).map(({ a, b }) => {
        const [sa, member] = sas.has(a.subject) ? [a, b] : [b, a];
        return { target: sa.target, message: `service account ${sa.subject} logs in as ${sa.login}, the login of member ${member.subject}` };
      });
    },
  },
  {
    id: "key-without-expiry",
    severity: "warning",
    summary: "An SSH key never expires",
    fires: "a user SSH key without expires_at",
    check(input) {
      return managed(input, "key")
        .filter(({ o, sem }) => sem.kind === "key" && !isUnknown(o.value[sem.expiresAttribute]) && !str(o.value[sem.expiresAttribute]))
        .map(({ o, sem }) => ({ target: o.address, message: `the key of ${sem.kind === "key" ? str(o.value[sem.subjectAttribute]) ?? "(new subject)" : ""} has no expires_at: it never expires` }));
    },
  },
  {
    id: "key-expiring-soon",
    severity: "warning",
    summary: "An SSH key expires soon (or has expired)",
    fires: "a user SSH key whose expires_at is within --key-days days (default 30), or past",
    check(input) {
      const out: { target: string; message: string }[] = [];
      for (const { o, sem } of managed(input, "key")) {
        if (sem.kind !== "key") continue;
        const at = str(o.value[sem.expiresAttribute]);
        if (!at) continue;
        const left = (Date.parse(at) - input.now.getTime()) / DAY;
        if (left < 0) out.push({ target: o.address, message: `the key expired at ${at}` });
        else if (left <= input.keyExpiryDays) out.push({ target: o.address, message: `the key expires at ${at}, in ${Math.floor(left)} days (limit ${input.keyExpiryDays})` });
      }
      return out;
    },
  },
  {
    id: "weak-key",
    severity: "error",
    summary: "A weak SSH key (DSA, RSA < 2048 bits)",
    fires: "a user SSH key that is DSA or RSA shorter than 2048 bits",
    check: (input) => keysWhere(input, (k) => k.algorithm === "dsa" || (k.algorithm === "rsa" && k.bits < 2048)),
  },
  {
    id: "rsa-key-under-3072",
    severity: "warning",
    summary: "An RSA key shorter than 3072 bits",
    fires: "a user SSH key that is RSA with 2048 to 3071 bits",
    check: (input) => keysWhere(input, (k) => k.algorithm === "rsa" && k.bits >= 2048 && k.bits < 3072),
  },
  {
    id: "vm-oslogin-off",
    severity: "warning",
    summary: "A VM with OS Login off",
    fires: "a VM whose metadata does not set enable-oslogin = \"true\" (its keys come from metadata, outside IAM)",
    check(input) {
      return managed(input, "target")
        .filter(({ o, sem }) => sem.kind === "target" && !isUnknown(o.value.metadata) && !sem.osLogin(o.value))
        .map(({ o }) => ({ target: o.address, message: `VM ${str(o.value.name) ?? o.address} has OS Login off (metadata enable-oslogin is not "true")` }));
    },
  },
  {
    id: "serial-console-not-oslogin",
    severity: "warning",
    summary: "A VM's serial console is not authorized by OS Login",
    fires: "a VM with serial_port_settings.ssh_authorization other than OS_LOGIN",
    check(input) {
      const out: { target: string; message: string }[] = [];
      for (const { o, sem } of managed(input, "target")) {
        const auth = sem.kind === "target" ? sem.serialConsole?.(o.value) : undefined;
        if (auth && auth !== "OS_LOGIN") out.push({ target: o.address, message: `VM ${str(o.value.name) ?? o.address} authorizes its serial console by ${auth}, not OS_LOGIN` });
      }
      return out;
    },
  },
  {
    id: "broad-admin-login",
    severity: "error",
    summary: "compute.osAdminLogin on an organization or cloud",
    fires: "a binding of compute.osAdminLogin (sudo) on an organization or a cloud: root on every VM inside",
    check(input) {
      const out: { target: string; message: string }[] = [];
      for (const { o, sem } of managed(input, "grant")) {
        if (sem.kind !== "grant" || (sem.on !== "organization" && sem.on !== "cloud") || LOGIN_ROLES[String(o.value.role)] !== "sudo") continue;
        out.push({ target: o.address, message: `${str(o.value.member) ?? "(new member)"} gets sudo on every VM of ${sem.on} ${str(o.value[sem.scopeAttribute]) ?? "(new)"}` });
      }
      return out;
    },
  },
  {
    id: "grant-to-all-users",
    severity: "error",
    summary: "A role granted to allUsers or allAuthenticatedUsers",
    fires: "a binding whose member is system:allUsers or system:allAuthenticatedUsers",
    check(input) {
      return managed(input, "grant")
        .filter(({ o }) => ALL_USERS.has(String(o.value.member)))
        .map(({ o }) => ({ target: o.address, message: `${String(o.value.role)} is granted to ${String(o.value.member)}` }));
    },
  },
  {
    id: "sa-login-without-profile",
    severity: "warning",
    summary: "A service account may log in but has no OS Login profile",
    fires: "a compute.osLogin or compute.osAdminLogin binding to a service account that has no profile in the stack or the cloud",
    check(input) {
      const withProfile = new Set(identities(input).map((i) => i.subject));
      return managed(input, "grant")
        .filter(({ o }) => LOGIN_ROLES[String(o.value.role)] && /^serviceAccount:/.test(str(o.value.member) ?? ""))
        .filter(({ o }) => !withProfile.has(subjectOf(String(o.value.member))))
        .map(({ o }) => ({ target: o.address, message: `${String(o.value.member)} holds ${String(o.value.role)} but has no OS Login profile (its login and uid are whatever the default allocates)` }));
    },
  },
  {
    id: "profile-of-departed-subject",
    severity: "warning",
    summary: "A profile of a subject no longer in the organization",
    fires: "an OS Login profile whose subject is neither a member of the organization (as the cloud lists them) nor a service account of the stack",
    check(input) {
      const users = input.ctx.organizationUsers;
      if (!users) return [];
      const present = new Set([...users.values()].flat());
      for (const sa of serviceAccounts(input)) present.add(sa);
      return managed(input, "profile")
        .map(({ o, sem }) => ({ o, subject: sem.kind === "profile" ? str(o.value[sem.subjectAttribute]) : undefined }))
        .filter(({ subject }) => subject !== undefined && !present.has(subject))
        .map(({ o, subject }) => ({ target: o.address, message: `the profile ${str(o.value.login) ?? ""} belongs to ${subject}, who is no longer in the organization` }));
    },
  },
  {
    id: "own-keys-with-certificates",
    severity: "warning",
    summary: "Members may manage their own keys while certificates are the policy",
    fires: "OS Login settings with ssh_certificate_settings.enabled and user_ssh_key_settings.allow_manage_own_keys both true",
    check(input) {
      return managed(input, "settings")
        .filter(({ o, sem }) => sem.kind === "settings" && sem.certificates(o.value) && sem.membersManageOwnKeys(o.value))
        .map(({ o }) => ({ target: o.address, message: `organization ${str(o.value.organization_id) ?? ""} requires certificates but lets members upload their own SSH keys, which bypass them` }));
    },
  },
];

function keysWhere(input: LintInput, weak: (k: { algorithm: string; bits: number }) => boolean) {
  const out: { target: string; message: string }[] = [];
  for (const { o, sem } of managed(input, "key")) {
    const data = sem.kind === "key" ? str(o.value[sem.dataAttribute]) : undefined;
    if (!data) continue;
    let k;
    try {
      k = parsePublicKey(data);
    } catch {
      continue; // The resource's own check rejects an unparseable key; the lint has nothing to add.
    }
    if (weak(k)) out.push({ target: o.address, message: `the key is ${k.algorithm.toUpperCase()} ${k.bits} bits (${k.fingerprint})` });
  }
  return out;
}

export interface PolicyException {
  rule: string;
  target: string;
  reason: string;
  /** YYYY-MM-DD: the exception applies up to and including this day. */
  expires: string;
}

export interface Policy {
  rules: Record<string, { enabled?: boolean; severity?: Severity }>;
  exceptions: PolicyException[];
  keyExpiryDays?: number;
}

export class PolicyError extends Error {}

const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

/** Checks a parsed .oslogin-policy.yml; every error names the field and the rule it breaks. */
export function parsePolicy(doc: unknown): Policy {
  const policy: Policy = { rules: {}, exceptions: [] };
  if (doc === null || doc === undefined) return policy;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new PolicyError("the policy must be a mapping with rules, exceptions and key_expiry_days");
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!["rules", "exceptions", "key_expiry_days"].includes(k)) throw new PolicyError(`unknown field ${k}: the policy has rules, exceptions and key_expiry_days`);
  const ids = new Set(RULES.map((r) => r.id));
  const known = (id: unknown, where: string) => {
    if (typeof id !== "string" || !ids.has(id)) throw new PolicyError(`${where}: unknown rule ${JSON.stringify(id)}; the rules are ${[...ids].join(", ")}`);
  };
  if (d.rules !== undefined) {
    if (typeof d.rules !== "object" || d.rules === null || Array.isArray(d.rules)) throw new PolicyError("rules must be a mapping of rule id to {enabled, severity}");
    for (const [id, v] of Object.entries(d.rules)) {
      known(id, `rules.${id}`);
      if (typeof v !== "object" || v === null) throw new PolicyError(`rules.${id} must be a mapping with enabled and/or severity`);
      const { enabled, severity, ...rest } = v as Record<string, unknown>;
      if (Object.keys(rest).length) throw new PolicyError(`rules.${id}.${Object.keys(rest)[0]}: unknown field; a rule has enabled and severity`);
      if (enabled !== undefined && typeof enabled !== "boolean") throw new PolicyError(`rules.${id}.enabled must be true or false`);
      if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) throw new PolicyError(`rules.${id}.severity must be one of ${SEVERITIES.join(", ")}`);
      policy.rules[id] = { enabled: enabled as boolean | undefined, severity: severity as Severity | undefined };
    }
  }
  if (d.exceptions !== undefined) {
    if (!Array.isArray(d.exceptions)) throw new PolicyError("exceptions must be a list of {rule, target, reason, expires}");
    d.exceptions.forEach((e: unknown, i) => {
      const where = `exceptions[${i}]`;
      if (typeof e !== "object" || e === null) throw new PolicyError(`${where} must be a mapping with rule, target, reason and expires`);
      const x = e as Record<string, unknown>;
      known(x.rule, `${where}.rule`);
      for (const f of ["target", "reason"]) if (typeof x[f] !== "string" || !x[f]) throw new PolicyError(`${where}.${f} is required (a non-empty string)`);
      // YAML reads an unquoted date as a Date; both spellings mean the day.
      const expires = x.expires instanceof Date ? x.expires.toISOString().slice(0, 10) : x.expires;
      if (typeof expires !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) throw new PolicyError(`${where}.expires is required: a date YYYY-MM-DD (an exception without an end is not allowed)`);
      policy.exceptions.push({ rule: x.rule as string, target: x.target as string, reason: x.reason as string, expires });
    });
  }
  if (d.key_expiry_days !== undefined) {
    if (!Number.isInteger(d.key_expiry_days) || (d.key_expiry_days as number) < 0) throw new PolicyError("key_expiry_days must be a whole number of days >= 0");
    policy.keyExpiryDays = d.key_expiry_days as number;
  }
  return policy;
}

/** The rules as the policy configures them (enabled ones, with their severity). */
export function effectiveRules(policy: Policy): (Rule & { enabled: boolean })[] {
  return RULES.map((r) => ({ ...r, severity: policy.rules[r.id]?.severity ?? r.severity, enabled: policy.rules[r.id]?.enabled ?? true }));
}

/** Runs the enabled rules and applies the policy's exceptions (an exception lasts through its expires day). */
export function lint(input: LintInput, policy: Policy = { rules: {}, exceptions: [] }): Finding[] {
  const today = input.now.toISOString().slice(0, 10);
  const out: Finding[] = [];
  for (const rule of effectiveRules(policy)) {
    if (!rule.enabled) continue;
    for (const f of rule.check(input)) {
      const finding: Finding = { ruleId: rule.id, severity: rule.severity, ...f };
      const exc = policy.exceptions.filter((e) => e.rule === rule.id && e.target === f.target);
      const live = exc.find((e) => e.expires >= today);
      if (live) finding.suppressed = { reason: live.reason, expires: live.expires };
      else if (exc.length) finding.expiredException = { reason: exc[0].reason, expires: exc[0].expires };
      out.push(finding);
    }
  }
  return out;
}

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** The findings --fail-on LEVEL stops on: unsuppressed ones at LEVEL or above. */
export function failing(findings: Finding[], level: Severity): Finding[] {
  return findings.filter((f) => !f.suppressed && RANK[f.severity] >= RANK[level]);
}

const note = (f: Finding): string =>
  f.suppressed
    ? ` [exception until ${f.suppressed.expires}: ${f.suppressed.reason}]`
    : f.expiredException
      ? ` [the exception expired on ${f.expiredException.expires} and no longer applies: ${f.expiredException.reason}]`
      : "";

export function renderLintText(findings: Finding[]): string {
  if (findings.length === 0) return "No findings.\n";
  return findings.map((f) => `${f.severity.padEnd(7)} ${f.ruleId} ${f.target}: ${f.message}${note(f)}`).join("\n") + "\n";
}

export function renderLintMarkdown(findings: Finding[]): string {
  const out = ["## Access lint", ""];
  if (findings.length === 0) return out.concat("No findings.").join("\n") + "\n";
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  out.push("| Severity | Rule | Target | Finding |", "| --- | --- | --- | --- |");
  for (const f of findings) out.push(`| ${f.suppressed ? "~~" + f.severity + "~~" : `**${f.severity}**`} | \`${f.ruleId}\` | \`${esc(f.target)}\` | ${esc(f.message + note(f))} |`);
  return out.join("\n") + "\n";
}

export function renderLintJson(findings: Finding[]): string {
  return JSON.stringify({ findings }, null, 2) + "\n";
}

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: every rule in driver.rules, each finding a result
 * located in `artifact` (the plan JSON or the state file) and named by its address as a logical
 * location. A suppressed finding carries SARIF's suppression (kind external: the policy file).
 */
export function renderLintSarif(findings: Finding[], policy: Policy, artifact: string, version: string): string {
  const rules = effectiveRules(policy);
  const doc = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "oslogin lint",
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.summary },
              fullDescription: { text: `Fires on ${r.fires}.` },
              help: { text: `${r.summary}: fires on ${r.fires}. Turn it off, change its severity or add an exception in .oslogin-policy.yml.` },
              defaultConfiguration: { level: r.severity, enabled: r.enabled },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
          level: f.severity,
          message: { text: f.message + note(f) },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: 1, startColumn: 1 } },
              logicalLocations: [{ fullyQualifiedName: f.target, kind: "resource" }],
            },
          ],
          partialFingerprints: { "osloginLint/v1": `${f.ruleId}:${f.target}` },
          ...(f.suppressed ? { suppressions: [{ kind: "external", justification: `${f.suppressed.reason} (until ${f.suppressed.expires})` }] } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

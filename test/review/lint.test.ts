// Each lint rule on a desired state that fires it and one that does not; the policy file (off,
// severity, exceptions live and expired); and SARIF validated against the OASIS 2.1.0 schema.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { UNKNOWN, type ObjectValue } from "../../src/resources/define.js";
import type { AccessContext, DesiredObject } from "../../src/review/access-diff.js";
import { failing, lint, parsePolicy, PolicyError, renderLintSarif, RULES, type LintInput } from "../../src/review/lint.js";

const obj = (address: string, value: ObjectValue): DesiredObject => {
  const [type, name] = address.split(".");
  return { address, resource: `${type}.${name}`, type, mode: "managed", dependencies: [], value, providerKey: "yandex" };
};
const str4 = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};
const line = (type: string, ...parts: Buffer[]) => `${type} ${Buffer.concat([str4(Buffer.from(type)), ...parts.map(str4)]).toString("base64")} test`;
const rsa = (bits: number) => line("ssh-rsa", Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0]), Buffer.alloc(bits / 8, 0xc1)]));
const dsa = line("ssh-dss", Buffer.from("00" + "c1".repeat(128), "hex"), Buffer.from("00" + "d1".repeat(20), "hex"), Buffer.from("02", "hex"), Buffer.from("03", "hex"));
const ed25519 = line("ssh-ed25519", Buffer.alloc(32, 7));

const NOW = new Date("2026-12-03T12:00:00Z");
const key = (data: string, expires_at: string | null = "2027-06-01T00:00:00Z") => obj("yandex_organizationmanager_user_ssh_key.k", { id: "k1", subject_id: "u1", organization_id: "org1", data, expires_at });
const profile = (name: string, subject_id: string, login: string, uid: string) => obj(`yandex_organizationmanager_os_login_profile.${name}`, { id: name, subject_id, login, uid, organization_id: "org1" });
const sa = (id: string) => obj(`yandex_iam_service_account.${id}`, { id, name: id, folder_id: "f1" });
const vm = (metadata: ObjectValue, serial?: string) =>
  obj("yandex_compute_instance.web", { id: "vm1", name: "web", folder_id: "f1", metadata, serial_port_settings: serial ? [{ ssh_authorization: serial }] : [] });
const orgGrant = (role: string, member: string) => obj("yandex_organizationmanager_organization_iam_member.g", { organization_id: "org1", role, member });
const folderGrant = (role: string, member: string) => obj("yandex_resourcemanager_folder_iam_member.g", { folder_id: "f1", role, member });
const settings = (certs: boolean, ownKeys: boolean) =>
  obj("yandex_organizationmanager_os_login_settings.s", {
    id: "org1",
    organization_id: "org1",
    user_ssh_key_settings: [{ enabled: true, allow_manage_own_keys: ownKeys }],
    ssh_certificate_settings: [{ enabled: certs }],
  });
const members: AccessContext = { organizationUsers: new Map([["org1", ["u1", "u2"]]]) };

type Case = [rule: string, fires: DesiredObject[], quiet: DesiredObject[], ctx?: AccessContext, target?: string, message?: string];
const CASES: Case[] = [
  ["duplicate-identity", [profile("a", "u1", "alice", "1001"), profile("b", "u2", "bob", "1001")], [profile("a", "u1", "alice", "1001"), profile("b", "u2", "bob", "1002")], members,
    "yandex_organizationmanager_os_login_profile.b", "uid 1001 of u2 is also the uid of u1 (yandex_organizationmanager_os_login_profile.a): both log in as the same Unix user"],
  ["sa-login-equals-member", [sa("sa1"), profile("a", "u1", "deploy", "1001"), profile("s", "sa1", "deploy", "1002")], [sa("sa1"), profile("a", "u1", "alice", "1001"), profile("s", "sa1", "deploy", "1002")], members,
    "yandex_organizationmanager_os_login_profile.s", "service account sa1 logs in as deploy, the login of member u1"],
  ["key-without-expiry", [key(ed25519, null)], [key(ed25519)], undefined, "yandex_organizationmanager_user_ssh_key.k", "the key of u1 has no expires_at: it never expires"],
  ["key-expiring-soon", [key(ed25519, "2026-12-20T12:00:00Z")], [key(ed25519, "2027-02-01T00:00:00Z")], undefined, "yandex_organizationmanager_user_ssh_key.k", "the key expires at 2026-12-20T12:00:00Z, in 17 days (limit 30)"],
  ["weak-key", [key(dsa)], [key(rsa(2048))], undefined, "yandex_organizationmanager_user_ssh_key.k"],
  ["rsa-key-under-3072", [key(rsa(2048))], [key(rsa(3072))], undefined, "yandex_organizationmanager_user_ssh_key.k"],
  ["vm-oslogin-off", [vm({ "enable-oslogin": "false" })], [vm({ "enable-oslogin": "true" })], undefined, "yandex_compute_instance.web", 'VM web has OS Login off (metadata enable-oslogin is not "true")'],
  ["serial-console-not-oslogin", [vm({ "enable-oslogin": "true" }, "INSTANCE_METADATA")], [vm({ "enable-oslogin": "true" }, "OS_LOGIN")], undefined, "yandex_compute_instance.web", "VM web authorizes its serial console by INSTANCE_METADATA, not OS_LOGIN"],
  ["broad-admin-login", [orgGrant("compute.osAdminLogin", "userAccount:u1")], [folderGrant("compute.osAdminLogin", "userAccount:u1")], undefined, "yandex_organizationmanager_organization_iam_member.g", "userAccount:u1 gets sudo on every VM of organization org1"],
  ["grant-to-all-users", [folderGrant("compute.osLogin", "system:allAuthenticatedUsers")], [folderGrant("compute.osLogin", "system:group:organization:org1:users")], undefined, "yandex_resourcemanager_folder_iam_member.g", "compute.osLogin is granted to system:allAuthenticatedUsers"],
  ["sa-login-without-profile", [sa("sa1"), folderGrant("compute.osLogin", "serviceAccount:sa1")], [sa("sa1"), folderGrant("compute.osLogin", "serviceAccount:sa1"), profile("s", "sa1", "deploy", "1002")], members, "yandex_resourcemanager_folder_iam_member.g"],
  ["profile-of-departed-subject", [profile("c", "u9", "carol", "1003")], [profile("c", "u2", "carol", "1003")], members, "yandex_organizationmanager_os_login_profile.c", "the profile carol belongs to u9, who is no longer in the organization"],
  ["own-keys-with-certificates", [settings(true, true)], [settings(true, false)], undefined, "yandex_organizationmanager_os_login_settings.s"],
];

const input = (objects: DesiredObject[], ctx: AccessContext = {}): LintInput => ({ objects, ctx, now: NOW, keyExpiryDays: 30 });
const only = (rule: string) => parsePolicy({ rules: Object.fromEntries(RULES.filter((r) => r.id !== rule).map((r) => [r.id, { enabled: false }])) });

describe("lint rules", () => {
  it("has a case for every rule", () => {
    expect(CASES.map((c) => c[0]).sort()).toEqual(RULES.map((r) => r.id).sort());
  });
  it.each(CASES)("%s fires, and stays quiet on the safe variant", (rule, fires, quiet, ctx, target, message) => {
    const hit = lint(input(fires, ctx), only(rule));
    expect(hit.map((f) => [f.ruleId, f.target])).toEqual([[rule, target]]);
    expect(hit[0].severity).toBe(RULES.find((r) => r.id === rule)!.severity);
    if (message) expect(hit[0].message).toBe(message);
    expect(lint(input(quiet, ctx), only(rule))).toEqual([]);
  });
  it("names weak keys by algorithm and size", () => {
    expect(lint(input([key(dsa)]), only("weak-key"))[0].message).toMatch(/^the key is DSA 1024 bits \(SHA256:/);
    expect(lint(input([key(rsa(1024))]), only("weak-key"))[0].message).toMatch(/^the key is RSA 1024 bits/);
  });
  it("skips values a plan does not know yet", () => {
    expect(lint(input([obj("yandex_organizationmanager_user_ssh_key.k", { id: UNKNOWN, subject_id: "u1", data: ed25519, expires_at: UNKNOWN })]))).toEqual([]);
  });
});

describe("policy", () => {
  const broad = [orgGrant("compute.osAdminLogin", "userAccount:u1")];
  const target = "yandex_organizationmanager_organization_iam_member.g";
  it("turns rules off and sets severities", () => {
    expect(lint(input(broad), parsePolicy({ rules: { "broad-admin-login": { enabled: false } } }))).toEqual([]);
    const [f] = lint(input(broad), parsePolicy({ rules: { "broad-admin-login": { severity: "note" } } }));
    expect(f.severity).toBe("note");
    expect(failing([f], "warning")).toEqual([]);
    expect(failing([f], "note")).toEqual([f]);
  });
  it("a live exception suppresses; an expired one no longer applies and says so", () => {
    const live = lint(input(broad), parsePolicy({ exceptions: [{ rule: "broad-admin-login", target, reason: "break-glass", expires: "2026-12-03" }] }));
    expect(live[0].suppressed).toEqual({ reason: "break-glass", expires: "2026-12-03" });
    expect(failing(live, "note")).toEqual([]);
    const old = lint(input(broad), parsePolicy({ exceptions: [{ rule: "broad-admin-login", target, reason: "break-glass", expires: new Date("2026-12-02") }] }));
    expect(old[0].suppressed).toBeUndefined();
    expect(old[0].expiredException).toEqual({ reason: "break-glass", expires: "2026-12-02" });
    expect(failing(old, "error")).toHaveLength(1);
  });
  it.each([
    [{ rules: { "no-such-rule": { enabled: false } } }, /^rules.no-such-rule: unknown rule "no-such-rule"; the rules are duplicate-identity, /],
    [{ rules: { "weak-key": { severity: "fatal" } } }, "rules.weak-key.severity must be one of error, warning, note"],
    [{ exceptions: [{ rule: "weak-key", target: "x", reason: "r" }] }, "exceptions[0].expires is required: a date YYYY-MM-DD (an exception without an end is not allowed)"],
    [{ exceptions: [{ rule: "weak-key", target: "x", expires: "2027-01-01" }] }, "exceptions[0].reason is required (a non-empty string)"],
    [{ key_expiry_days: -1 }, "key_expiry_days must be a whole number of days >= 0"],
  ])("rejects %j", (doc, msg) => {
    expect(() => parsePolicy(doc)).toThrow(PolicyError);
    expect(() => parsePolicy(doc)).toThrow(msg);
  });
});

describe("SARIF", () => {
  const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
  // Both packages are CommonJS whose module.exports also carries the class as .default.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  it("validates against the SARIF 2.1.0 schema, with every rule and each finding located", () => {
    const policy = parsePolicy({ exceptions: [{ rule: "weak-key", target: "yandex_organizationmanager_user_ssh_key.k", reason: "legacy HSM", expires: "2027-01-01" }] });
    const findings = lint(input([key(dsa, null), orgGrant("compute.osAdminLogin", "system:allUsers")]), policy);
    const sarif = JSON.parse(renderLintSarif(findings, policy, "plan.json", "0.1.0"));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(run.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ["key-without-expiry", "warning"],
      ["weak-key", "error"],
      ["broad-admin-login", "error"],
      ["grant-to-all-users", "error"],
    ]);
    expect(run.results[1].suppressions).toEqual([{ kind: "external", justification: "legacy HSM (until 2027-01-01)" }]);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("plan.json");
    expect(run.results[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe("yandex_organizationmanager_user_ssh_key.k");
  });
  it("the schema catches a broken document (the validator is live)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
  });
});

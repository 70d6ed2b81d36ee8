// SshCertificateService.generate against the real model (in-memory SQLite), each certificate read
// back by `ssh-keygen -L`, which also verifies the CA signature.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CloudError } from "../../../src/contract/errors.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN, type Caller } from "../../../src/cloud/model/types.js";
import { parseCertificate } from "../../../src/ssh/certificate-info.js";
import { generateEd25519KeyPair } from "../../../src/ssh/keypair.js";
import { fingerprintOfLine, requireBinary } from "../../e2e/harness/binaries.js";

const ORG = "bpfquickstartorg0001";
const CLOUD = "b1gquickstartcloud01";
const ALICE = "ajealice000000000001";
const BOB = "ajebob00000000000002";
const asUser = (id: string): Caller => ({ kind: "subject", subject: { type: "userAccount", id } });
const NOW = new Date("2026-11-23T11:00:00.000Z");
const SEED = readFileSync(join(__dirname, "../../../examples/quickstart/seed.yaml"), "utf8");

const dir = mkdtempSync(join(tmpdir(), "certs-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keygenList(cert: string): string {
  const file = join(dir, "c-cert.pub");
  writeFileSync(file, cert + "\n");
  const r = spawnSync(requireBinary("ssh-keygen", "openssh-client"), ["-L", "-f", file], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CloudError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "no error";
}

let model: CloudModel;
const key = generateEd25519KeyPair("test").publicKey;

beforeEach(() => {
  model?.close();
  model = CloudModel.open({ now: () => NOW });
  model.directory.seedFromYaml(SEED);
  model.osLogin.updateSettings(ADMIN, {
    organizationId: ORG,
    userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
    sshCertificateSettings: { enabled: true },
  });
});

describe("GIVEN the quickstart organization with certificates enabled", () => {
  it("WHEN Alice asks for her own certificate THEN ssh-keygen shows principal alice, key id with subject and serial, 1 h validity and the permit-* extensions", () => {
    const { signedCertificate } = model.certificates.generate(asUser(ALICE), { organizationId: ORG, publicKey: key });
    const ca = model.certificates.getAuthorityPublicKey(ADMIN, ORG).publicKey;
    expect(keygenList(signedCertificate)).toBe(
      [
        `${join(dir, "c-cert.pub")}:`,
        "        Type: ssh-ed25519-cert-v01@openssh.com user certificate",
        `        Public key: ED25519-CERT ${fingerprintOfLine(key)}`,
        `        Signing CA: ED25519 ${fingerprintOfLine(ca)} (using ssh-ed25519)`,
        `        Key ID: "${ALICE}@${ORG} serial 1"`,
        "        Serial: 1",
        "        Valid: from 2026-11-23T10:59:00 to 2026-11-23T12:00:00",
        "        Principals: ",
        "                alice",
        "        Critical Options: (none)",
        "        Extensions: ",
        "                permit-X11-forwarding",
        "                permit-agent-forwarding",
        "                permit-port-forwarding",
        "                permit-pty",
        "                permit-user-rc",
        "",
      ].join("\n"),
    );
  });

  it("WHEN certificates are issued repeatedly and by cloud scope THEN serials count up per organization and the same CA signs", () => {
    const serials = [
      model.certificates.generate(asUser(ALICE), { organizationId: ORG, publicKey: key }),
      model.certificates.generate(asUser(BOB), { cloudId: CLOUD, publicKey: key }),
      model.certificates.generate(ADMIN, { organizationId: ORG, osLogin: "alice", publicKey: key }),
    ].map((r) => parseCertificate(r.signedCertificate));
    expect(serials.map((c) => [c.serial, c.principals, c.keyId])).toEqual([
      [1n, ["alice"], `${ALICE}@${ORG} serial 1`],
      [2n, ["bob"], `${BOB}@${ORG} serial 2`],
      [3n, ["alice"], `${ALICE}@${ORG} serial 3`],
    ]);
  });

  it("WHEN Bob asks for Alice (by login or subject) or for an unknown login THEN PERMISSION_DENIED, revealing nothing", () => {
    const denied = `PERMISSION_DENIED: Permission denied: userAccount:${BOB} does not have organization-manager.sshCertificates.generateForOthers on organization "${ORG}"`;
    expect(codeOf(() => model.certificates.generate(asUser(BOB), { organizationId: ORG, osLogin: "alice", publicKey: key }))).toBe(denied);
    expect(codeOf(() => model.certificates.generate(asUser(BOB), { organizationId: ORG, subjectId: ALICE, publicKey: key }))).toBe(denied);
    expect(codeOf(() => model.certificates.generate(asUser(BOB), { organizationId: ORG, osLogin: "nobody", publicKey: key }))).toBe(denied);
  });

  it("WHEN Bob holds organization-manager.osLogins.admin THEN he may generate for Alice", () => {
    model.access.updateAccessBindings(ADMIN, {
      resource: { kind: "organization", id: ORG },
      accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "organization-manager.osLogins.admin", subject: { type: "userAccount", id: BOB } } }],
    });
    const cert = parseCertificate(model.certificates.generate(asUser(BOB), { organizationId: ORG, subjectId: ALICE, publicKey: key }).signedCertificate);
    expect(cert.principals).toEqual(["alice"]);
  });

  it("WHEN certificates are turned off THEN FAILED_PRECONDITION names the setting", () => {
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, sshCertificateSettings: { enabled: false }, updateMask: ["ssh_certificate_settings.enabled"] });
    expect(codeOf(() => model.certificates.generate(asUser(ALICE), { organizationId: ORG, publicKey: key }))).toBe(
      `FAILED_PRECONDITION: SSH certificates are disabled in organization ${ORG}: turn on ssh_certificate_settings.enabled first`,
    );
  });

  it("WHEN the request is malformed THEN INVALID_ARGUMENT names the field", () => {
    const gen = (req: object) => codeOf(() => model.certificates.generate(asUser(ALICE), { publicKey: key, ...req } as never));
    expect(gen({ organizationId: ORG, publicKey: "" })).toBe("INVALID_ARGUMENT: Illegal argument public_key: the field is required");
    expect(gen({ organizationId: ORG, publicKey: "ssh-ed25519 AAAAnotbase64!!" })).toBe(
      "INVALID_ARGUMENT: Illegal argument public_key: is not a parseable OpenSSH public key",
    );
    expect(gen({ organizationId: ORG, publicKey: "-----BEGIN OPENSSH PRIVATE KEY----- x" })).toBe(
      "INVALID_ARGUMENT: Illegal argument public_key: looks like a private key; give the public key (.pub) only",
    );
    expect(gen({ organizationId: ORG, cloudId: CLOUD })).toBe("INVALID_ARGUMENT: Illegal argument scope: exactly one of organization_id or cloud_id must be set");
    expect(gen({})).toBe("INVALID_ARGUMENT: Illegal argument scope: exactly one of organization_id or cloud_id must be set");
    expect(gen({ organizationId: ORG, subjectId: ALICE, osLogin: "alice" })).toBe(
      "INVALID_ARGUMENT: Illegal argument subject: at most one of subject_id or os_login may be set",
    );
    expect(gen({ organizationId: ORG, osLogin: "-bad" })).toContain("INVALID_ARGUMENT: Illegal argument os_login:");
    expect(gen({ cloudId: "b1gnosuchcloud" })).toBe('NOT_FOUND: Cloud "b1gnosuchcloud" not found');
    expect(codeOf(() => model.certificates.generate(ADMIN, { organizationId: ORG, publicKey: key }))).toBe(
      "INVALID_ARGUMENT: Illegal argument subject: subject_id or os_login is required when the caller is not a subject (emulator admin)",
    );
  });
});

describe("GIVEN a data directory", () => {
  it("WHEN the model is reopened THEN the organization's CA is the same key (created once, persisted)", () => {
    const dataDir = join(dir, "data");
    const first = CloudModel.open({ dataDir });
    first.directory.seedFromYaml(SEED);
    const before = first.certificates.getAuthorityPublicKey(ADMIN, ORG).publicKey;
    first.close();
    const second = CloudModel.open({ dataDir });
    const after = second.certificates.getAuthorityPublicKey(ADMIN, ORG).publicKey;
    second.close();
    expect(after).toBe(before);
    expect(before).toMatch(new RegExp(`^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} oslogin-ca-${ORG}$`));
  });
});

describe("GIVEN the emulator's certificate lifetime setting ($OSLOGIN_CERTIFICATE_VALIDITY_SECONDS)", () => {
  const withEnv = <T>(value: string, fn: () => T): T => {
    process.env.OSLOGIN_CERTIFICATE_VALIDITY_SECONDS = value;
    try {
      return fn();
    } finally {
      delete process.env.OSLOGIN_CERTIFICATE_VALIDITY_SECONDS;
    }
  };

  it("WHEN it is 45 THEN the certificate is valid until 45 s from now (valid_after keeps the clock skew)", () => {
    const short = withEnv("45", () => CloudModel.open({ now: () => NOW }));
    try {
      short.directory.seedFromYaml(SEED);
      short.osLogin.updateSettings(ADMIN, { organizationId: ORG, sshCertificateSettings: { enabled: true } });
      const cert = parseCertificate(short.certificates.generate(asUser(ALICE), { organizationId: ORG, publicKey: key }).signedCertificate);
      expect(cert.validBefore.toISOString()).toBe("2026-11-23T11:00:45.000Z");
      expect(cert.validAfter.toISOString()).toBe("2026-11-23T10:59:00.000Z");
    } finally {
      short.close();
    }
  });

  it("WHEN it is out of range or not a number THEN opening the model fails naming the variable and the rule", () => {
    for (const bad of ["29", "3601", "1m"]) {
      expect(() => withEnv(bad, () => CloudModel.open())).toThrow(
        `OSLOGIN_CERTIFICATE_VALIDITY_SECONDS must be a whole number of seconds from 30 to 3600, got ${JSON.stringify(bad)}`,
      );
    }
  });
});

import { describe, expect, it } from "vitest";
import { checkLogin, checkMember, checkRole, checkSshPublicKey, checkTimestamp, checkUid } from "../../src/resources/checks.js";
import { UNKNOWN } from "../../src/resources/define.js";
import { validateConfig } from "../../src/resources/plan.js";
import { getDefinition } from "../../src/resources/registry.js";
import { dsaPublic, ed25519Public, rsaPublic } from "./support/keys.js";

const NOW = new Date("2026-11-23T12:00:00Z");
const details = (ds: { summary: string; detail?: string; path?: (string | number)[] }[]) => ds.map((d) => [d.summary, d.detail, d.path]);

describe("login and uid", () => {
  it("GIVEN valid logins WHEN checked THEN no diagnostics", () => {
    for (const login of ["alice", "yc-sa-ansible", "_svc", "A1", "a".repeat(32)]) expect(checkLogin(login, ["login"])).toEqual([]);
  });

  it("GIVEN a login with a dot, a leading hyphen or 33 characters WHEN checked THEN the rule is named at the path", () => {
    for (const login of ["al.ice", "-alice", "a".repeat(33)]) {
      expect(details(checkLogin(login, ["login"]))).toEqual([
        [
          `Invalid login ${JSON.stringify(login)}`,
          "The login must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters).",
          ["login"],
        ],
      ]);
    }
  });

  it("GIVEN uids at and beyond the documented range WHEN checked THEN only 1002..2^63-1 pass", () => {
    expect(checkUid("1002", ["uid"])).toEqual([]);
    expect(checkUid("9223372036854775807", ["uid"])).toEqual([]);
    expect(details(checkUid("1001", ["uid"]))).toEqual([
      [
        "Invalid uid 1001",
        "The uid must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand); omit it to let the cloud allocate one.",
        ["uid"],
      ],
    ]);
    expect(checkUid("9223372036854775808", ["uid"])).toHaveLength(1);
  });

  it("GIVEN UNKNOWN or null WHEN checked THEN skipped until the value is known", () => {
    expect(checkLogin(UNKNOWN, ["login"])).toEqual([]);
    expect(checkUid(null, ["uid"])).toEqual([]);
  });
});

describe("SSH public keys", () => {
  it("GIVEN ed25519 and RSA 2048 keys WHEN checked THEN accepted", () => {
    expect(checkSshPublicKey(ed25519Public(), ["data"])).toEqual([]);
    expect(checkSshPublicKey(rsaPublic(2048), ["data"])).toEqual([]);
  });

  it("GIVEN a DSA key WHEN checked THEN rejected with the alternative", () => {
    expect(details(checkSshPublicKey(dsaPublic(), ["data"]))).toEqual([
      ["Weak SSH public key", "DSA keys are not accepted (OpenSSH disabled ssh-dss); use ed25519 or RSA >= 2048.", ["data"]],
    ]);
  });

  it("GIVEN an RSA 1024 key WHEN checked THEN rejected naming its size", () => {
    expect(details(checkSshPublicKey(rsaPublic(1024), ["data"]))).toEqual([
      ["Weak SSH public key", "RSA keys must be at least 2048 bits, this one has 1024.", ["data"]],
    ]);
  });

  it("GIVEN garbage or a private key WHEN checked THEN the message describes it without echoing it", () => {
    expect(details(checkSshPublicKey("ssh-ed25519 not-base64!", ["data"]))).toEqual([
      ["Invalid SSH public key", "The key is not a parseable OpenSSH public key.", ["data"]],
    ]);
    const d = checkSshPublicKey("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXk -----END OPENSSH PRIVATE KEY-----", ["data"]);
    expect(d[0].detail).toBe("The key looks like a private key; give the public key (.pub) only.");
  });
});

describe("timestamps, roles and members", () => {
  it("GIVEN expiries WHEN checked for the future THEN past and malformed ones fail with the fix", () => {
    expect(checkTimestamp("2030-01-01T00:00:00Z", ["expires_at"], { future: true, now: NOW })).toEqual([]);
    expect(details(checkTimestamp("2020-01-01T00:00:00Z", ["expires_at"], { future: true, now: NOW }))).toEqual([
      ["Expiry 2020-01-01T00:00:00Z is in the past", "An expiry must be in the future; remove it for a key that does not expire.", ["expires_at"]],
    ]);
    expect(details(checkTimestamp("tomorrow", ["expires_at"], { future: true, now: NOW }))).toEqual([
      ['Invalid timestamp "tomorrow"', "The value must be an RFC3339 timestamp, e.g. 2030-01-31T23:59:59Z.", ["expires_at"]],
    ]);
  });

  it("GIVEN role ids WHEN checked THEN a wrong case gets a suggestion", () => {
    expect(checkRole("compute.osLogin", ["role"])).toEqual([]);
    expect(details(checkRole("compute.oslogin", ["role"]))).toEqual([
      ['Unknown role "compute.oslogin"', 'Did you mean "compute.osLogin"? Role ids are case-sensitive.', ["role"]],
    ]);
  });

  it("GIVEN members WHEN checked THEN only TYPE:ID with a known type passes (emails do not)", () => {
    expect(checkMember("serviceAccount:ajs1", ["member"])).toEqual([]);
    expect(checkMember("system:group:organization:bpf1:users", ["member"])).toEqual([]);
    expect(details(checkMember("foo@example.com", ["member"]))).toEqual([
      [
        'Invalid member "foo@example.com"',
        'A member must be "TYPE:ID" with TYPE one of userAccount, serviceAccount, federatedUser, group, system, e.g. "serviceAccount:ajs0123456789abcdefg".',
        ["member"],
      ],
    ]);
  });
});

describe("definitions run their checks through validateConfig", () => {
  it("GIVEN a profile with a bad login and uid WHEN validated THEN both diagnostics carry attribute paths", () => {
    const { diagnostics } = validateConfig(getDefinition("yandex_organizationmanager_os_login_profile"), {
      organization_id: "bpf1",
      subject_id: "ajs1",
      login: "bad.login",
      uid: 999,
    });
    expect(diagnostics.map((d) => d.path)).toEqual([["login"], ["uid"]]);
  });

  it("GIVEN the member data source with neither email nor login WHEN validated THEN exactly one is asked for", () => {
    const { diagnostics } = validateConfig(getDefinition("yandex_organizationmanager_os_login_member", "data"), { organization_id: "bpf1" });
    expect(details(diagnostics)).toEqual([
      ["Exactly one of email or login must be set", 'Set email = "..." or login = "..." to say which member to find.', []],
    ]);
  });

  describe("GIVEN VM metadata near the API's limits (UTF-8 bytes: each value <= 262144, all together < 524288)", () => {
    const vm = (metadata: Record<string, string>) =>
      validateConfig(getDefinition("yandex_compute_instance"), {
        metadata,
        resources: { cores: 2, memory: 2 },
        boot_disk: {},
        network_interface: { subnet_id: "s" },
      }).diagnostics;

    it("WHEN a value is exactly 262144 bytes of two-byte characters THEN it passes; one character more THEN the key is the path", () => {
      expect(vm({ a: "é".repeat(131072) })).toEqual([]);
      expect(details(vm({ a: "é".repeat(131073) }))).toEqual([
        ["Metadata value too large", "Each metadata value must be at most 262144 bytes.", ["metadata", "a"]],
      ]);
    });

    it("WHEN keys and values total 524287 bytes THEN it passes; 524288 THEN the whole map is too large", () => {
      expect(vm({ a: "x".repeat(262143), b: "x".repeat(262142) })).toEqual([]);
      expect(details(vm({ a: "x".repeat(262143), b: "x".repeat(262143) }))).toEqual([
        ["Metadata too large", "All metadata together must be under 524288 bytes.", ["metadata"]],
      ]);
    });
  });

  it("GIVEN a VM with a non-boolean enable-oslogin WHEN validated THEN the metadata key is the path", () => {
    const { diagnostics } = validateConfig(getDefinition("yandex_compute_instance"), {
      metadata: { "enable-oslogin": "yes" },
      resources: { cores: 3, memory: 2 },
      boot_disk: {},
      network_interface: { subnet_id: "s" },
    });
    expect(details(diagnostics)).toEqual([
      ["Invalid cores 3", "cores must be one of 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80.", ["resources", 0, "cores"]],
      ['Invalid enable-oslogin value "yes"', 'The guest agent reads it as a boolean: use "true" or "false".', ["metadata", "enable-oslogin"]],
    ]);
  });
});

// Revocation on a VM set up as the guest agent's own google_oslogin_control sets it up (NSS
// `cache_oslogin oslogin`, pam_oslogin_login / pam_oslogin_admin in pam.d/sshd, the sudoers include,
// UsePAM yes), after the agent's cache refresher has run: a member whose role binding is removed
// never logs in again, by key or by certificate, and one demoted from admin loses sudo, each on the
// next login with nothing restarted. Two VMs answer for the same instance: "agent" has only the
// agent's set-up plus TrustedUserCAKeys (the agent's PAM modules judge certificates), "secure" adds
// our AuthorizedPrincipalsCommand (docs/vm-setup.md), which refuses before PAM is asked.
// Judged by programs we did not write: sshd, ssh, sudo, the agent's NSS/PAM modules and tools.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN, type ResourceRef } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { requireVmBinaries } from "./harness/binaries.js";
import { writeCertificateFiles, type CertificateFiles } from "./harness/certificate-files.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, user } from "./harness/cloud.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runProcess } from "./harness/process.js";
import { startVm, type Vm } from "./harness/vm.js";

// Each test makes up to 24 real SSH logins (two VMs, three members, key and certificate), each asking
// the metadata endpoint several times: room for a loaded CI machine.
vi.setConfig({ testTimeout: 180_000 });

const work = mkdtempSync(join(tmpdir(), "vm-revocation-"));
const dataDir = join(work, "cloud");
// carol: admin, then revoked (the story); dave: plain member, then revoked; erin: admin, then demoted.
const MEMBERS = { carol: "ajecarol000000000003", dave: "ajedave0000000000004", erin: "ajeerin0000000000005" } as const;
type Login = keyof typeof MEMBERS;
const LOGINS = Object.keys(MEMBERS) as Login[];

let model: CloudModel;
let cloud: InProcessCloudClient;
let instance: ResourceRef;
let agentVm: Vm;
let secureVm: Vm;
const key = (login: Login) => join(work, `${login}_ed25519`);
const cert = {} as Record<Login, CertificateFiles>;

const byKey = (vm: Vm, login: Login, command: string) => vm.ssh({ user: login, identity: key(login), certificate: "none", command });
const byCert = (vm: Vm, login: Login, command: string) => vm.ssh({ user: login, ...cert[login], command });
const both = () => [agentVm, secureVm];

/** `oslogin cert export`, as carol would run it (the emulator admin names her login). */
async function exportCertificate(login: Login): Promise<CertificateFiles> {
  const dir = join(work, `${login}-cert`);
  const r = await runProcess(
    process.execPath,
    ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"),
      "cert", "export", "--organization-id", Q.organizationId, "--login", login, "--directory", dir, "--data-dir", dataDir],
    { timeoutMs: 60_000 },
  );
  if (r.status !== 0) throw new Error(`oslogin cert export --login ${login} failed: ${r.stderr}`);
  const identity = join(dir, `yc-organization-id-${Q.organizationId}-${login}`);
  return { identity, certificate: `${identity}-cert.pub` };
}

beforeAll(async () => {
  requireVmBinaries(); // fails naming the Debian package of anything missing
  model = CloudModel.open({ dataDir });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  // Members join the organization with OS Login on: each gets a default profile (login = the name here).
  model.directory.seed({
    organizations: [
      {
        id: Q.organizationId,
        name: "quickstart",
        members: LOGINS.map((login) => ({ id: MEMBERS[login], name: login, email: `${login}@example.com` })),
      },
    ],
  });
  instance = { kind: "instance", id: (await createInstance(cloud, Q.folderId, "vm-revocation")).id };
  await grant(cloud, instance, "compute.osAdminLogin", user(MEMBERS.carol));
  await grant(cloud, instance, "compute.osLogin", user(MEMBERS.dave));
  await grant(cloud, instance, "compute.osAdminLogin", user(MEMBERS.erin));
  for (const login of LOGINS) {
    const pair = generateEd25519KeyPair(`${login}-laptop`);
    writeFileSync(key(login), pair.privateKey, { mode: 0o600 });
    await cloud.createUserSshKey({ organizationId: Q.organizationId, subjectId: MEMBERS[login], name: "laptop", data: pair.publicKey });
  }
  cert.carol = await exportCertificate("carol");
  cert.dave = writeCertificateFiles(model, Q.organizationId, "dave", work, "dave-cert");
  cert.erin = writeCertificateFiles(model, Q.organizationId, "erin", work, "erin-cert");

  const ca = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  [agentVm, secureVm] = await Promise.all([
    startVm({ name: "agent", instanceId: instance.id, dataDir, workDir: join(work, "agent"), trustedCaKeys: [ca], principalsCommand: false }),
    startVm({ name: "secure", instanceId: instance.id, dataDir, workDir: join(work, "secure"), trustedCaKeys: [ca] }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([agentVm?.stop(), secureVm?.stop()]);
  model?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("GIVEN VMs set up by google_oslogin_control; carol and erin hold compute.osAdminLogin, dave compute.osLogin", () => {
  it("WHEN the VM's set-up is read THEN it is the agent's: NSS cache_oslogin oslogin, its PAM lines, the sudoers include, UsePAM", async () => {
    const r = await agentVm.exec(["sh", "-c", "grep -E '^(passwd|group):' /etc/nsswitch.conf; grep oslogin /etc/pam.d/sshd; cat /etc/sudoers.d/google-oslogin; sshd -T | grep -E '^(usepam|authorizedkeyscommand|authorizedkeyscommanduser|authorizedprincipalscommand|authorizedprincipalscommanduser) '"]);
    expect(r.stdout).toBe(
      [
        "passwd:         files systemd cache_oslogin oslogin",
        "group:          files systemd cache_oslogin oslogin",
        "account    [success=ok ignore=ignore default=die] pam_oslogin_login.so",
        "account    [success=ok default=ignore] pam_oslogin_admin.so",
        "#includedir /var/google-sudoers.d",
        "usepam yes",
        "authorizedkeyscommand /usr/bin/google_authorized_keys",
        "authorizedkeyscommanduser root",
        "authorizedprincipalscommand none",
        "authorizedprincipalscommanduser none",
        "",
      ].join("\n"),
    );
  });

  it("WHEN the full set-up is checked as docs/vm-setup.md says THEN sshd uses exactly what the page promises", async () => {
    const page = readFileSync(join(REPO_ROOT, "docs/vm-setup.md"), "utf8");
    const check = /```sh\n(?:.*\n)*?(sshd -T \| grep .*)\n```\n\nThe last command must print exactly:\n\n```text\n((?:.*\n)*?)```/.exec(page);
    expect(check).not.toBeNull();
    const r = await secureVm.exec(["sh", "-c", check![1]]);
    expect(r.stdout).toBe(check![2]);
  });

  it("WHEN each logs in by key and by certificate THEN all get in; carol and erin have sudo, dave does not", async () => {
    for (const vm of both()) {
      for (const login of LOGINS) {
        for (const how of [byKey, byCert]) {
          const r = await how(vm, login, "id -un; sudo -n id -u");
          const admin = login !== "dave";
          expect([vm.name, login, how.name, r.status, r.stdout]).toEqual([vm.name, login, how.name, admin ? 0 : 1, admin ? `${login}\n0\n` : `${login}\n`]);
        }
      }
    }
  });

  it("WHEN the agent's cache refresher runs THEN the VM's passwd cache lists the three members", async () => {
    for (const vm of both()) {
      const r = await vm.refreshNssCache();
      expect(r.status).toBe(0);
      const cached = await vm.exec(["cut", "-d:", "-f1", "/etc/oslogin_passwd.cache"]);
      expect(cached.stdout).toBe("carol\ndave\nerin\n");
    }
  });

  describe("WHEN erin is demoted (compute.osAdminLogin removed, compute.osLogin added)", () => {
    beforeAll(() =>
      cloud.updateAccessBindings(instance, [
        { action: "REMOVE", accessBinding: { roleId: "compute.osAdminLogin", subject: user(MEMBERS.erin) } },
        { action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: user(MEMBERS.erin) } },
      ]),
    );

    it("THEN her next login, by key or by certificate, succeeds without sudo, and the agent's sudoers file is gone", async () => {
      for (const vm of both()) {
        for (const how of [byKey, byCert]) {
          const r = await how(vm, "erin", "id -un; sudo -n id -u");
          expect([vm.name, how.name, r.status, r.stdout]).toEqual([vm.name, how.name, 1, "erin\n"]);
          expect(r.stderr).toContain("sudo: a password is required");
        }
        expect((await vm.exec(["test", "-e", "/var/google-sudoers.d/erin"])).status).toBe(1);
      }
    });
  });

  describe("WHEN carol's and dave's bindings are removed (updateAccessBindings REMOVE)", () => {
    beforeAll(() =>
      cloud.updateAccessBindings(instance, [
        { action: "REMOVE", accessBinding: { roleId: "compute.osAdminLogin", subject: user(MEMBERS.carol) } },
        { action: "REMOVE", accessBinding: { roleId: "compute.osLogin", subject: user(MEMBERS.dave) } },
      ]),
    );

    it("THEN their keys are refused", async () => {
      for (const vm of both()) {
        for (const login of ["carol", "dave"] as const) {
          const r = await byKey(vm, login, "id -un; sudo -n id -u");
          expect([vm.name, login, r.status, r.stdout]).toEqual([vm.name, login, 255, ""]);
          expect(r.stderr).toContain("Permission denied (publickey)");
        }
      }
    });

    it("THEN their certificates are refused too, though the cached NSS entry still names them", async () => {
      const secureLogFrom = secureVm.sshdLog().length;
      for (const vm of both()) {
        expect((await vm.exec(["getent", "passwd", "carol"])).stdout).toMatch(/^carol:\*:\d+:\d+::\/home\/carol:\/bin\/bash\n$/);
        for (const login of ["carol", "dave"] as const) {
          const r = await byCert(vm, login, "id -un; sudo -n id -u");
          expect([vm.name, login, r.status, r.stdout]).toEqual([vm.name, login, 255, ""]);
        }
      }
      // The agent's PAM module asked authorize and was told no; on "secure" the principals command
      // refused first, so sshd never accepted the certificate.
      expect(agentVm.sshdLog()).toMatch(/Access denied for user carol by PAM account configuration/);
      expect(agentVm.sshdLog()).toMatch(/Access denied for user dave by PAM account configuration/);
      const secureLog = secureVm.sshdLog().slice(secureLogFrom);
      expect(secureLog).not.toContain("Accepted certificate");
      expect(secureLog).toContain("Certificate does not contain an authorized principal");
    });

    it("THEN without the cache (files removed) their certificates are refused as well", async () => {
      for (const vm of both()) {
        expect((await vm.exec(["rm", "/etc/oslogin_passwd.cache", "/etc/oslogin_group.cache"])).status).toBe(0);
        for (const login of ["carol", "dave"] as const) {
          const r = await byCert(vm, login, "id -un; sudo -n id -u");
          expect([vm.name, login, r.status, r.stdout]).toEqual([vm.name, login, 255, ""]);
        }
      }
    });

    it("THEN erin, untouched by the revocation, still logs in", async () => {
      for (const vm of both()) {
        const r = await byCert(vm, "erin", "id -un");
        expect([vm.name, r.status, r.stdout]).toEqual([vm.name, 0, "erin\n"]);
      }
    });
  });
});

// VM access end to end, judged by programs we did not write: OpenSSH's sshd and ssh, and the OS
// Login guest agent (google_authorized_keys, libnss_oslogin, pam_oslogin_*) from google-compute-engine-oslogin,
// each VM a network namespace owning 169.254.169.254 where `oslogin metadata` answers for it.
// The cloud side is changed through the model's API operations while everything runs: no restart.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { requireVmBinaries } from "./harness/binaries.js";
import { writeCertificateFiles, type CertificateFiles } from "./harness/certificate-files.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, revoke, seedQuickstart, serviceAccount, user } from "./harness/cloud.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runProcess } from "./harness/process.js";
import { startVm, type Vm } from "./harness/vm.js";

const work = mkdtempSync(join(tmpdir(), "vm-access-"));
const dataDir = join(work, "cloud");
let model: CloudModel;
let cloud: InProcessCloudClient;
let vm1: Vm;
let vm2: Vm;
let saId: string;
const keys = {
  alice: join(work, "alice_ed25519"),
  aliceExpired: join(work, "alice_expired_ed25519"),
};

function writeKey(path: string, privateKey: string): void {
  writeFileSync(path, privateKey, { mode: 0o600 });
}

/** A certificate for `login` from the org CA, with the model's clock set to `at`. */
function certificateAt(login: string, at: Date, file: string): CertificateFiles {
  const clocked = CloudModel.open({ dataDir, now: () => at });
  try {
    return writeCertificateFiles(clocked, Q.organizationId, login, work, file);
  } finally {
    clocked.close();
  }
}

beforeAll(async () => {
  requireVmBinaries(); // fails naming the Debian package of anything missing
  model = CloudModel.open({ dataDir });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  const one = await createInstance(cloud, Q.folderId, "vm-1");
  const two = await createInstance(cloud, Q.folderId, "vm-2");
  await grant(cloud, { kind: "instance", id: one.id }, "compute.osLogin", user(Q.alice));

  const alice = generateEd25519KeyPair("alice-laptop");
  writeKey(keys.alice, alice.privateKey);
  await cloud.createUserSshKey({ organizationId: Q.organizationId, subjectId: Q.alice, name: "laptop", data: alice.publicKey });
  const expired = generateEd25519KeyPair("alice-old");
  writeKey(keys.aliceExpired, expired.privateKey);
  await cloud.createUserSshKey({ organizationId: Q.organizationId, subjectId: Q.alice, name: "old", data: expired.publicKey, expiresAt: "2025-01-01T00:00:00Z" });

  const sa = await cloud.createServiceAccount({ folderId: Q.folderId, name: "ansible" });
  saId = sa.id;
  const saProfile = await cloud.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: "ansible" });
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", serviceAccount(sa.id));

  const ca = model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
  [vm1, vm2] = await Promise.all([
    startVm({ name: "vm-1", instanceId: one.id, dataDir, workDir: join(work, "vm-1"), trustedCaKeys: [ca] }),
    startVm({ name: "vm-2", instanceId: two.id, dataDir, workDir: join(work, "vm-2"), trustedCaKeys: [ca] }),
  ]);
  // Homes on the VMs' tmpfs /home, for every profile that logs in below.
  const uidOf = async (login: string) => (await cloud.listOsLoginProfiles({ organizationId: Q.organizationId, filter: `login="${login}"` })).items[0]!.uid;
  for (const vm of [vm1, vm2]) for (const login of ["alice", "bob", saProfile.login]) await vm.addHome(login, await uidOf(login));
}, 120_000);

afterAll(async () => {
  await Promise.all([vm1?.stop(), vm2?.stop()]);
  model?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("GIVEN two VMs of the quickstart organization, Alice holding compute.osLogin on vm-1 only", () => {
  it("WHEN Alice logs in with her own key THEN vm-1 lets her in as alice, found by google_authorized_keys", async () => {
    const r = await vm1.ssh({ user: "alice", identity: keys.alice, command: "id -un; id -u" });
    expect([r.status, r.stdout]).toEqual([0, "alice\n10000\n"]);
    expect(vm1.sshdLog()).toMatch(/Accepted publickey for alice from 127\.0\.0\.1 port \d+ ssh2: ED25519 SHA256:\S+/);
    expect(vm1.sshdLog()).toContain("found at /usr/bin/google_authorized_keys");
  });

  it("WHEN Alice tries vm-2, where she holds no role THEN she is refused", async () => {
    const r = await vm2.ssh({ user: "alice", identity: keys.alice, command: "true" });
    expect(r.status).toBe(255);
    expect(r.stderr).toContain("Permission denied (publickey)");
  });

  it("WHEN getent passwd alice runs inside vm-1 THEN libnss_oslogin shows the profile's uid, home and shell", async () => {
    const r = await vm1.exec(["getent", "passwd", "alice"]);
    expect([r.status, r.stdout]).toEqual([0, "alice:*:10000:10000::/home/alice:/bin/bash\n"]);
    // initgroups asks groups?email=: her private group plus the organization's devs group
    const devsGid = JSON.parse((await vm1.metadata("/computeMetadata/v1/oslogin/groups?groupname=devs")).body).posixGroups[0].gid;
    const groups = await vm1.exec(["id", "-G", "alice"]);
    expect([groups.status, groups.stdout]).toEqual([0, `10000 ${devsGid}\n`]);
    // On a VM where she may not log in the name still resolves (who she is), while authorize refuses her.
    const elsewhere = await vm2.exec(["getent", "passwd", "alice"]);
    expect([elsewhere.status, elsewhere.stdout]).toEqual([0, "alice:*:10000:10000::/home/alice:/bin/bash\n"]);
  });

  it("WHEN the agent's cache refresher lists users and groups (both paging conventions) THEN it writes the VM's users and the devs group", async () => {
    // google_oslogin_nss_cache writes /etc/oslogin_*.cache in vm-1's /etc (an overlay: the host's is untouched).
    const r = await vm1.refreshNssCache();
    const cache = await vm1.exec(["sh", "-c", "cat /etc/oslogin_passwd.cache; echo ---; cat /etc/oslogin_group.cache"]);
    const devsGid = JSON.parse((await vm1.metadata("/computeMetadata/v1/oslogin/groups?groupname=devs")).body).posixGroups[0].gid;
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^oslogin_cache_refresh\[\d+\]: Refreshing passwd entry cache\noslogin_cache_refresh\[\d+\]: Refreshing group entry cache\n$/);
    expect(cache.stdout).toBe(
      `alice:*:10000:10000::/home/alice:/bin/bash\nansible:*:10002:10002::/home/ansible:/bin/bash\n---\ndevs::${devsGid}:alice\n`,
    );
  });

  it("WHEN Alice offers a key whose expires_at has passed THEN she is refused", async () => {
    const r = await vm1.ssh({ user: "alice", identity: keys.aliceExpired, command: "true" });
    expect(r.status).toBe(255);
    expect(r.stderr).toContain("Permission denied (publickey)");
  });

  it("WHEN the service account exports a certificate with `oslogin cert export` THEN it logs in to both VMs", async () => {
    const dir = join(work, "sa-keys");
    const cli = await runProcess(
      process.execPath,
      ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), "cert", "export",
        "--organization-id", Q.organizationId, "--login", "ansible", "--directory", dir, "--data-dir", dataDir],
      { timeoutMs: 60_000 },
    );
    const identity = join(dir, `yc-organization-id-${Q.organizationId}-ansible`);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(`Identity: ${identity}\nCertificate: ${identity}-cert.pub\n`);
    expect(cli.stdout).not.toContain("PRIVATE KEY");
    expect([statSync(identity).mode & 0o777, statSync(`${identity}-cert.pub`).mode & 0o777]).toEqual([0o600, 0o600]);
    for (const vm of [vm1, vm2]) {
      const r = await vm.ssh({ user: "ansible", identity, command: "id -un" });
      expect([r.status, r.stdout, r.stderr]).toEqual([0, "ansible\n", ""]);
    }
    expect(vm1.sshdLog()).toMatch(new RegExp(`Accepted certificate ID "${saId}@${Q.organizationId} serial \\d+" \\(serial \\d+\\) signed by ED25519 CA`));
  }, 90_000); // a CLI process started through tsx: slow on a loaded CI machine

  it("WHEN a certificate has expired THEN sshd refuses it", async () => {
    const old = certificateAt("ansible", new Date(Date.now() - 2 * 3600_000), "ansible-expired");
    const r = await vm1.ssh({ user: "ansible", identity: old.identity, certificate: old.certificate, command: "true" });
    expect(r.status).toBe(255);
    expect(vm1.sshdLog()).toContain("Certificate invalid: expired");
  });

  it("WHEN Alice's certificate is used to log in as bob THEN sshd refuses: bob is the only principal the command lists", async () => {
    await grant(cloud, { kind: "instance", id: vm1.instanceId }, "compute.osLogin", user(Q.bob)); // so bob exists on vm-1
    const cert = certificateAt("alice", new Date(), "alice-cert");
    const asBob = await vm1.ssh({ user: "bob", identity: cert.identity, certificate: cert.certificate, command: "true" });
    expect(asBob.status).toBe(255);
    expect(vm1.sshdLog()).toContain("Certificate does not contain an authorized principal");
    const asAlice = await vm1.ssh({ user: "alice", identity: cert.identity, certificate: cert.certificate, command: "id -un" });
    expect([asAlice.status, asAlice.stdout]).toEqual([0, "alice\n"]);
  });

  it("WHEN authorize policy=adminLogin is asked inside vm-1 THEN true only once Alice holds compute.osAdminLogin", async () => {
    const ask = () => vm1.metadata("/computeMetadata/v1/oslogin/authorize?email=alice%40example.com&policy=adminLogin");
    expect(await ask()).toEqual({ status: 200, body: '{"success":false}' });
    await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osAdminLogin", user(Q.alice));
    expect(await ask()).toEqual({ status: 200, body: '{"success":true}' });
    await revoke(cloud, { kind: "folder", id: Q.folderId }, "compute.osAdminLogin", user(Q.alice));
    expect(await vm1.metadata("/computeMetadata/v1/oslogin/users?username=alice", { flavor: null })).toEqual({
      status: 403,
      body: '{"error":{"code":403,"message":"Missing required header: Metadata-Flavor: Google"}}',
    });
  });

  it("WHEN Alice's role is revoked through the API THEN her next login fails, by key and by certificate, with nothing restarted", async () => {
    const cert = certificateAt("alice", new Date(), "alice-cert-before-revoke");
    const before = await vm1.ssh({ user: "alice", identity: keys.alice, command: "true" });
    expect(before.status).toBe(0);
    await revoke(cloud, { kind: "instance", id: vm1.instanceId }, "compute.osLogin", user(Q.alice));
    const after = await vm1.ssh({ user: "alice", identity: keys.alice, command: "true" });
    expect([after.status, after.stderr]).toEqual([255, "alice@127.0.0.1: Permission denied (publickey).\r\n"]);
    const byCert = await vm1.ssh({ user: "alice", identity: cert.identity, certificate: cert.certificate, command: "true" });
    expect([byCert.status, byCert.stderr]).toEqual([255, "alice@127.0.0.1: Permission denied (publickey).\r\n"]);
    // Her name still resolves (the agent's cache lists her until its next refresh); it grants nothing.
    expect((await vm1.exec(["getent", "passwd", "alice"])).status).toBe(0);
  });
});

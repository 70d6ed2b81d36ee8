// `oslogin ssh --member`: acting as a member of the embedded cloud, and the login pre-check for a
// member, whose role may come through a group (the real SQLite model, in process).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { startCloudServer, type CloudServer } from "../../src/cloud/server.js";
import { parseCertificate } from "../../src/ssh/certificate-info.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import sshCommand from "../../src/cli/commands/ssh.js";
import { prepareSshLogin } from "../../src/inventory/ssh-login.js";
import type { Instance } from "../../src/contract/api-types.js";
import { parseInventoryConfig } from "../../src/inventory/config.js";
import { connectAsMember, connectAsServiceAccount } from "../../src/inventory/connect.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { instancesGranting, listFolderInstances } from "../../src/inventory/gather.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, user } from "../e2e/harness/cloud.js";

const work = mkdtempSync(join(tmpdir(), "member-login-"));
const dataDir = join(work, "cloud");
let web1: Instance;
let open: Instance;
/** ssh-keygen's SHA256 fingerprint of an authorized_keys line. */
const fingerprintOf = (line: string) => `SHA256:${createHash("sha256").update(Buffer.from(line.split(" ")[1], "base64")).digest("base64").replace(/=+$/, "")}`;
const config = () => parseInventoryConfig({ data_dir: dataDir, member: "x", organization_id: Q.organizationId, folders: [Q.folderId] }, work);

/** Alice (in devs) may log in on the folder's VMs, every user on open-1; both members read every binding. */
async function populate(model: CloudModel): Promise<{ web1: Instance; open: Instance }> {
  const cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  const vms = { web1: await createInstance(cloud, Q.folderId, "web-1"), open: await createInstance(cloud, Q.folderId, "open-1") };
  // The devs group (Alice) may log in on the folder; every user on open-1. Both members read every
  // level's bindings and the groups, so the pre-check decides from what it read, never "cannot tell".
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", { type: "group", id: Q.devsGroup });
  await grant(cloud, { kind: "instance", id: vms.open.id }, "compute.osLogin", { type: "system", id: "allUsers" });
  for (const member of [Q.alice, Q.bob]) await grant(cloud, { kind: "organization", id: Q.organizationId }, "viewer", user(member));
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  return vms;
}

beforeAll(async () => {
  const model = CloudModel.open({ dataDir });
  ({ web1, open } = await populate(model));
  model.close();
});

/** `oslogin ssh ARGS` in process with HOME (the member's kept key) and YC_TOKEN as given, output captured. */
async function runSsh(args: string[], env: { HOME: string; YC_TOKEN?: string }): Promise<{ status: number; stderr: string; stdout: string }> {
  const out = { stderr: "", stdout: "" };
  const saved = { HOME: process.env.HOME, YC_TOKEN: process.env.YC_TOKEN };
  const error = console.error;
  console.error = (...a: unknown[]) => void (out.stderr += `${a.join(" ")}\n`);
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true));
  process.env.HOME = env.HOME;
  if (env.YC_TOKEN === undefined) delete process.env.YC_TOKEN;
  else process.env.YC_TOKEN = env.YC_TOKEN;
  try {
    return { status: await sshCommand.run(args), ...out };
  } finally {
    console.error = error;
    write.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The VMs the member may log in to, as `oslogin ssh`'s pre-check decides. */
async function loginVms(member: string): Promise<{ who: string; granted: string[] }> {
  const conn = await connectAsMember(config(), member);
  try {
    const ctx = { client: conn.client, config: config(), subject: conn.subject, who: conn.who };
    const { instances, cloudOf } = await listFolderInstances(ctx);
    const granted = await instancesGranting(ctx, instances, cloudOf, ["compute.osLogin", "compute.osAdminLogin"], true);
    return { who: conn.who, granted: [...granted].sort() };
  } finally {
    await conn.close();
  }
}

describe("GIVEN compute.osLogin granted to the devs group on the folder and to system:allUsers on open-1", () => {
  it("WHEN Alice, a member of devs, is named by e-mail (any case) THEN she acts as herself and the group's role counts", async () => {
    expect(await loginVms("Alice@Example.com")).toEqual({ who: "member alice@example.com", granted: [open.id, web1.id].sort() });
  });

  it("WHEN Bob, in no group, is named by user id THEN only open-1 grants him a login", async () => {
    expect(await loginVms(Q.bob)).toEqual({ who: "member bob@example.com", granted: [open.id] });
  });

  it("WHEN someone outside the organization is named THEN it says who and where", async () => {
    await expect(connectAsMember(config(), "mallory@example.com")).rejects.toThrow(
      `member "mallory@example.com" is not a member of organization ${Q.organizationId} (give their e-mail or user id)`,
    );
  });
});

describe("GIVEN web-1, a VM that has published no SSH host keys on its serial console (as every VM of the embedded cloud)", () => {
  const knownHosts = join(work, "known_hosts");
  const sshConfig = join(work, "ssh.yml");
  beforeAll(() => {
    writeFileSync(sshConfig, [`data_dir: ${dataDir}`, `organization_id: ${Q.organizationId}`, `folders: [${Q.folderId}]`, `cache_dir: ${join(work, "certs")}`, `known_hosts_file: ${knownHosts}`, ""].join("\n"));
  });

  const osloginSsh = (args: string[]) => runSsh(["--config", sshConfig, ...args], { HOME: work });

  it("WHEN Alice, who may log in there, runs oslogin ssh web-1 THEN it refuses before ssh runs (ssh would only wait on the address, then refuse the unknown key), naming the VM and the known_hosts file", async () => {
    const r = await osloginSsh(["--member", "alice@example.com", "web-1", "--", "id", "-un"]);
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr:
        `oslogin ssh: VM web-1 publishes no SSH host keys on its serial console yet and ${knownHosts} has no key for it, so ssh (StrictHostKeyChecking=yes) would refuse it. ` +
        "A VM publishes them when it boots; a VM of the embedded cloud is a record, not a machine (docs/vm-access.md runs a real sshd for one)\n",
    });
  });

  it("WHEN --print is given THEN the command line is printed, with the same words as a warning", async () => {
    const r = await osloginSsh(["--member", "alice@example.com", "--print", "web-1"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`oslogin ssh: VM web-1 publishes no SSH host keys on its serial console yet and ${knownHosts} has no key for it, so ssh (StrictHostKeyChecking=yes) would refuse it. A VM publishes them when it boots; a VM of the embedded cloud is a record, not a machine (docs/vm-access.md runs a real sshd for one)\n`);
    expect(r.stdout).toMatch(/^ssh -i \S+ .*-o StrictHostKeyChecking=yes -o HostKeyAlias=web-1 -l alice -- 10\.\d+\.\d+\.\d+\n$/);
  });

  it("WHEN the VM then publishes its key, and later a different one THEN the first is recorded and the target has no problem; the changed one is refused", async () => {
    const model = CloudModel.open({ dataDir });
    const ctx = async () => {
      const conn = await connectAsMember(config(), "alice@example.com");
      return { conn, ctx: { client: conn.client, config: { ...config(), knownHostsFile: knownHosts }, subject: conn.subject, who: conn.who, keptKeyFile: join(work, "alice_ed25519") } };
    };
    try {
      model.serialPorts.setHostKeys(ADMIN, { instanceId: web1.id, hostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJgv4qV0yIh5vI0eL0QbKQ5mS4H3Xf1bb0a3uW9h7bEz"] });
      let { conn, ctx: c } = await ctx();
      expect((await prepareSshLogin(c, "web-1").finally(() => conn.close())).hostKeyProblem).toBeUndefined();
      expect(readFileSync(knownHosts, "utf8")).toBe("web-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJgv4qV0yIh5vI0eL0QbKQ5mS4H3Xf1bb0a3uW9h7bEz\n");
      model.serialPorts.setHostKeys(ADMIN, { instanceId: web1.id, hostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtOG0j5Yz0oQhS9aJH0uYF7kBqz4Hh2bL1s3Qe2WmHc"] });
      ({ conn, ctx: c } = await ctx());
      expect((await prepareSshLogin(c, "web-1").finally(() => conn.close())).hostKeyProblem).toBe(
        `VM web-1: the host key it publishes differs from the one in ${knownHosts}, so ssh would refuse it. If the VM was re-created, remove the old key: ssh-keygen -R web-1 -f ${knownHosts}`,
      );
    } finally {
      model.close();
    }
  });
});

describe("GIVEN the same cloud served by oslogin serve, and a config naming its endpoint and its data_dir", () => {
  const servedDir = join(work, "served");
  const servedConfig = join(work, "served.yml");
  let server: CloudServer;
  let servedWeb1: Instance;
  /** The served config's keys, with `extra` replacing some. */
  const writeServedConfig = (path: string, extra: Record<string, string>) =>
    writeFileSync(
      path,
      Object.entries({
        endpoint: server.grpcEndpoint,
        data_dir: servedDir,
        organization_id: Q.organizationId,
        folders: `[${Q.folderId}]`,
        cache_dir: join(work, "served-certs"),
        known_hosts_file: join(work, "served_known_hosts"),
        ...extra,
      })
        .filter(([, v]) => v !== "")
        .map(([k, v]) => `${k}: ${v}\n`)
        .join(""),
    );
  beforeAll(async () => {
    server = await startCloudServer({ dataDir: servedDir, restPort: 0, grpcPort: 0 });
    ({ web1: servedWeb1 } = await populate(server.model));
    writeServedConfig(servedConfig, {});
  });
  afterAll(() => server?.close());

  it("WHEN Alice runs oslogin ssh --member alice@example.com --print web-1 THEN the line names her kept key and a certificate the server's CA issued to her", async () => {
    const home = join(work, "home-served");
    const r = await runSsh(["--config", servedConfig, "--member", "alice@example.com", "--print", "web-1"], { HOME: home });
    expect(r.status).toBe(0);
    const key = join(home, ".oslogin/members", Q.organizationId, Q.alice, "id_ed25519");
    expect(r.stdout).toMatch(new RegExp(`^ssh -i ${key} -o CertificateFile=${key}-cert.pub .*-o HostKeyAlias=web-1 -l alice -- 10\\.\\d+\\.\\d+\\.\\d+\\n$`));
    const cert = parseCertificate(readFileSync(`${key}-cert.pub`, "utf8"));
    expect([cert.principals, cert.keyId.replace(/ serial \d+$/, "")]).toEqual([["alice"], `${Q.alice}@${Q.organizationId}`]);
    // Signed by the served cloud's CA: issued through the server, to the member's own token.
    const ca = server.model.certificates.getAuthorityPublicKey(ADMIN, Q.organizationId).publicKey;
    const check = spawnSync("ssh-keygen", ["-L", "-f", `${key}-cert.pub`], { encoding: "utf8" });
    expect(check.stdout).toContain(`Signing CA: ED25519 ${fingerprintOf(ca)}`);
  });

  it("WHEN Bob, who holds no login role on web-1, runs it THEN he is refused before ssh, naming him and the VM", async () => {
    const r = await runSsh(["--config", servedConfig, "--member", "bob@example.com", "--print", "web-1"], { HOME: join(work, "home-served-bob") });
    expect(r).toEqual({
      status: 1,
      stdout: "",
      stderr: `oslogin ssh: member bob@example.com has no login on VM web-1 (${servedWeb1.id}): it holds neither compute.osLogin nor compute.osAdminLogin on the VM, its folder, cloud or organization\n`,
    });
  });

  it("WHEN someone outside the organization is named THEN it says so", async () => {
    const r = await runSsh(["--config", servedConfig, "--member", "mallory@example.com", "web-1"], { HOME: join(work, "home-served-m") });
    expect([r.status, r.stderr]).toEqual([1, `oslogin ssh: member "mallory@example.com" is not a member of organization ${Q.organizationId} (give their e-mail or user id)\n`]);
  });

  it("WHEN nothing listens at the endpoint, or data_dir is not the served directory THEN one line says which", async () => {
    const down = join(work, "served-down.yml");
    writeServedConfig(down, { endpoint: "127.0.0.1:1" });
    const r = await runSsh(["--config", down, "--member", "alice@example.com", "web-1"], { HOME: join(work, "home-served-x") });
    expect([r.status, r.stderr]).toEqual([1, "oslogin ssh: cannot reach oslogin serve at 127.0.0.1:1 (connection refused)\n"]);

    // Another directory with the server's certificate but an admin token the server never made.
    const other = join(work, "other-dir");
    mkdirSync(join(other, "tls"), { recursive: true });
    writeFileSync(join(other, "tls/cert.pem"), server.caCertPem);
    writeFileSync(join(other, "admin-token"), "not-the-admin-token\n", { mode: 0o600 });
    const wrong = join(work, "served-wrong.yml");
    writeServedConfig(wrong, { data_dir: other });
    const w = await runSsh(["--config", wrong, "--member", "alice@example.com", "web-1"], { HOME: join(work, "home-served-x") });
    expect([w.status, w.stderr]).toEqual([1, `oslogin ssh: oslogin serve at ${server.grpcEndpoint} does not take the admin token in ${other}: data_dir must be the directory that server serves\n`]);
  });

  it("WHEN the inventory's service account uses the same config (no root_certs) THEN it trusts the served directory's certificate and calls as itself", async () => {
    const cloud = new InProcessCloudClient(server.model);
    const sa = await cloud.createServiceAccount({ folderId: Q.folderId, name: "served-inventory" });
    await grant(cloud, { kind: "folder", id: Q.folderId }, "viewer", { type: "serviceAccount", id: sa.id });
    const keyFile = join(work, "served-sa.json");
    writeAuthorizedKeyFile(keyFile, authorizedKeyFileOf(await cloud.createKey({ serviceAccountId: sa.id })));
    const conn = await connectAsServiceAccount(
      parseInventoryConfig({ endpoint: server.grpcEndpoint, data_dir: servedDir, service_account_key_file: keyFile, organization_id: Q.organizationId, folders: [Q.folderId] }, work),
    );
    try {
      expect([conn.who, (await conn.client.listInstances({ folderId: Q.folderId })).items.map((i) => i.name).sort()]).toEqual([`service account ${sa.id}`, ["open-1", "web-1"]]);
    } finally {
      await conn.close();
    }
  });

  it("WHEN a member's own token asks the server for another member's token THEN it is refused: only the admin may", async () => {
    const alice = new GrpcCloudClient({ endpoint: server.grpcEndpoint, rootCertPem: server.caCertPem, iamToken: server.model.iamTokens.issueFor(ADMIN, { subject: user(Q.alice) }).iamToken });
    try {
      await expect(alice.issueIamTokenFor(user(Q.bob))).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "Permission denied: only the emulator admin may issue IAM tokens for a subject" });
    } finally {
      await alice.close();
    }
  });

  describe("AND a config with root_certs instead of data_dir (as against the real cloud): the member's own token in YC_TOKEN", () => {
    const tokenConfig = join(work, "token.yml");
    const tokenOf = (id: string) => server.model.iamTokens.issueFor(ADMIN, { subject: user(id) }).iamToken;
    beforeAll(() => {
      writeFileSync(join(work, "served-cert.pem"), server.caCertPem);
      writeServedConfig(tokenConfig, { data_dir: "", root_certs: join(work, "served-cert.pem") });
    });

    it("WHEN YC_TOKEN is not set THEN one line says what to set", async () => {
      const r = await runSsh(["--config", tokenConfig, "--member", Q.alice, "web-1"], { HOME: join(work, "home-token-0") });
      expect([r.status, r.stderr]).toEqual([
        1,
        "oslogin ssh: --member without data_dir acts with the member's own IAM token: set YC_TOKEN (e.g. YC_TOKEN=$(yc iam create-token)); only the holder of the served data_dir may issue a token for a member\n",
      ]);
    });

    it("WHEN Alice's own token names her by user id (or by e-mail, which she may list) THEN --print gives her line", async () => {
      for (const [i, name] of [Q.alice, "alice@example.com"].entries()) {
        const r = await runSsh(["--config", tokenConfig, "--member", name, "--print", "web-1"], { HOME: join(work, `home-token-a${i}`), YC_TOKEN: tokenOf(Q.alice) });
        expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/ -l alice -- 10\.\d+\.\d+\.\d+\n$/)]);
      }
    });

    it("WHEN Bob's token names Alice THEN the certificate the cloud issues is Bob's, and it stops before ssh, saying so", async () => {
      const r = await runSsh(["--config", tokenConfig, "--member", Q.alice, "--print", "web-1"], { HOME: join(work, "home-token-b"), YC_TOKEN: tokenOf(Q.bob) });
      expect([r.status, r.stdout, r.stderr]).toEqual([
        1,
        "",
        "oslogin ssh: the cloud certified login bob for the credential in use, not alice (the login of member alice@example.com): the credential is another account's\n",
      ]);
    });

    it("WHEN YC_TOKEN is not a token the cloud knows THEN one line says so", async () => {
      const r = await runSsh(["--config", tokenConfig, "--member", Q.alice, "web-1"], { HOME: join(work, "home-token-c"), YC_TOKEN: "t1.made-up" });
      expect([r.status, r.stderr]).toEqual([
        1,
        `oslogin ssh: YC_TOKEN is not accepted by ${server.grpcEndpoint}: it has expired or is not an IAM token; make a fresh one (yc iam create-token)\n`,
      ]);
    });
  });
});

// `oslogin ssh --member`: acting as a member of the embedded cloud, and the login pre-check for a
// member, whose role may come through a group (the real SQLite model, in process).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import sshCommand from "../../src/cli/commands/ssh.js";
import { prepareSshLogin } from "../../src/inventory/ssh-login.js";
import type { Instance } from "../../src/contract/api-types.js";
import { parseInventoryConfig } from "../../src/inventory/config.js";
import { connectAsMember } from "../../src/inventory/connect.js";
import { instancesGranting, listFolderInstances } from "../../src/inventory/gather.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, user } from "../e2e/harness/cloud.js";

const work = mkdtempSync(join(tmpdir(), "member-login-"));
const dataDir = join(work, "cloud");
let web1: Instance;
let open: Instance;
const config = () => parseInventoryConfig({ data_dir: dataDir, member: "x", organization_id: Q.organizationId, folders: [Q.folderId] }, work);

beforeAll(async () => {
  const model = CloudModel.open({ dataDir });
  const cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  web1 = await createInstance(cloud, Q.folderId, "web-1");
  open = await createInstance(cloud, Q.folderId, "open-1");
  // The devs group (Alice) may log in on the folder; every user on open-1. Both members read every
  // level's bindings and the groups, so the pre-check decides from what it read, never "cannot tell".
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", { type: "group", id: Q.devsGroup });
  await grant(cloud, { kind: "instance", id: open.id }, "compute.osLogin", { type: "system", id: "allUsers" });
  for (const member of [Q.alice, Q.bob]) await grant(cloud, { kind: "organization", id: Q.organizationId }, "viewer", user(member));
  await enableOsLogin(cloud, Q.organizationId, { keys: true, certificates: true });
  model.close();
});

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

  /** `oslogin ssh ARGS` in process, HOME being the work dir (the member's kept key), stderr captured. */
  async function osloginSsh(args: string[]): Promise<{ status: number; stderr: string; stdout: string }> {
    const out = { stderr: "", stdout: "" };
    const home = process.env.HOME;
    const error = console.error;
    console.error = (...a: unknown[]) => void (out.stderr += `${a.join(" ")}\n`);
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true));
    process.env.HOME = work;
    try {
      return { status: await sshCommand.run(["--config", sshConfig, ...args]), ...out };
    } finally {
      console.error = error;
      write.mockRestore();
      process.env.HOME = home;
    }
  }

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

// `oslogin quickstart` (npm start) as a user runs it, twice: the second run ends with "No changes".
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../..");
const tsx = import.meta.resolve("tsx");

function quickstart(cwd: string) {
  const app = `${JSON.stringify(process.execPath)} --import ${tsx} ${JSON.stringify(path.join(root, "examples/quickstart/main.ts"))}`;
  return spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/cli/main.ts"), "quickstart", "--seed", path.join(root, "examples/quickstart/seed.yaml"), "--app", app], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

describe("GIVEN an empty directory", () => {
  it("WHEN the quickstart runs twice THEN the first applies everything and prints the access table, the second ends with No changes", () => {
    const dir = tempDir("oslogin-quickstart-");
    const first = quickstart(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Apply complete! Resources: 12 added, 0 changed, 0 destroyed.");
    expect(first.stdout).toMatch(/web-1\s+Alice\s+login\s+alice\s+\d+\s+instance/);
    expect(first.stdout).toMatch(/db-1\s+ansible\s+sudo\s+yc-sa-ansible\s+5000\s+folder b1gquickstartfolder1/);
    // Ansible is ready: the account's key (0600) and an inventory config for this cloud.
    const keyFile = path.join(dir, ".oslogin/quickstart/ansible-key.json");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(keyFile, "utf8")).private_key).toMatch(/^PLEASE DO NOT REMOVE THIS LINE! Yandex\.Cloud SA Key ID <ajk[a-z0-9]{17}>\n-----BEGIN PRIVATE KEY-----/);
    expect(first.stdout).not.toContain("BEGIN PRIVATE KEY");
    expect(readFileSync(path.join(dir, "oslogin-inventory.yml"), "utf8")).toContain(
      "data_dir: .oslogin\nservice_account_key_file: .oslogin/quickstart/ansible-key.json\norganization_id: bpfquickstartorg0001\nfolders: [b1gquickstartfolder1]\n",
    );
    const inventory = spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/cli/main.ts"), "inventory", "--list"], { cwd: dir, encoding: "utf8" });
    // The quickstart's VMs are records with no sshd: each is said once to have published no host keys.
    expect(inventory.stderr).toBe(["db-1", "web-1", "web-2"].map((vm) => `VM ${vm}: publishes no SSH host keys on its serial console yet; ssh will refuse it\n`).join(""));
    const inv = JSON.parse(inventory.stdout);
    expect(Object.keys(inv._meta.hostvars).sort()).toEqual(["db-1", "web-1", "web-2"]);
    expect(inv.label_role_web.hosts).toEqual(["web-1", "web-2"]);
    expect(inv._meta.hostvars["db-1"]).toMatchObject({ ansible_user: "yc-sa-ansible", ansible_become: true });

    // `oslogin access`: the same rows, from state and the cloud, as JSON and Markdown.
    const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/cli/main.ts"), ...args], { cwd: dir, encoding: "utf8" });
    const access = cli("access", "--json");
    expect([access.status, access.stderr]).toEqual([0, ""]);
    const doc = JSON.parse(access.stdout);
    const sa = doc.access[0].member;
    expect(sa).toMatch(/^serviceAccount:ajs[a-z0-9]{17}$/);
    const ansible = (vm: string) => ({ vm, member: sa, member_name: "ansible", login: "yc-sa-ansible", uid: "5000", sudo: true, via: "folder b1gquickstartfolder1" });
    expect({ ok: doc.ok, command: doc.command, stack: doc.stack }).toEqual({ ok: true, command: "access", stack: "quickstart" });
    expect(doc.access.map(({ vm_address: _, ...row }: Record<string, unknown>) => row)).toEqual([
      ansible("db-1"),
      ansible("web-1"),
      { vm: "web-1", member: "userAccount:ajealice000000000001", member_name: "Alice", login: "alice", uid: "10000", sudo: false, via: "instance" },
      ansible("web-2"),
    ]);
    const md = cli("access", "--md").stdout.split("\n");
    expect(md.slice(0, 4)).toEqual(["## Who can log in where", "", "| VM | Member | Login | UID | Sudo | Via |", "| --- | --- | --- | --- | --- | --- |"]);
    expect(md).toContain("| `web-1` | Alice (`userAccount:ajealice000000000001`) | `alice` | 10000 | no | instance |");

    const second = quickstart(dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(second.stdout.trim().split("\n").pop()).toBe("No changes. The quickstart is already applied; your infrastructure matches the configuration.");
  }, 240_000);
});

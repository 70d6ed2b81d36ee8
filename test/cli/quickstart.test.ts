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
    expect(inventory.stderr).toBe("");
    const inv = JSON.parse(inventory.stdout);
    expect(Object.keys(inv._meta.hostvars).sort()).toEqual(["db-1", "web-1", "web-2"]);
    expect(inv.label_role_web.hosts).toEqual(["web-1", "web-2"]);
    expect(inv._meta.hostvars["db-1"]).toMatchObject({ ansible_user: "yc-sa-ansible", ansible_become: true });

    const second = quickstart(dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(second.stdout.trim().split("\n").pop()).toBe("No changes. The quickstart is already applied; your infrastructure matches the configuration.");
  }, 240_000);
});

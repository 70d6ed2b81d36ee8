// Acceptance (issue 16): oslogin-kit as a user gets it. `npm pack` (which builds dist through the
// package's own prepare script), the tarball installed into an empty directory with a fresh
// package.json (cdktf and constructs come in as its peer dependencies, from the registry or npm's
// cache), then the documented loop with the installed bin: init, plan, apply, access --json,
// ansible-key, inventory --list, import --generate-construct, an edit of main.ts that the next plan shows, and the programmatic API.
// Nothing links the app to this repository: it sees only the tarball.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(tmpdir(), "oslogin-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// JOBS: node-gyp compiles better-sqlite3's two sources in parallel (the install's longest step).
const env = { ...process.env, NO_COLOR: "1", JOBS: "max", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };

function run(cwd: string, cmd: string, args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r.stdout;
}

/** Packs a copy of the package sources, so building dist never rewrites the checkout's dist/ under other tests. */
function pack(): string {
  const stage = path.join(work, "stage");
  mkdirSync(stage);
  for (const f of ["package.json", "tsconfig.json", "README.md", "src", "constructs", "examples/quickstart/seed.yaml"]) {
    mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
    cpSync(path.join(root, f), path.join(stage, f), { recursive: true });
  }
  // The build needs the compiler and the types of the dependencies; they are not packed.
  symlinkSync(path.join(root, "node_modules"), path.join(stage, "node_modules"));
  const out = ok(run(stage, "npm", ["pack", "--json", "--pack-destination", work]), "npm pack");
  const [{ filename }] = JSON.parse(out.slice(out.indexOf("["))) as { filename: string }[];
  return path.join(work, filename);
}

describe("GIVEN the packed tarball installed into an empty directory", () => {
  it("WHEN a user runs init, plan, apply, access, ansible-key, inventory, import --generate-construct and edits main.ts THEN each works from the installed package", () => {
    const tarball = pack();
    const app = path.join(work, "my-access");
    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "my-access", version: "1.0.0", private: true }, null, 2));
    ok(run(app, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball]), "npm install");
    const installed = JSON.parse(readFileSync(path.join(app, "node_modules/oslogin-kit/package.json"), "utf8"));
    expect(installed.version).toBe(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version);
    // The peers are installed once, beside oslogin-kit, so the app and the constructs share them.
    expect(statSync(path.join(app, "node_modules/cdktf/package.json")).isFile()).toBe(true);
    expect(() => statSync(path.join(app, "node_modules/oslogin-kit/node_modules/cdktf"))).toThrow();

    const oslogin = (...args: string[]) => run(app, "npx", ["oslogin", ...args]);

    const init = ok(oslogin("init"), "oslogin init");
    expect(init).toContain("Wrote tsconfig.json, cdktf.json, main.ts, seed.yaml, .gitignore (kept package.json) in .");
    expect(init).toContain("Seeded the embedded cloud (.oslogin) from seed.yaml.");
    const pkg = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    expect(pkg.dependencies).toMatchObject({ "oslogin-kit": expect.stringMatching(/^(file:|\^)/), cdktf: "0.21.0" });
    expect(readFileSync(path.join(app, ".gitignore"), "utf8").split("\n")).toEqual(expect.arrayContaining([".oslogin/", "cdktf.out/", "*.tfstate", "*.tfstate.*", "*-key.json"]));

    const plan = oslogin("plan");
    expect(plan.stderr).toBe("");
    expect(ok(plan, "oslogin plan")).toContain("Plan: 9 to add, 0 to change, 0 to destroy.");
    expect(plan.stdout).toContain("+ web-1: Alice (userAccount:ajealice000000000001) gains login as alice");

    const apply = ok(oslogin("apply", "--auto-approve"), "oslogin apply");
    expect(apply).toContain("Apply complete! Resources: 9 added, 0 changed, 0 destroyed.");
    expect(ok(oslogin("plan"), "oslogin plan after apply")).toContain("No changes.");

    const access = JSON.parse(ok(oslogin("access", "--json"), "oslogin access --json"));
    expect({ ok: access.ok, command: access.command, stack: access.stack }).toEqual({ ok: true, command: "access", stack: "app" });
    expect(access.access.map((r: Record<string, unknown>) => [r.vm, r.member_name, r.login, r.sudo, r.via])).toEqual([
      ["web-1", "ansible", "yc-sa-ansible", true, "folder b1gquickstartfolder1"],
      ["web-1", "Alice", "alice", false, "instance"],
    ]);

    const key = ok(oslogin("ansible-key"), "oslogin ansible-key");
    expect(key).toBe('Wrote the authorized key to .oslogin/app/ansible-key.json (0600).\nWrote oslogin-inventory.yml: "oslogin inventory --list" lists the VMs as this account.\n');
    expect(statSync(path.join(app, ".oslogin/app/ansible-key.json")).mode & 0o777).toBe(0o600);
    const inventory = oslogin("inventory", "--list");
    // web-1 is a record of the embedded cloud, no machine: it has published no host keys, said once.
    expect(inventory.stderr).toBe("VM web-1: publishes no SSH host keys on its serial console yet; ssh will refuse it\n");
    const inv = JSON.parse(ok(inventory, "oslogin inventory --list"));
    expect(Object.keys(inv._meta.hostvars)).toEqual(["web-1"]);
    expect(inv._meta.hostvars["web-1"]).toMatchObject({ ansible_user: "yc-sa-ansible", ansible_become: true });
    // The executable Ansible runs as an inventory script (ansible -i node_modules/.bin/oslogin-inventory).
    const script = JSON.parse(ok(run(app, path.join(app, "node_modules/.bin/oslogin-inventory"), ["--list"]), "oslogin-inventory --list"));
    expect(Object.keys(script._meta.hostvars)).toEqual(["web-1"]);

    // The seeded members' profiles exist in the cloud and not in the stack: generated as constructs
    // (the generator's renderer must be in the tarball).
    expect(ok(oslogin("import", "--generate-construct", "imported.ts", "--organization", "bpfquickstartorg0001"), "oslogin import --generate-construct")).toBe(
      'Wrote imported.ts: 2 constructs to import.\nCall importedOsLogin(this) in the stack, then "oslogin plan" shows them as "will be imported".\n',
    );
    expect(readFileSync(path.join(app, "imported.ts"), "utf8")).toContain('import { OrganizationmanagerOsLoginProfile } from "oslogin-kit";');

    // The edit is planned at once: plan runs main.ts itself, nothing to build first.
    const main = path.join(app, "main.ts");
    writeFileSync(
      main,
      readFileSync(main, "utf8")
        .replace('import type { Construct } from "constructs";\n', 'import type { Construct } from "constructs";\nimport { importedOsLogin } from "./imported.js";\n')
        .replace(
          "    web.grantLogin(alice);\n",
          '    web.grantLogin(alice);\n    importedOsLogin(this);\n    new OsLoginInstance(this, "db-1", { name: "db-1", subnetId: SUBNET_ID, imageId: IMAGE_ID, labels: { role: "db" } });\n',
        ),
    );
    const edited = ok(oslogin("plan"), "oslogin plan after the edit");
    expect(edited).toMatch(/# yandex_compute_instance\.db-1_vm_[0-9A-F]{8} will be created/);
    expect(edited).toContain("# yandex_organizationmanager_os_login_profile.profile-alice will be imported (up to date)");
    expect(edited).toContain("Plan: 2 to import, 1 to add, 0 to change, 0 to destroy.");

    // The programmatic API: the embedded cloud the CLI just used, through a CloudClient.
    writeFileSync(
      path.join(app, "list.mjs"),
      'import { openEmbeddedCloud } from "oslogin-kit/cloud";\nconst cloud = openEmbeddedCloud({ dataDir: ".oslogin" });\nconst { items } = await cloud.client.listInstances({ folderId: "b1gquickstartfolder1" });\nconsole.log(items.map((i) => i.name).join(","));\nawait cloud.close();\n',
    );
    expect(ok(run(app, process.execPath, ["list.mjs"]), "the programmatic API").trim()).toBe("web-1");
  }, 1_800_000);
});

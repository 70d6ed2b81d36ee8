// `oslogin init [DIR]`: a new app that plans and applies against the embedded cloud right away:
// package.json, tsconfig.json, cdktf.json, main.ts with the L2 constructs, seed.yaml, .gitignore,
// and the embedded cloud seeded from seed.yaml. Files that exist are kept (package.json and
// .gitignore only gain what is missing).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_DATA_DIR } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { packageRoot } from "../../util/package-root.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { cdktfJson, GITIGNORE_LINES, MAIN_TS, SEED_FILE, TSCONFIG } from "../init/templates.js";

const help = `oslogin init: start a new app (OS Login access as code) in DIR (default: .)

Usage: oslogin init [DIR] [--no-seed] [--json]

Writes, unless they exist:
  package.json    "type": "module", depending on oslogin-kit, cdktf and constructs
                  (an existing one is kept and only gains what is missing)
  tsconfig.json   strict TypeScript, checked by every synth
  cdktf.json      app: npx tsx main.ts
  main.ts         an organization with OS Login, a member with an SSH key, an Ansible
                  service account with sudo on the folder, a VM the member may log in to
  seed.yaml       the organization, members, cloud and folder main.ts refers to
  .gitignore      .oslogin/ (cloud, state, keys), cdktf.out/, *.tfstate*, key files
then seeds the embedded cloud (DIR/${DEFAULT_DATA_DIR}) from seed.yaml.

Flags:
  --no-seed   do not seed the embedded cloud
  --json      print {dir, written, kept, seeded} in the JSON envelope (docs/cli.md)

Exit codes: 0 success, 1 error, 2 usage error.

Example:
  oslogin init && oslogin plan`;

/** oslogin-kit's own directory and package.json: the seed file it ships, its version and peers. */
function ownPackage(): { root: string; version: string; peerDependencies: Record<string, string> } {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string; peerDependencies?: Record<string, string> };
  return { root, version: pkg.version, peerDependencies: pkg.peerDependencies ?? {} };
}

interface Result {
  written: string[];
  kept: string[];
}

function writeNew(dir: string, name: string, content: string, r: Result): void {
  const file = path.join(dir, name);
  if (existsSync(file)) r.kept.push(name);
  else {
    writeFileSync(file, content);
    r.written.push(name);
  }
}

/** A new package.json, or the existing one with what the app needs added (never replaced). */
function packageJson(dir: string, r: Result): void {
  const file = path.join(dir, "package.json");
  const own = ownPackage();
  const exists = existsSync(file);
  const pkg = exists ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : { name: path.basename(dir).toLowerCase().replace(/[^a-z0-9-]/g, "-") || "oslogin-app", private: true };
  // main.ts is an ES module importing oslogin-kit (ESM only).
  pkg.type = "module";
  const deps = { ...(pkg.dependencies as Record<string, string> | undefined) };
  const wanted: Record<string, string> = { "oslogin-kit": `^${own.version}`, ...own.peerDependencies };
  for (const [name, range] of Object.entries(wanted)) deps[name] ??= range;
  pkg.dependencies = deps;
  pkg.scripts = { synth: "oslogin synth", plan: "oslogin plan", apply: "oslogin apply", ...(pkg.scripts as object | undefined) };
  // npm 11 runs only approved install scripts: better-sqlite3 builds the embedded cloud's SQLite.
  pkg.allowScripts = { "better-sqlite3": true, esbuild: true, protobufjs: true, ...(pkg.allowScripts as object | undefined) };
  writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  (exists ? r.kept : r.written).push("package.json");
}

function gitignore(dir: string, r: Result): void {
  const file = path.join(dir, ".gitignore");
  const have = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = new Set(have.split("\n").map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !lines.has(l));
  if (missing.length === 0) return void r.kept.push(".gitignore");
  writeFileSync(file, have + (have && !have.endsWith("\n") ? "\n" : "") + missing.join("\n") + "\n");
  (have ? r.kept : r.written).push(".gitignore");
}

const command: Command = {
  name: "init",
  summary: "Start a new app: main.ts with the constructs, seed.yaml, cdktf.json, seeded cloud",
  help,
  async run(argv) {
    const args = parseArgs(argv, { "no-seed": {}, json: {} });
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[1])}`);
    const dir = path.resolve(args.positionals[0] ?? ".");
    mkdirSync(dir, { recursive: true });
    const r: Result = { written: [], kept: [] };
    packageJson(dir, r);
    writeNew(dir, "tsconfig.json", JSON.stringify(TSCONFIG, null, 2) + "\n", r);
    writeNew(dir, "cdktf.json", JSON.stringify(cdktfJson(path.basename(dir)), null, 2) + "\n", r);
    writeNew(dir, "main.ts", MAIN_TS, r);
    if (existsSync(path.join(dir, SEED_FILE))) r.kept.push(SEED_FILE);
    else {
      copyFileSync(path.join(ownPackage().root, "examples/quickstart/seed.yaml"), path.join(dir, SEED_FILE));
      r.written.push(SEED_FILE);
    }
    gitignore(dir, r);

    let seeded: Record<string, number> | undefined;
    if (!bool(args, "no-seed")) {
      const { openEmbeddedCloud } = await import("../../cloud/index.js");
      const cloud = openEmbeddedCloud({ dataDir: path.join(dir, DEFAULT_DATA_DIR) });
      try {
        seeded = { ...cloud.seed(readFileSync(path.join(dir, SEED_FILE), "utf8")) };
      } catch (e) {
        throw new CliError(`${SEED_FILE} was not applied: ${(e as Error).message}`);
      } finally {
        await cloud.close();
      }
    }
    if (bool(args, "json")) {
      printJsonResult("init", { dir, ...r, ...(seeded ? { seeded } : {}) });
      return EXIT.OK;
    }
    const rel = path.relative(".", dir);
    console.log(`Wrote ${r.written.join(", ") || "nothing"}${r.kept.length ? ` (kept ${r.kept.join(", ")})` : ""} in ${rel || "."}.`);
    if (seeded) console.log(`Seeded the embedded cloud (${path.join(rel, DEFAULT_DATA_DIR)}) from ${SEED_FILE}.`);
    console.log(`
Next:
  ${rel ? `cd ${rel} && ` : ""}npm install        (once, if oslogin-kit is not installed there yet)
  npx oslogin plan                 what main.ts would change, and who gains access
  npx oslogin apply                make it so
  npx oslogin ansible-key          the Ansible account's key file and oslogin-inventory.yml
  npx oslogin inventory --list     the Ansible inventory of your OS Login VMs`);
    return EXIT.OK;
  },
};

export default command;

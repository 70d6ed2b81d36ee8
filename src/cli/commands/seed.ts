// `oslogin seed FILE`: put organizations, members, groups, clouds and folders into the cloud.
// Members come from a directory, not from Terraform, so the emulator takes them from a YAML file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_DATA_DIR } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { parse as parseYaml } from "yaml";
import { isCloudError } from "../../contract/errors.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";

const help = `oslogin seed: seed the embedded cloud (or a running "oslogin serve") from a YAML file

Usage: oslogin seed FILE [--data-dir D] [--rest URL] [--json]

FILE lists organizations with their members, groups, clouds and folders, with fixed ids
so a CDKTF app can refer to them (the format of the seed.yaml that "oslogin init" writes).
Seeding the same file again changes nothing; an invalid file changes nothing either.

Flags:
  --data-dir D   the embedded cloud (D/cloud.db, created if missing; default: ${DEFAULT_DATA_DIR})
  --rest URL     seed a running "oslogin serve" through its REST endpoint instead
                 (e.g. http://127.0.0.1:18080; the admin token is read from --data-dir)
  --json         print {seeded: counts} in the JSON envelope (docs/cli.md)

Exit codes: 0 success, 1 the file or the cloud refused it, 2 usage error.

Example:
  oslogin seed seed.yaml`;

type Counts = Record<string, number>;

async function seedOverRest(url: string, dataDir: string, yaml: string): Promise<Counts> {
  const { adminTokenPath } = await import("../../cloud/admin-token.js");
  const token = readFileSync(adminTokenPath(dataDir), "utf8").trim();
  const res = await fetch(new URL("/emulator/v1/seed", url), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/yaml" },
    body: yaml,
  });
  const body = (await res.json()) as Counts & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

const command: Command = {
  name: "seed",
  summary: "Seed organizations, members, clouds and folders from a YAML file",
  help,
  async run(argv) {
    const args = parseArgs(argv, { "data-dir": { value: true }, rest: { value: true }, json: {} });
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? `unexpected argument ${JSON.stringify(args.positionals[1])}` : "expected the seed FILE");
    const file = args.positionals[0];
    let yaml: string;
    try {
      yaml = readFileSync(file, "utf8");
    } catch (e) {
      throw new CliError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    try {
      // Before anything is opened: a file that is not even YAML must not leave an empty cloud behind.
      parseYaml(yaml);
    } catch (e) {
      throw new CliError(`${file} was not applied: it is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    const dataDir = path.resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR);
    const rest = str(args, "rest");
    let counts: Counts;
    try {
      if (rest) counts = await seedOverRest(rest, dataDir, yaml);
      else {
        const { openEmbeddedCloud } = await import("../../cloud/index.js");
        const cloud = openEmbeddedCloud({ dataDir });
        try {
          counts = { ...cloud.seed(yaml) };
        } finally {
          await cloud.close();
        }
      }
    } catch (e) {
      throw new CliError(`${file} was not applied: ${isCloudError(e) || e instanceof Error ? e.message : String(e)}`);
    }
    if (bool(args, "json")) printJsonResult("seed", { seeded: counts });
    else console.log(`Seeded ${rest ?? path.relative(".", dataDir) ?? "."} from ${file}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}.`);
    return EXIT.OK;
  },
};

export default command;

// What commands check before they do any work, written once so every command answers a missing or
// wrong --stack, data directory, cdktf.json or unreachable cloud with the same one line that says
// what to do (docs/cli.md, "What every command checks first"). Each check throws a CliError.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CloudClient } from "../contract/cloud-client.js";
import { isCloudError, unreachableCause } from "../contract/errors.js";
import { listStacks, readStackDocument } from "../engine/config/load.js";
import { UsageError } from "./args.js";
import { CliError } from "./errors.js";

const shown = (dir: string) => path.relative(".", dir) || ".";

/** Stacks with state in the data directory (a directory under stacks/ holding a state file). */
function stacksWithState(dataDir: string): string[] {
  try {
    return readdirSync(path.join(dataDir, "stacks"))
      .filter((n) => existsSync(path.join(dataDir, "stacks", n, "terraform.tfstate")))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The stack a command works on. Commands that plan (`synth`ed configuration needed) pick among the
 * stacks of cdktf.out; state-only commands (state, output, access, force-unlock) also accept a stack
 * that only has state. A name that is neither is an error before anything is created.
 */
export function resolveStack(o: { outDir: string; dataDir: string; stack?: string; stateOnly?: boolean }): string {
  const listed = listStacks(o.outDir);
  const synthesized = listed.stacks.map((s) => s.name);
  const known = o.stateOnly ? [...new Set([...synthesized, ...stacksWithState(o.dataDir)])].sort() : synthesized;
  if (!o.stateOnly && synthesized.length === 0) {
    // A stale (failed synth) or malformed cdktf.out says so; a missing one says what to run.
    const why = listed.diagnostics.find((d) => d.summary !== "No synthesized app");
    throw new CliError(why ? `${why.summary}: ${why.detail}` : `no synthesized app in ${shown(o.outDir)}: run "oslogin synth" first, or pass --out-dir`);
  }
  if (o.stack !== undefined) {
    if (known.includes(o.stack)) return o.stack;
    throw new CliError(
      known.length
        ? `no stack ${JSON.stringify(o.stack)}: the stacks are ${known.join(", ")}; pass one of them with --stack`
        : `no stack ${JSON.stringify(o.stack)}: there is no state in ${shown(o.dataDir)} and no synthesized app in ${shown(o.outDir)}`,
    );
  }
  if (known.length === 1) return known[0];
  if (known.length === 0) throw new CliError(`no state in ${shown(o.dataDir)}: run "oslogin apply" first, or pass --data-dir`);
  throw new CliError(`there are ${known.length} stacks (${known.join(", ")}): pass one with --stack`);
}

/** A command that only reads the data directory must not create it. */
export function requireDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) {
    throw new CliError(`no data directory ${shown(dataDir)}: run "oslogin seed FILE" or "oslogin apply" first, or pass --data-dir`);
  }
}

/** The app command of ./cdktf.json, or what to do when there is none. */
export function cdktfApp(dir = "."): string {
  const file = path.resolve(dir, "cdktf.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError(`no cdktf.json in ${path.resolve(dir)}: run "oslogin init" to scaffold an app, or run from the app's directory (or pass --app CMD)`);
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const app = typeof j === "object" && j !== null ? (j as { app?: unknown }).app : undefined;
  if (typeof app !== "string" || !app.trim()) throw new CliError(`${file} has no "app": add the command that runs your CDKTF app, e.g. "app": "npx tsx main.ts"`);
  return app;
}

/** What a failed first call to the cloud means, in one line (an unreachable endpoint above all). */
export function cloudFailure(e: unknown, endpoint: string | undefined, dataDir?: string): CliError | undefined {
  if (!isCloudError(e)) return undefined;
  if (endpoint && (e.code === "UNAVAILABLE" || e.code === "DEADLINE_EXCEEDED")) {
    const { absent, cause } = unreachableCause(e);
    // Nothing listens, or nothing answers in time: the server is not running there.
    if (absent) return new CliError(`cannot reach oslogin serve at ${endpoint} (${cause}): start "oslogin serve" or drop --endpoint`);
    // The transport said what is wrong and what to do (another service on the port, a proxy, DNS).
    return new CliError(cause.startsWith(endpoint) ? `cannot reach oslogin serve: ${cause}` : `cannot reach oslogin serve at ${endpoint}: ${cause}`);
  }
  if (endpoint && dataDir && e.code === "UNAUTHENTICATED") {
    // With --endpoint the token is read from the data directory: another directory's is refused.
    return new CliError(`UNAUTHENTICATED: ${firstLine(e.message)}: ${path.join(dataDir, "admin-token")} is not the admin token of the oslogin serve at ${endpoint}: pass the --data-dir that server uses`);
  }
  return new CliError(`${e.code}: ${firstLine(e.message)}`);
}

/** --endpoint H:P: a host (a name, an IPv4 address or a bracketed IPv6 one) and a port from 1 to 65535. */
export function checkEndpoint(endpoint: string): void {
  const m = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})$/.exec(endpoint);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new UsageError(`--endpoint must be HOST:PORT with a port from 1 to 65535 (e.g. localhost:18443), got ${JSON.stringify(endpoint)}`);
}

const firstLine = (s: string) => s.split("\n")[0];

/** The organization a stack names is not in the cloud (or there is no cloud yet). */
export function notSeeded(organizationId: string, where: { dataDir: string; endpoint?: string }): CliError {
  const at = where.endpoint ? `the cloud at ${where.endpoint}` : `the cloud at ${shown(where.dataDir)}`;
  return new CliError(`organization ${organizationId} is not in ${at}: seed it with "oslogin seed FILE" (a YAML file of organizations, members, clouds and folders)`);
}

/**
 * One call before the engine runs: the organizations the stack's providers name must exist. An
 * unreachable endpoint or an unseeded cloud is then one line, instead of a retry per resource and
 * an error per resource with the same cause.
 */
export async function requireOrganizations(cloud: CloudClient, organizationIds: Iterable<string>, where: { dataDir: string; endpoint?: string }): Promise<void> {
  const ids = [...new Set(organizationIds)];
  if (ids.length === 0 && where.endpoint) {
    // Nothing to look up: still ask once, so an unreachable endpoint fails here and not per resource.
    try {
      await cloud.listOrganizations({ pageSize: 1 });
    } catch (e) {
      throw cloudFailure(e, where.endpoint, where.dataDir) ?? e;
    }
  }
  for (const id of ids) {
    try {
      await cloud.getOrganization(id);
    } catch (e) {
      if (isCloudError(e) && e.code === "NOT_FOUND") throw notSeeded(id, where);
      throw cloudFailure(e, where.endpoint, where.dataDir) ?? e;
    }
  }
}

/** The literal organization ids the stack's yandex providers name (expressions are left to the engine). */
export function stackOrganizations(outDir: string, stack: string): string[] {
  const file = listStacks(outDir).stacks.find((s) => s.name === stack)?.file;
  if (!file) return [];
  try {
    const read = readStackDocument(file);
    if (read.error) return [];
    const j = read.doc as { provider?: { yandex?: unknown } };
    const blocks = Array.isArray(j.provider?.yandex) ? j.provider.yandex : j.provider?.yandex ? [j.provider.yandex] : [];
    return blocks
      .map((b) => (typeof b === "object" && b !== null ? (b as { organization_id?: unknown }).organization_id : undefined))
      .filter((v): v is string => typeof v === "string" && !v.includes("${"));
  } catch {
    return []; // the engine reports a malformed stack with its own diagnostics
  }
}

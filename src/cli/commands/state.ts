// `oslogin state list|show|rm|mv|pull|push|migrate`: inspect and edit the stack's state (Terraform v4 JSON).
// What each subcommand prints is in src/cli/views/state.ts.
import { bool, parseArgs, str, UsageError, type ParsedArgs } from "../args.js";
import { migrateStack } from "../../engine/state/migrate.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, openSession, parseDuration, readStackState, sessionBase, stateBackendOf } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";
import { CliError, diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { listAddresses, stateListView, stateMvView, stateRmView, stateShowView } from "../views/state.js";
import { errorAt, hasErrors, type EngineDiagnostic } from "../../engine/diagnostics.js";
import { instanceAddressOf, parseInstanceAddress, stateFromJson, stateToJson, type State } from "../../engine/state/state.js";
import { readTextFile } from "../../util/read-text.js";

const help = `oslogin state: inspect or edit the stack's state

Usage: oslogin state list [ADDR...] [--json] [common flags]
       oslogin state show ADDR [--json] [common flags]
       oslogin state rm ADDR... [--json] [common flags]
       oslogin state mv SOURCE DEST [--json] [common flags]
       oslogin state pull [common flags]
       oslogin state push FILE [common flags]
       oslogin state migrate [--force] [common flags]

State lives where the stack's backend says: cdktf's local backend file
terraform.<stack>.tfstate (the one cdktf deploy uses), or, for a stack without a backend
block, <data-dir>/stacks/<stack>/terraform.tfstate. It is Terraform's v4 format (so
"terraform show" can read it), with the previous version in <state file>.backup.
list shows every address, or those matching ADDR (a resource matches all its instances);
rm forgets objects without deleting them in the cloud; mv renames an address (for
example after renaming a construct), without touching the cloud. Sensitive attributes
are shown as (sensitive value).
pull prints the whole state (v4 JSON, secrets included: redirect it to a 0600 file);
push replaces the stack's state with FILE under the lock, as terraform state push does:
refused when FILE's lineage differs from the stored state's, or its serial is lower.
migrate, after the stack's terraform.backend changed (say from cdktf's LocalBackend to
PgBackend), copies every workspace's state from the backend the stack used before (recorded
in <data-dir>/stacks/<stack>/backend.json at each plan and apply) to the one cdk.tf.json
names now, lineage and serial kept, as terraform init -migrate-state does. A workspace
that already holds a different state in the new backend is refused unless --force.

With --json: list gives {stack, state_file, serial, lineage, addresses}, show
{address, type, attributes, dependencies}, rm {removed}, mv {moved: [{from, to}]}.

${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin state list
  oslogin state mv yandex_iam_service_account.old yandex_iam_service_account.ansible`;

const ARITY: Record<string, [number, number, string]> = {
  list: [0, Infinity, ""],
  show: [1, 1, "state show takes one address"],
  rm: [1, Infinity, "state rm takes one or more addresses"],
  mv: [2, 2, "state mv takes SOURCE and DEST"],
  pull: [0, 0, "state pull takes no argument"],
  push: [1, 1, "state push takes one state file"],
  migrate: [0, 0, "state migrate takes no argument"],
};

/** The edit of `push`: `incoming` replaces the state when it is the same lineage and not older. */
function replaceWith(state: State, incoming: State, file: string): EngineDiagnostic[] {
  const empty = state.instances.size === 0 && state.serial === 0;
  if (!empty && incoming.lineage !== state.lineage) {
    return [errorAt(undefined, "Cannot push the state", `${file} has lineage ${incoming.lineage}, the stored state ${state.lineage}: it is another stack's state`)];
  }
  if (!empty && incoming.serial < state.serial) {
    return [errorAt(undefined, "Cannot push the state", `${file} has serial ${incoming.serial}, older than the stored state's ${state.serial}`)];
  }
  // The write adds one to the serial: the pushed state is one newer than what it replaced.
  Object.assign(state, incoming, { serial: Math.max(incoming.serial, state.serial) });
  return [];
}

/** The edit of `rm`: every instance of each address; an address with nothing in state is an error. */
function remove(state: State, addrs: readonly string[], removed: string[]): EngineDiagnostic[] {
  const d: EngineDiagnostic[] = [];
  for (const a of addrs) {
    const matches = [...state.instances.keys()].filter((k) => k === a || k.startsWith(`${a}[`));
    if (matches.length === 0) d.push(errorAt(a, "No such object in state", 'see "oslogin state list"'));
    for (const m of matches) {
      state.instances.delete(m);
      removed.push(m);
    }
  }
  return d;
}

/** The edit of `mv`: one instance, or every instance of a resource when SOURCE has no index. */
function move(state: State, src: string, dst: string, moved: [string, string][]): EngineDiagnostic[] {
  const from = parseInstanceAddress(src);
  const to = parseInstanceAddress(dst);
  if (!from || !to) return [errorAt(!from ? src : dst, "Invalid address", "expected TYPE.NAME or TYPE.NAME[KEY]")];
  if (from.type !== to.type || from.mode !== to.mode) return [errorAt(dst, "Cannot move to another type", `${src} is a ${from.type}`)];
  const moves = [...state.instances.entries()].filter(([k]) => k === src || (from.indexKey === undefined && k.startsWith(`${src}[`)));
  if (moves.length === 0) return [errorAt(src, "No such object in state", 'see "oslogin state list"')];
  for (const [k, inst] of moves) {
    const key = from.indexKey === undefined && k !== src ? inst.indexKey : to.indexKey;
    const next = { ...inst, name: to.name, indexKey: key, each: key === undefined ? undefined : typeof key === "number" ? ("list" as const) : ("map" as const) };
    const addr = instanceAddressOf(next);
    if (state.instances.has(addr)) return [errorAt(addr, "Destination exists", `${addr} is already in state`)];
    state.instances.delete(k);
    state.instances.set(addr, next);
    moved.push([k, addr]);
  }
  return [];
}

/** state migrate: no cloud involved, only the two backends. */
async function migrate(args: ParsedArgs): Promise<number> {
  const base = sessionBase(args, "config");
  const st = base.style;
  const r = await migrateStack({
    outDir: base.outDir,
    dataDir: base.dataDir,
    stack: base.stack,
    force: bool(args, "force"),
    lockTimeoutMs: parseDuration("lock-timeout", str(args, "lock-timeout")),
    onWait: (holder) => process.stderr.write(`${st.yellow(`Waiting for the state lock: ${holder}`)}\n`),
  });
  if (base.json) {
    if (r.error) throw new CliError(r.error);
    printJsonResult("state migrate", { stack: base.stack, workspaces: r.lines });
    return EXIT.OK;
  }
  for (const line of r.lines) process.stdout.write(`${line}\n`);
  if (r.error) throw new CliError(r.error);
  return EXIT.OK;
}

const command: Command = {
  name: "state",
  summary: "List, show, remove, rename, pull, push or migrate the stack's state",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, force: {} });
    const [sub, ...rest] = args.positionals;
    if (!sub || !(sub in ARITY)) throw new UsageError("expected a subcommand: list, show, rm, mv, pull, push or migrate");
    if (bool(args, "force") && sub !== "migrate") throw new UsageError("--force is a flag of state migrate only");
    const [min, max, rule] = ARITY[sub];
    if (rest.length < min || rest.length > max) throw new UsageError(rule);
    const label = `state ${sub}`;

    if (sub === "list" || sub === "show" || sub === "pull") {
      const base = sessionBase(args, "state");
      const state = await readStackState(base);
      if (sub === "pull") {
        process.stdout.write(stateToJson(state));
        return EXIT.OK;
      }
      if (sub === "list") {
        const addrs = listAddresses(state, rest);
        if (base.json) printJsonResult(label, stateListView.json(base.stack, (await stateBackendOf(base)).location, state, addrs));
        else process.stdout.write(stateListView.text(addrs));
        return EXIT.OK;
      }
      const inst = state.instances.get(rest[0]);
      if (!inst) throw new CliError(`no ${rest[0]} in the state of stack ${base.stack}: see "oslogin state list"`);
      if (base.json) printJsonResult(label, stateShowView.json(rest[0], inst));
      else process.stdout.write(stateShowView.text(rest[0], inst));
      return EXIT.OK;
    }

    if (sub === "migrate") return migrate(args);

    const s = await openSession(args, undefined, "state");
    try {
      const removed: string[] = [];
      const moved: [string, string][] = [];
      if (sub === "push") {
        const incoming = stateFromJson(readTextFile(rest[0]));
        if (typeof incoming === "string") throw new CliError(`${rest[0]}: ${incoming}`);
        const r = await s.engine.editState(s.stack, (state) => replaceWith(state, incoming, rest[0]), s.outDir);
        if (hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
        process.stdout.write(`Pushed ${rest[0]} to the state of stack ${s.stack}.\n`);
        return EXIT.OK;
      }
      const r = await s.engine.editState(s.stack, (state) => (sub === "rm" ? remove(state, rest, removed) : move(state, rest[0], rest[1], moved)), s.outDir);
      if (hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
      if (s.json) printJsonResult(label, sub === "rm" ? stateRmView.json(removed) : stateMvView.json(moved));
      else process.stdout.write(sub === "rm" ? stateRmView.text(removed) : stateMvView.text(moved));
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

// `oslogin taint ADDR` / `oslogin untaint ADDR`: mark an object in state as tainted (the next plan
// replaces it: "is tainted, so must be replaced") or clear the mark. Only the state changes, under
// the lock, with terraform's messages and its -allow-missing.
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, openSession, readStackState, sessionBase } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics } from "../engine-output.js";
import { diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { errorAt, hasErrors, warningAt, type EngineDiagnostic } from "../../engine/diagnostics.js";
import { instanceAddress, parseInstanceAddress, type State } from "../../engine/state/state.js";

type Kind = "taint" | "untaint";

/** One help text: the command's own paragraph, then what taint and untaint share. */
const helpOf = (kind: Kind, title: string, about: string) => `oslogin ${kind}: ${title}

Usage: oslogin ${kind} [-allow-missing] ADDR [common flags]

${about}

Flags:
  -allow-missing       succeed (with a warning) when ADDR is not in state
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin ${kind} yandex_iam_service_account_key.ansible_authorized-key_66CDAB62`;

const HELP: Record<Kind, string> = {
  taint: helpOf(
    "taint",
    "mark an object in state as tainted, so the next plan replaces it",
    `The object at ADDR (TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]: one instance of a managed
resource, as "oslogin state list" prints it) is marked tainted in the stack's state. The cloud is
not touched; the next plan shows "ADDR is tainted, so must be replaced" and apply deletes and
creates it (create first with lifecycle create_before_destroy). "oslogin untaint ADDR" clears
the mark. To replace an object once without marking it, use "oslogin plan -replace=ADDR".`,
  ),
  untaint: helpOf(
    "untaint",
    "clear the tainted mark of an object in state",
    `Undoes "oslogin taint ADDR": the next plan treats the object like any other again. Only the
state changes. An object that is not tainted is an error.`,
  ),
};

const missingAllowed = (address: string) => warningAt(undefined, "No such resource instance", `Resource instance ${address} was not found, but this is not an error because -allow-missing was set.`);

/** The state edit: terraform's checks and messages; `done` says whether the mark changed. */
function mark(kind: Kind, state: State, address: string, allowMissing: boolean, done: { changed: boolean }): EngineDiagnostic[] {
  const parsed = parseInstanceAddress(address);
  if (!parsed) return [errorAt(undefined, `Invalid address "${address}"`, 'expected TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]')];
  const canonical = instanceAddress(parsed.resource, parsed.indexKey);
  if (parsed.mode === "data") return [errorAt(canonical, `Cannot ${kind} a data source`, `${canonical} is read, not managed: only managed resource instances can be ${kind}ed`)];
  const inst = state.instances.get(canonical);
  if (!inst) {
    if (allowMissing) return [missingAllowed(canonical)];
    return [
      errorAt(
        undefined,
        "No such resource instance",
        kind === "taint"
          ? `There is no resource instance in the state with the address ${canonical}. If the resource configuration has just been added, you must run "oslogin apply" once to create the corresponding instance(s) before they can be tainted.`
          : `There is no resource instance in the state with the address ${canonical}.`,
      ),
    ];
  }
  if (kind === "untaint") {
    if (inst.status !== "tainted") return [errorAt(undefined, "Resource instance is not tainted", `Resource instance ${canonical} is not currently tainted, and so it cannot be untainted.`)];
    delete inst.status;
  } else inst.status = "tainted";
  done.changed = true;
  return [];
}

function taintCommand(kind: Kind): Command {
  return {
    name: kind,
    summary: kind === "taint" ? "Mark an object in state for replacement by the next apply" : "Clear the tainted mark of an object in state",
    help: HELP[kind],
    async run(argv) {
      const args = parseArgs(argv, { ...COMMON_FLAGS, "allow-missing": {} });
      if (args.positionals.length !== 1) throw new UsageError(`${kind} takes exactly one address`);
      const address = args.positionals[0];
      const parsed = parseInstanceAddress(address);
      if (parsed && bool(args, "allow-missing")) {
        // Nothing to mark: say so without writing the state (a new serial would make saved plans stale).
        const base = sessionBase(args, "state");
        const shown = instanceAddress(parsed.resource, parsed.indexKey);
        if (!(await readStackState(base)).instances.has(shown)) {
          if (base.json) printJsonResult(kind, { address: shown, changed: false, diagnostics: [missingAllowed(shown)] });
          else printDiagnostics([missingAllowed(shown)], base.style);
          return EXIT.OK;
        }
      }
      const s = await openSession(args, undefined, "state");
      try {
        const done = { changed: false };
        const r = await s.engine.editState(s.stack, (state) => mark(kind, state, address, bool(args, "allow-missing"), done), s.outDir);
        if (hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
        const canonical = parseInstanceAddress(address)!;
        const shown = instanceAddress(canonical.resource, canonical.indexKey);
        if (s.json) printJsonResult(kind, { address: shown, changed: done.changed, diagnostics: r.diagnostics });
        else {
          printDiagnostics(r.diagnostics, s.style);
          if (done.changed) console.log(kind === "taint" ? `Resource instance ${shown} has been marked as tainted.` : `Resource instance ${shown} has been successfully untainted.`);
        }
        return EXIT.OK;
      } finally {
        await s.close();
      }
    },
  };
}

export const taint = taintCommand("taint");
export const untaint = taintCommand("untaint");

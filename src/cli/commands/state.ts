// `oslogin state list|show|rm|mv`: inspect and edit the stack's state (Terraform v4 JSON).
import { parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, openSession, stackName } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics } from "../engine-output.js";
import { errorAt, hasErrors, type EngineDiagnostic } from "../../engine/diagnostics.js";
import { redactResource } from "../../engine/redact.js";
import { instanceAddressOf, parseInstanceAddress } from "../../engine/state/state.js";
import { statePaths } from "../../engine/state/store.js";
import { findDefinition } from "../../resources/registry.js";
import { renderChange } from "../render/plan.js";

const help = `oslogin state: inspect or edit the stack's state

Usage: oslogin state list [--json] [common flags]
       oslogin state show ADDR [--json] [common flags]
       oslogin state rm ADDR... [common flags]
       oslogin state mv SOURCE DEST [common flags]

State lives in <data-dir>/stacks/<stack>/terraform.tfstate (Terraform's v4 format, so
"terraform show" can read it), with the previous version in terraform.tfstate.backup.
rm forgets objects without deleting them in the cloud; mv renames an address (for
example after renaming a construct), without touching the cloud. Sensitive attributes
are shown as (sensitive value).

${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin state list
  oslogin state mv yandex_iam_service_account.old yandex_iam_service_account.ansible`;

const command: Command = {
  name: "state",
  summary: "List, show, remove or rename objects in state",
  help,
  async run(argv) {
    const args = parseArgs(argv, COMMON_FLAGS);
    const [sub, ...rest] = args.positionals;
    if (!sub || !["list", "show", "rm", "mv"].includes(sub)) throw new UsageError("expected a subcommand: list, show, rm or mv");
    const s = await openSession(args);
    try {
      const stack = await stackName(s);
      if (!stack) {
        printDiagnostics([errorAt(undefined, "Which stack?", "pass --stack NAME")], s.style);
        return EXIT.ERROR;
      }
      if (sub === "list" || sub === "show") {
        const { state, diagnostics } = s.engine.currentState(stack);
        if (!state) {
          printDiagnostics(diagnostics, s.style);
          return EXIT.ERROR;
        }
        if (sub === "list") {
          const addrs = [...state.instances.keys()].sort();
          if (s.json) console.log(JSON.stringify({ stack, state_file: statePaths(s.dataDir, stack).state, serial: state.serial, lineage: state.lineage, addresses: addrs }));
          else for (const a of addrs) console.log(a);
          return EXIT.OK;
        }
        if (rest.length !== 1) throw new UsageError("state show takes one address");
        const inst = state.instances.get(rest[0]);
        if (!inst) {
          printDiagnostics([errorAt(rest[0], "No such object in state", 'see "oslogin state list"')], s.style);
          return EXIT.ERROR;
        }
        const attrs = redactResource(findDefinition(inst.type, inst.mode === "data" ? "data" : "resource"), inst.attributes)!;
        if (s.json) console.log(JSON.stringify({ address: rest[0], type: inst.type, attributes: attrs, dependencies: inst.dependencies }));
        else
          console.log(
            renderChange(
              { address: rest[0], resource: "", mode: inst.mode, type: inst.type, name: inst.name, providerKey: "", provider: inst.provider, action: "create", reason: "", createBeforeDestroy: false, before: null, after: inst.attributes, changedPaths: [], requiresReplace: [], dependencies: [], schemaVersion: inst.schemaVersion },
              s.style,
            )
              .split("\n")
              .slice(1)
              .join("\n")
              .replace(/\+ /g, "  ")
              .replace(/^\s*\+?\s*resource/, "resource"),
          );
        return EXIT.OK;
      }
      const r = await s.engine.editState(stack, (state) => {
        const d: EngineDiagnostic[] = [];
        if (sub === "rm") {
          if (rest.length === 0) throw new UsageError("state rm takes one or more addresses");
          for (const a of rest) {
            const matches = [...state.instances.keys()].filter((k) => k === a || k.startsWith(`${a}[`));
            if (matches.length === 0) d.push(errorAt(a, "No such object in state", 'see "oslogin state list"'));
            for (const m of matches) state.instances.delete(m);
          }
          return d;
        }
        if (rest.length !== 2) throw new UsageError("state mv takes SOURCE and DEST");
        const [src, dst] = rest;
        const from = parseInstanceAddress(src);
        const to = parseInstanceAddress(dst);
        if (!from || !to) return [errorAt(src, "Invalid address", "expected TYPE.NAME[...]")];
        if (from.type !== to.type || from.mode !== to.mode) return [errorAt(dst, "Cannot move to another type", `${src} is a ${from.type}`)];
        const moves = [...state.instances.entries()].filter(([k]) => k === src || (from.indexKey === undefined && k.startsWith(`${src}[`)));
        if (moves.length === 0) return [errorAt(src, "No such object in state", 'see "oslogin state list"')];
        for (const [k, inst] of moves) {
          const key = from.indexKey === undefined && k !== src ? inst.indexKey : to.indexKey;
          const moved = { ...inst, name: to.name, indexKey: key, each: key === undefined ? undefined : typeof key === "number" ? ("list" as const) : ("map" as const) };
          const addr = instanceAddressOf(moved);
          if (state.instances.has(addr)) return [errorAt(addr, "Destination exists", `${addr} is already in state`)];
          state.instances.delete(k);
          state.instances.set(addr, moved);
        }
        return d;
      });
      printDiagnostics(r.diagnostics, s.style);
      if (hasErrors(r.diagnostics)) return EXIT.ERROR;
      if (!s.json) console.log(sub === "rm" ? `Removed ${rest.join(", ")} from state (the cloud objects are untouched).` : `Moved ${rest[0]} to ${rest[1]}.`);
      else console.log(JSON.stringify({ ok: true }));
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

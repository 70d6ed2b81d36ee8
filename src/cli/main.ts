#!/usr/bin/env node
// `oslogin`: the command-line entry point. Dispatches to src/cli/commands/*.
import { commands } from "./commands/index.js";
import { UsageError } from "./args.js";
import { CliError } from "./errors.js";
import { printDiagnostics } from "./engine-output.js";
import { makeStyle } from "./render/style.js";
import { jsonFailure } from "./views/json.js";
import { diagnosticEvent, printEvent } from "./views/ui-events.js";
import { errorAt } from "../engine/diagnostics.js";
import { tuneV8ForOneShot } from "./v8-tuning.js";
import { watchOutputStreams } from "./interrupts.js";

const HELP = `oslogin: OS Login access as code, with an embedded Yandex Cloud emulator

Usage: oslogin <command> [flags]       oslogin <command> --help

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join("\n")}

Exit codes: 0 success, 1 error, 2 usage error (see each command's --help for more).`;

/** A failure the user can act on, printed the one way every command prints it (docs/cli.md). */
function report(label: string, json: boolean, exitCode: number, message: string, diagnostics: CliError["diagnostics"] = [], events = false): number {
  // Both formats asked for (a usage error): stdout could be parsed as neither, so it stays empty.
  const oneFormat = !(json && events);
  if (json && oneFormat) console.log(jsonFailure(label, exitCode, message, diagnostics));
  // --json-events: the failure as diagnostic events too, so a reader of the stream sees why it ended.
  if (events && oneFormat) for (const d of diagnostics.length ? diagnostics : [errorAt(undefined, message)]) printEvent(diagnosticEvent(d));
  if (diagnostics.length) printDiagnostics(diagnostics, makeStyle(!json && process.stderr.isTTY === true && !process.env.NO_COLOR));
  else console.error(`oslogin ${label}: ${message}`);
  return exitCode;
}

async function main(argv: string[]): Promise<number> {
  watchOutputStreams();
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(HELP);
    return 0;
  }
  if (name === "--version") {
    console.log("oslogin-kit 0.1.0");
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`oslogin: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
    return 2;
  }
  if (!entry.server) tuneV8ForOneShot();
  const cmd = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(cmd.help);
    return 0;
  }
  // The JSON envelope names the subcommand too ("state list").
  const label = entry.subcommands?.includes(rest[0]) ? `${name} ${rest[0]}` : name;
  const json = rest.includes("--json");
  const events = rest.includes("--json-events");
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) return report(label, json, 2, e.message, [], events);
    if (e instanceof CliError) return report(label, json, e.exitCode, e.message, e.diagnostics, events);
    if (json) console.log(jsonFailure(label, 1, e instanceof Error ? e.message : String(e)));
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Last resort: one line, no stack (stacks only with OSLOGIN_DEBUG=1).
    console.error(`oslogin: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.OSLOGIN_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    process.exitCode = 1;
  },
);

// `oslogin output [NAME]`: the stack's outputs from state (sensitive ones redacted unless --raw NAME).
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, readStackState, sessionBase } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { REDACTED } from "../../engine/redact.js";

const help = `oslogin output: print the stack's outputs (from the last apply)

Usage: oslogin output [NAME] [--raw] [--json] [common flags]

Sensitive outputs are shown as ${REDACTED}; "--raw NAME" prints one output's value alone,
as terraform output -raw does (for scripts; it prints sensitive values, so mind the terminal).
With --json: {outputs: {NAME: {value, sensitive}}}, or {name, value, sensitive} for one NAME.

Flags:
  --raw     print the plain value of one output (strings without quotes)
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin output --json
  oslogin output --raw ansible_sa_id`;

const command: Command = {
  name: "output",
  summary: "Print the stack's outputs",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, raw: { aliases: ["-raw"] } });
    if (args.positionals.length > 1) throw new UsageError("output takes at most one NAME");
    const raw = bool(args, "raw");
    if (raw && args.positionals.length !== 1) throw new UsageError("--raw needs an output NAME");
    const base = sessionBase(args, "state");
    const outputs = (await readStackState(base)).outputs;
    const name = args.positionals[0];
    const shown = (o: { value: unknown; sensitive?: boolean }) => (o.sensitive ? REDACTED : o.value);
    if (name !== undefined) {
      const o = outputs[name];
      if (!o) throw new CliError(`the state of stack ${base.stack} has no output "${name}"; outputs: ${Object.keys(outputs).join(", ") || "none"}`);
      // --raw is for scripts that want the bare value, as terraform output -raw: no envelope.
      if (raw) process.stdout.write(typeof o.value === "string" ? o.value : JSON.stringify(o.value));
      else if (base.json) printJsonResult("output", { name, value: shown(o), sensitive: !!o.sensitive });
      else console.log(JSON.stringify(shown(o), null, 2));
      return EXIT.OK;
    }
    if (base.json) {
      printJsonResult("output", { outputs: Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { value: shown(o), sensitive: !!o.sensitive }])) });
    } else {
      for (const [k, o] of Object.entries(outputs)) console.log(`${k} = ${o.sensitive ? REDACTED : JSON.stringify(o.value, null, 2)}`);
    }
    return EXIT.OK;
  },
};

export default command;

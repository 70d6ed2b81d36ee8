// `oslogin output [NAME]`: the stack's outputs from state (sensitive ones redacted unless --raw NAME).
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, openSession, stackName } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics } from "../engine-output.js";
import { errorAt } from "../../engine/diagnostics.js";
import { REDACTED } from "../../engine/redact.js";

const help = `oslogin output: print the stack's outputs (from the last apply)

Usage: oslogin output [NAME] [--raw] [--json] [common flags]

Sensitive outputs are shown as ${REDACTED}; "--raw NAME" prints one output's value alone,
as terraform output -raw does (for scripts; it prints sensitive values, so mind the terminal).

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
    const s = await openSession(args);
    try {
      const stack = await stackName(s);
      const st = stack ? s.engine.currentState(stack) : { diagnostics: [errorAt(undefined, "Which stack?", "pass --stack NAME")] };
      if (!("state" in st) || !st.state) {
        printDiagnostics(st.diagnostics, s.style);
        return EXIT.ERROR;
      }
      const outputs = st.state.outputs;
      const name = args.positionals[0];
      if (name !== undefined) {
        const o = outputs[name];
        if (!o) {
          printDiagnostics([errorAt(`output.${name}`, "Output not found", `the state has no output "${name}"; outputs: ${Object.keys(outputs).join(", ") || "none"}`)], s.style);
          return EXIT.ERROR;
        }
        if (raw) process.stdout.write(typeof o.value === "string" ? o.value : JSON.stringify(o.value));
        else console.log(JSON.stringify(o.sensitive ? REDACTED : o.value, null, s.json ? undefined : 2));
        return EXIT.OK;
      }
      if (s.json) {
        console.log(JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, { value: o.sensitive ? REDACTED : o.value, sensitive: !!o.sensitive }]))));
      } else {
        for (const [k, o] of Object.entries(outputs)) console.log(`${k} = ${o.sensitive ? REDACTED : JSON.stringify(o.value, null, 2)}`);
      }
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

// `oslogin destroy`: delete every object the stack's state holds, dependents first.
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, JSON_EVENTS_FLAG, JSON_EVENTS_HELP, openSession } from "../engine-session.js";
import { planOptionFlags, planOptionHelp, planOptions } from "../plan-options.js";
import { EXIT_CODES_HELP, progressHooks } from "../engine-output.js";
import { planAndApply } from "../apply-flow.js";

const help = `oslogin destroy: delete every object of the stack from the cloud

Usage: oslogin destroy [--auto-approve] [-target=ADDR] [-var 'NAME=VALUE'] [-var-file=FILE]
                       [-refresh=false] [common flags]

Plans the deletion of everything in the stack's state (objects with lifecycle
prevent_destroy stop the plan with an error), shows who loses access, asks for "yes"
(or --auto-approve), then deletes dependents before what they depend on.

Flags:
  --auto-approve       do not ask for confirmation
${planOptionHelp({ refresh: true })}
${JSON_EVENTS_HELP}
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin destroy --auto-approve
  oslogin destroy -target=web-2 --auto-approve`;

const command: Command = {
  name: "destroy",
  summary: "Delete everything the stack manages",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, ...JSON_EVENTS_FLAG, "auto-approve": { aliases: ["-auto-approve"] }, ...planOptionFlags({ refresh: true }) });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const options = planOptions(args, { refresh: true });
    const s = await openSession(args, progressHooks);
    try {
      return await planAndApply(s, { outDir: s.outDir, stack: s.stack, mode: "destroy", ...options }, { command: "destroy", autoApprove: bool(args, "auto-approve"), destroy: true });
    } finally {
      await s.close();
    }
  },
};

export default command;

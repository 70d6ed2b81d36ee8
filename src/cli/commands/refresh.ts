// `oslogin refresh`: update state from the cloud (what changed outside oslogin), nothing else.
import { parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, JSON_EVENTS_FLAG, JSON_EVENTS_HELP, openSession } from "../engine-session.js";
import { planOptionFlags, planOptionHelp, planOptions } from "../plan-options.js";
import { EXIT_CODES_HELP, progressHooks } from "../engine-output.js";
import { planAndApply } from "../apply-flow.js";

const help = `oslogin refresh: read every object in state from the cloud and record what changed

Usage: oslogin refresh [-target=ADDR] [-var 'NAME=VALUE'] [-var-file=FILE] [common flags]

Objects changed outside oslogin are shown as drift and their new values written to state;
objects deleted outside oslogin are dropped from state. Nothing in the cloud is changed.
Outputs are evaluated again with the refreshed values; if one fails to evaluate, refresh
fails and writes nothing (every output keeps its value).

Flags:
${planOptionHelp({})}
${JSON_EVENTS_HELP}
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin refresh --json`;

const command: Command = {
  name: "refresh",
  summary: "Update state from the cloud without changing the cloud",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, ...JSON_EVENTS_FLAG, ...planOptionFlags({}) });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const options = planOptions(args, {});
    const s = await openSession(args, progressHooks);
    try {
      return await planAndApply(s, { outDir: s.outDir, stack: s.stack, mode: "refresh-only", ...options }, { command: "refresh", autoApprove: true });
    } finally {
      await s.close();
    }
  },
};

export default command;

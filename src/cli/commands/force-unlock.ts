// `oslogin force-unlock ID`: remove a state lock left by a process that cannot release it.
import { parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, openSession } from "../engine-session.js";
import { diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";

const help = `oslogin force-unlock: remove the stack's state lock

Usage: oslogin force-unlock LOCK_ID [common flags]

Only when the lock holder can no longer release it (a lock whose holder process died on
this host is taken over automatically). LOCK_ID is printed in the "state is locked" error
and in <data-dir>/stacks/<stack>/.terraform.tfstate.lock.info.

${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin force-unlock 0d9e3c1a-5f2b-4c7e-9a61-2f0b8d7c4e11`;

const command: Command = {
  name: "force-unlock",
  summary: "Remove a stuck state lock by its ID",
  help,
  async run(argv) {
    const args = parseArgs(argv, COMMON_FLAGS);
    if (args.positionals.length !== 1) throw new UsageError("expected the LOCK_ID");
    const s = await openSession(args, undefined, "state");
    try {
      const r = s.engine.forceUnlock(s.stack, args.positionals[0], s.outDir);
      if (!r.holder) throw diagnosticsError(r.diagnostics);
      if (s.json) printJsonResult("force-unlock", { stack: s.stack, holder: r.holder });
      else console.log(`Unlocked the state of stack ${s.stack} (was held by ${r.holder}).`);
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

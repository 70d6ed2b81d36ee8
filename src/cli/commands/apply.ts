// `oslogin apply`: make the cloud match the configuration (a fresh plan, confirmed), or apply a
// saved plan exactly, refusing if the state or configuration moved since it was made.
import path from "node:path";
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, JSON_EVENTS_FLAG, JSON_EVENTS_HELP, openSession } from "../engine-session.js";
import { planOptionFlags, planOptionHelp, planOptions, refuseWithSavedPlan } from "../plan-options.js";
import { SYNTH_FIRST_FLAGS, SYNTH_FIRST_HELP, synthFirst } from "../synth/first.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics, progressHooks } from "../engine-output.js";
import { finishRun, guarded, planAndApply } from "../apply-flow.js";
import { accessRows } from "../access-context.js";
import { readPlanFile } from "../../engine/planfile.js";

const help = `oslogin apply: make the cloud match the configuration

Usage: oslogin apply [--auto-approve] [-target=ADDR] [-replace=ADDR] [-var 'NAME=VALUE']
                     [-var-file=FILE] [-refresh=false] [common flags]
       oslogin apply PLANFILE [common flags]

Without PLANFILE: synthesizes (the app of ./cdktf.json, unless --skip-synth), plans (with refresh), shows the plan and the access changes, asks for
"yes" (or --auto-approve), then applies. With PLANFILE (from "oslogin plan -out"): applies
exactly that plan, and refuses if the state or the synthesized configuration changed since,
or if the current workspace or its backend is not the one the plan was made for.

While applying, a line per resource shows it starting and finishing, one every 10 s for each
resource still running ("Still creating... [10s elapsed]"), and one count line every 10 s
("Progress: 120/10001 operations finished") once the apply outlasts that (docs/progress.md). Independent resources
carry on when one fails (its dependents are skipped). State is written after every resource
(where the stack's backend says, with a .backup); an apply killed at any point
is finished by the next apply without duplicates (every create carries an idempotency key).
Ctrl-C (or SIGTERM) starts no further operation, lets those in flight finish, writes the
state, releases the lock and exits 130; a second one exits at once (docs/guarantees.md).

Flags:
  --auto-approve       do not ask for confirmation
${planOptionHelp({ replace: true, refresh: true })}
                       (none of these with PLANFILE: the saved plan fixed them)
${JSON_EVENTS_HELP}
${SYNTH_FIRST_HELP}
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin apply --auto-approve
  oslogin apply -target=web-1 -var-file=staging.tfvars --auto-approve
  oslogin plan -out p.plan && oslogin apply p.plan`;

const command: Command = {
  name: "apply",
  summary: "Apply the configuration (or a saved plan) to the cloud",
  help,
  async run(argv) {
    const args = parseArgs(argv, {
      ...COMMON_FLAGS,
      ...SYNTH_FIRST_FLAGS,
      "auto-approve": { aliases: ["-auto-approve"] },
      ...planOptionFlags({ replace: true, refresh: true }),
      ...JSON_EVENTS_FLAG,
    });
    if (args.positionals[0]) refuseWithSavedPlan(args);
    const options = args.positionals[0] ? {} : planOptions(args, { replace: true, refresh: true });
    if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[1])}`);
    // A saved plan is applied exactly as planned; only a fresh plan needs a fresh synth.
    if (!args.positionals[0]) await synthFirst(args);
    const s = await openSession(args, progressHooks);
    try {
      const planFile = args.positionals[0];
      if (planFile) {
        const { plan, diagnostics } = readPlanFile(path.resolve(planFile));
        if (!plan) {
          printDiagnostics(diagnostics, s.style);
          return EXIT.ERROR;
        }
        return await guarded(s, async (guard) => {
          const r = await s.engine.applySaved(plan, { outDir: s.outDir, stack: s.stack });
          return finishRun(s, r, { command: "apply", autoApprove: true, destroy: plan.mode === "destroy" }, r.applied && !s.events ? await accessRows(s.cloud, plan) : undefined, guard);
        });
      }
      return await planAndApply(
        s,
        { outDir: s.outDir, stack: s.stack, ...options },
        { command: "apply", autoApprove: bool(args, "auto-approve") },
      );
    } finally {
      await s.close();
    }
  },
};

export default command;

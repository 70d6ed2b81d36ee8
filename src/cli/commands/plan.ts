// `oslogin plan`: refresh, show what apply would do (drift first, then changes, then who gains
// or loses access), optionally save it for `oslogin apply FILE`.
import path from "node:path";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { accessRows, readAccessContextEarly } from "../access-context.js";
import { diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { COMMON_FLAGS, COMMON_HELP, JSON_EVENTS_FLAG, JSON_EVENTS_HELP, openSession } from "../engine-session.js";
import { planOptionFlags, planOptionHelp, planOptions } from "../plan-options.js";
import { diagnosticEvent, printEvent } from "../views/ui-events.js";
import { planEvents } from "../views/plan-events.js";
import { SYNTH_FIRST_FLAGS, SYNTH_FIRST_HELP, synthFirst } from "../synth/first.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics, progressHooks } from "../engine-output.js";
import { hasChanges, planToJson, renderPlan, summarize } from "../render/plan.js";
import { hasErrors } from "../../engine/diagnostics.js";
import { writePlanFile } from "../../engine/planfile.js";
import { renderAccessMarkdown, renderAccessText } from "../../review/access-diff.js";

const help = `oslogin plan: show the changes apply would make, and the access they grant or revoke

Usage: oslogin plan [-out FILE] [--destroy] [-target=ADDR] [-replace=ADDR] [-var 'NAME=VALUE']
                    [-var-file=FILE] [-refresh=false] [--detailed-exitcode] [--review md]
                    [--json] [common flags]

Synthesizes first (the app of ./cdktf.json, as "oslogin synth"), refreshes every object in
state from the cloud (one List per type and scope), reports objects changed outside oslogin ("drift") separately,
then lists each change with its reason, a summary line, and "Access changes": which members
and service accounts gain or lose login or sudo on which OS Login VM, as which login and uid.

Flags:
  -out FILE            save the plan; "oslogin apply FILE" applies exactly it (mode 0600)
  --destroy            plan to destroy everything in state
${planOptionHelp({ replace: true, refresh: true })}
  --detailed-exitcode  exit 0 = no changes, 2 = changes, 1 = error
  --review md          print only the access review as Markdown (for a pull request comment)
${JSON_EVENTS_HELP}
${SYNTH_FIRST_HELP}
${COMMON_HELP}

--json prints oslogin's own plan format ({format_version "1.0", stack, summary, changes[{action,
before, after, after_unknown}], drift, outputs}), not terraform's. For terraform's plan JSON
(resource_changes[].change.actions, what terraform show -json prints), save the plan and run
"oslogin show -json FILE". --json-events streams terraform's -json UI messages instead
(planned_change per change, change_summary, ...; docs/progress.md).

${EXIT_CODES_HELP}

Example:
  oslogin plan -out plan.bin && oslogin apply plan.bin
  oslogin plan -target=web-1 -var 'prefix=staging'
  oslogin plan -replace=yandex_organizationmanager_user_ssh_key.org_alice_alice-key_A8D790C1
  oslogin plan --review md > access-review.md`;

const command: Command = {
  name: "plan",
  summary: "Show what apply would change, with drift and the access review",
  help,
  async run(argv) {
    const args = parseArgs(argv, {
      ...COMMON_FLAGS,
      ...SYNTH_FIRST_FLAGS,
      out: { value: true, aliases: ["-out"] },
      destroy: {},
      ...planOptionFlags({ replace: true, refresh: true }),
      "detailed-exitcode": { aliases: ["-detailed-exitcode"] },
      review: { value: true },
      ...JSON_EVENTS_FLAG,
    });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const review = str(args, "review");
    if (review !== undefined && review !== "md") throw new UsageError(`--review supports only "md", got ${JSON.stringify(review)}`);
    if (review && bool(args, "json-events")) throw new UsageError("--review md and --json-events exclude each other: each is the whole of stdout");
    const options = planOptions(args, { replace: true, refresh: true });
    await synthFirst(args);
    const s = await openSession(args, (st, json, events) => (review ? {} : progressHooks(st, json, events)));
    try {
      const early = readAccessContextEarly(s.cloud, s.organizations);
      const r = await s.engine.plan({
        outDir: s.outDir,
        stack: s.stack,
        mode: bool(args, "destroy") ? "destroy" : "normal",
        ...options,
      });
      if (!r.plan || hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
      if (s.events) for (const d of r.diagnostics) printEvent(diagnosticEvent(d));
      else printDiagnostics(r.diagnostics, s.style);
      const plan = r.plan;
      const rows = await accessRows(s.cloud, plan, false, early);
      const out = str(args, "out");
      if (out) await writePlanFile(path.resolve(out), plan);
      if (review) {
        const sum = summarize(plan);
        process.stdout.write(renderAccessMarkdown(rows, `Plan for stack \`${plan.stack}\`: ${sum.add} to add, ${sum.change} to change, ${sum.destroy} to destroy${sum.forget ? `, ${sum.forget} to forget` : ""}.`));
      } else if (s.events) {
        for (const e of planEvents(plan)) printEvent(e);
      } else if (s.json) {
        printJsonResult("plan", { ...(planToJson(plan) as object), access_changes: rows, ...(out ? { plan_file: path.resolve(out) } : {}) });
      } else {
        console.log(renderPlan(plan, s.style));
        console.log("");
        console.log(renderAccessText(rows, s.style));
        if (out) console.log(`\nSaved the plan to ${out}. Apply exactly this plan with: oslogin apply ${out}`);
      }
      if (bool(args, "detailed-exitcode")) return hasChanges(plan) ? EXIT.USAGE_OR_CHANGES : EXIT.OK;
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

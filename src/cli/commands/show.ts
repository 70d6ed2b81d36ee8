// `oslogin show -json [PLANFILE]`: terraform's JSON output format, for the tools teams run on
// `terraform show -json` (policies, parsers, `oslogin review`). With a plan file (from
// `oslogin plan -out`) the plan representation, without one the state representation.
import { readPlanFile } from "../../engine/planfile.js";
import { bool, parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { COMMON_FLAGS, COMMON_HELP, readStackState, sessionBase } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";
import { CliError } from "../errors.js";
import { planRepresentation, stateRepresentation } from "../views/terraform-json.js";

const help = `oslogin show: print a plan file or the state in terraform's JSON format

Usage: oslogin show -json [PLANFILE] [common flags]

With PLANFILE (written by "oslogin plan -out PLANFILE"): terraform's plan representation
(format_version 1.2: planned_values, resource_drift, resource_changes, output_changes,
prior_state, configuration, relevant_attributes, errored). Without: the state representation
(format_version 1.0) of the stack's state. Sensitive values are printed as terraform prints them:
in clear, marked in before_sensitive / after_sensitive / sensitive_values, so treat the output
like the plan file (mode 0600). See docs/review.md for where it differs from terraform.

Flags:
  -json, --json   required: the JSON output (there is no text form)
${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin plan -out tfplan
  oslogin show -json tfplan > plan.json
  oslogin show -json`;

const command: Command = {
  name: "show",
  summary: "Print a plan file or the state in terraform's JSON format (show -json)",
  help,
  async run(argv) {
    const args = parseArgs(argv, COMMON_FLAGS);
    if (!bool(args, "json")) throw new UsageError("show prints terraform's JSON format only: give -json");
    if (args.positionals.length > 1) throw new UsageError("show takes at most one PLANFILE");
    const file = args.positionals[0];
    if (file !== undefined) {
      const { plan, diagnostics } = readPlanFile(file);
      if (!plan) throw new CliError(diagnostics.map((d) => `${d.summary}: ${d.detail ?? ""}`).join("; "));
      process.stdout.write(JSON.stringify(planRepresentation(plan)) + "\n");
      return EXIT.OK;
    }
    const state = await readStackState(sessionBase(args, "state"));
    process.stdout.write(JSON.stringify(stateRepresentation(state)) + "\n");
    return EXIT.OK;
  },
};

export default command;

// `oslogin lint`: risky access in what a plan will make (PLAN.json, terraform's plan JSON) or in
// what is (the stack's state, with the cloud's members and profiles), under .oslogin-policy.yml.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  failing,
  lint,
  parsePolicy,
  PolicyError,
  renderLintJson,
  renderLintMarkdown,
  renderLintSarif,
  renderLintText,
  RULES,
  type Policy,
  type Severity,
} from "../../review/lint.js";
import { parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { currentObjects } from "../access-context.js";
import { readPlanJson } from "./review.js";
import { COMMON_FLAGS, DEFAULT_DATA_DIR, openCloud, readStackState, sessionBase } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { CliError } from "../errors.js";

/** Exit code when --fail-on matches a finding: distinct from errors (1) and usage errors (2). */
export const EXIT_LINT_FAILED = 3;
const VERSION = "0.1.0";
const FORMATS = ["text", "md", "json", "sarif"];
const LEVELS: Severity[] = ["error", "warning", "note"];

const help = `oslogin lint: flag risky access in a plan (what will be) or in the stack (what is)

Usage: oslogin lint [PLAN.json] [--format text|md|json|sarif] [--fail-on error|warning|note]
                    [--policy FILE] [--key-days N] [--stack S] [--data-dir D] [--endpoint H:P]

With PLAN.json ("terraform show -json tfplan" or "oslogin show -json PLANFILE"; "-" for stdin)
the rules read the plan's planned values; without it, the stack's state as the last apply left it.
Members, groups and profiles come from the cloud either way.

Rules (id, default severity):
${RULES.map((r) => `  ${r.id.padEnd(28)} ${r.severity.padEnd(8)} ${r.summary}`).join("\n")}

Flags:
  --format F     text (default), md (a pull-request comment), json, or sarif (SARIF 2.1.0, for
                 GitHub code scanning)
  --fail-on L    exit ${EXIT_LINT_FAILED} when a finding without a live exception has severity L or higher
  --policy FILE  the policy (default: .oslogin-policy.yml in the current directory, if present):
                 rules on/off and their severities, exceptions with a reason and an expiry date
  --key-days N   flag keys expiring within N days (default 30, or the policy's key_expiry_days)

Exit codes:
  0  linted (and --fail-on did not match)
  1  error (unreadable plan or policy, cloud unreachable)
  2  usage error
  ${EXIT_LINT_FAILED}  --fail-on matched a finding

Example:
  oslogin lint --format sarif --fail-on error`;

function readPolicy(file: string | undefined): Policy {
  const f = file ?? (existsSync(".oslogin-policy.yml") ? ".oslogin-policy.yml" : undefined);
  if (!f) return { rules: {}, exceptions: [] };
  let text: string;
  try {
    text = readFileSync(f, "utf8");
  } catch {
    throw new CliError(`cannot read the policy ${f}`);
  }
  try {
    return parsePolicy(parseYaml(text));
  } catch (e) {
    if (e instanceof PolicyError || (e as Error).name === "YAMLParseError") throw new CliError(`the policy ${f}: ${(e as Error).message}`);
    throw e;
  }
}

const command: Command = {
  name: "lint",
  summary: "Flag risky access in a plan JSON or the stack (text, md, json, SARIF)",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, format: { value: true }, "fail-on": { value: true }, policy: { value: true }, "key-days": { value: true } });
    if (args.positionals.length > 1) throw new UsageError("lint takes at most one PLAN.json (or - for stdin)");
    const format = str(args, "format") ?? "text";
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
    const failOn = str(args, "fail-on");
    if (failOn !== undefined && !LEVELS.includes(failOn as Severity)) throw new UsageError(`--fail-on must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(failOn)}`);
    const keyDaysFlag = str(args, "key-days");
    if (keyDaysFlag !== undefined && !/^\d+$/.test(keyDaysFlag)) throw new UsageError(`--key-days must be a whole number of days, got ${JSON.stringify(keyDaysFlag)}`);
    const policy = readPolicy(str(args, "policy"));
    const keyExpiryDays = keyDaysFlag !== undefined ? Number(keyDaysFlag) : (policy.keyExpiryDays ?? 30);

    const planFile = args.positionals[0];
    let objects, ctx, artifact: string;
    if (planFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(planFile === "-" ? 0 : planFile, "utf8");
      } catch {
        throw new CliError(`cannot read the plan JSON ${planFile}`);
      }
      const read = await readPlanJson(text, { dataDir: path.resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR), endpoint: str(args, "endpoint") });
      const desired = read.desired;
      ctx = read.ctx;
      objects = desired.after;
      artifact = planFile === "-" ? "plan.json" : planFile;
    } else {
      const base = sessionBase(args, "state");
      const state = await readStackState(base);
      const { cloud, close } = await openCloud(base.dataDir, str(args, "endpoint"));
      try {
        ({ objs: objects, ctx } = await currentObjects(cloud, state));
      } finally {
        await close();
      }
      artifact = path.relative(process.cwd(), path.join(base.dataDir, "stacks", base.stack, "terraform.tfstate"));
    }
    const findings = lint({ objects, ctx, now: new Date(), keyExpiryDays }, policy);
    if (format === "sarif") process.stdout.write(renderLintSarif(findings, policy, artifact.split(path.sep).join("/"), VERSION));
    else if (format === "json") process.stdout.write(renderLintJson(findings));
    else if (format === "md") process.stdout.write(renderLintMarkdown(findings));
    else process.stdout.write(renderLintText(findings));
    if (failOn && failing(findings, failOn as Severity).length > 0) return EXIT_LINT_FAILED;
    return EXIT.OK;
  },
};

export default command;

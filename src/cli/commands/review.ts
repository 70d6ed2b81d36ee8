// `oslogin review PLAN.json`: the access review of any plan in terraform's JSON format, made by
// the real terraform (`terraform show -json tfplan`) or by oslogin (`oslogin show -json F`).
// Names, logins, uids and group members come from the cloud, as in `oslogin plan`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { listAll } from "../../contract/cloud-client.js";
import { accessDiff, renderAccessMarkdown, renderAccessText, type AccessContext, type AccessRow } from "../../review/access-diff.js";
import { desiredFromPlanJson, PlanJsonError, type PlanJsonDesired } from "../../review/plan-json.js";
import { parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { contextFor } from "../access-context.js";
import { DEFAULT_DATA_DIR, openCloud } from "../engine-session.js";
import { EXIT } from "../engine-output.js";
import { CliError } from "../errors.js";
import { writeAccessHtml } from "../views/access-html.js";

/** Exit code when --fail-on matches a row: distinct from errors (1) and usage errors (2). */
export const EXIT_REVIEW_FAILED = 3;

const FAIL_ON = ["gain-sudo", "gain-login", "any"] as const;
type FailOn = (typeof FAIL_ON)[number];

const help = `oslogin review: the access review of a plan in terraform's JSON format

Usage: oslogin review PLAN.json [--format md|json|text] [--fail-on gain-sudo|gain-login|any]
                     [--html FILE] [--data-dir D] [--endpoint H:P]

PLAN.json is what "terraform show -json tfplan" or "oslogin show -json PLANFILE" prints. The
review says, for every OS Login VM, which members and service accounts gain or lose login or
sudo, as which login and uid, and through which binding (a group binding reaches its members).
Names, logins, uids and groups are read from the cloud (the embedded one in --data-dir, or
--endpoint); "-" reads the JSON from stdin.

Flags:
  --format F     md (a pull-request comment), json, or text (default)
  --fail-on W    exit ${EXIT_REVIEW_FAILED} when the plan makes someone gain sudo (gain-sudo), gain login or
                 sudo (gain-login), or changes anyone's access at all (any)
  --html FILE    also write the VM x member matrix after the plan as one self-contained HTML
                 file, the plan's gains and losses highlighted (unchanged access shown plain)
  --data-dir D   the embedded cloud's directory (default: ${DEFAULT_DATA_DIR})
  --endpoint H:P a running "oslogin serve" (gRPC, TLS)

Exit codes:
  0  reviewed (and --fail-on did not match)
  1  error (unreadable JSON, not a plan, cloud unreachable)
  2  usage error
  ${EXIT_REVIEW_FAILED}  --fail-on matched a row of the review

Example:
  terraform show -json tfplan > plan.json
  oslogin review plan.json --format md --fail-on gain-sudo`;

const RANK = { none: 0, login: 1, sudo: 2 } as const;

/** Whether a review row is what --fail-on asks to stop on. */
export function failsOn(rows: AccessRow[], when: FailOn): AccessRow[] {
  return rows.filter((r) =>
    when === "any" ? true : when === "gain-sudo" ? r.after === "sudo" && r.before !== "sudo" : RANK[r.after] > RANK[r.before],
  );
}

/** A plan JSON's desired states and the cloud's facts about its organizations (review and lint read both). */
export async function readPlanJson(text: string, opts: { dataDir: string; endpoint?: string }): Promise<{ desired: PlanJsonDesired; ctx: AccessContext }> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`the plan JSON does not parse: ${(e as Error).message}`);
  }
  let desired;
  try {
    desired = desiredFromPlanJson(doc);
  } catch (e) {
    if (e instanceof PlanJsonError) throw new CliError(`not a plan in terraform's JSON format: ${e.message}`);
    throw e;
  }
  const { cloud, close } = await openCloud(opts.dataDir, opts.endpoint);
  try {
    let orgs = desired.organizations;
    if (orgs.length === 0) orgs = (await listAll((pageToken) => cloud.listOrganizations({ pageToken, pageSize: 1000 }))).map((o) => o.id);
    return { desired, ctx: await contextFor(cloud, orgs, desired.providerScopes) };
  } finally {
    await close();
  }
}

/** With includeUnchanged, also the (VM, member) pairs whose access the plan keeps (change "unchanged"). */
export async function reviewPlanJson(text: string, opts: { dataDir: string; endpoint?: string; includeUnchanged?: boolean }): Promise<AccessRow[]> {
  const { desired, ctx } = await readPlanJson(text, opts);
  return accessDiff(desired.before, desired.after, ctx, opts.includeUnchanged);
}

const command: Command = {
  name: "review",
  summary: "The access review of a plan JSON (terraform show -json or oslogin show -json)",
  help,
  async run(argv) {
    const args = parseArgs(argv, { format: { value: true }, "fail-on": { value: true }, html: { value: true }, "data-dir": { value: true }, endpoint: { value: true } });
    if (args.positionals.length !== 1) throw new UsageError("review takes one PLAN.json (or - for stdin)");
    const format = str(args, "format") ?? "text";
    if (!["md", "json", "text"].includes(format)) throw new UsageError(`--format must be md, json or text, got ${JSON.stringify(format)}`);
    const failOn = str(args, "fail-on");
    if (failOn !== undefined && !FAIL_ON.includes(failOn as FailOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}, got ${JSON.stringify(failOn)}`);
    const file = args.positionals[0];
    let text: string;
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch {
      throw new CliError(`cannot read the plan JSON ${file}`);
    }
    const html = str(args, "html");
    const all = await reviewPlanJson(text, { dataDir: path.resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR), endpoint: str(args, "endpoint"), includeUnchanged: html !== undefined });
    // The report shows kept access too, as context; the review and --fail-on only the changes.
    const rows = all.filter((r) => r.change !== "unchanged");
    if (html !== undefined) writeAccessHtml(html, all, { title: `Access review of ${file === "-" ? "the plan on stdin" : path.basename(file)}`, mode: "review" });
    if (format === "md") process.stdout.write(renderAccessMarkdown(rows));
    else if (format === "json") process.stdout.write(JSON.stringify({ access_changes: rows }, null, 2) + "\n");
    else process.stdout.write(renderAccessText(rows) + "\n");
    if (failOn && failsOn(rows, failOn as FailOn).length > 0) return EXIT_REVIEW_FAILED;
    return EXIT.OK;
  },
};

export default command;

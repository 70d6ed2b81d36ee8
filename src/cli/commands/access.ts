// `oslogin access`: who can log in where now, from the stack's state (the applied objects) and the
// cloud (names, OS Login logins and uids). The same rows as the quickstart's table.
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { currentAccessRows } from "../access-context.js";
import { COMMON_FLAGS, COMMON_HELP, openCloud, readStackState, sessionBase } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";
import { requireOrganizations } from "../checks.js";
import { printJsonResult } from "../views/json.js";
import { accessView } from "../views/access.js";
import { writeAccessHtml } from "../views/access-html.js";

const help = `oslogin access: who can log in to which OS Login VM now

Usage: oslogin access [--json | --md] [--html FILE] [common flags]

For every VM of the stack with OS Login on (metadata enable-oslogin = "true"): each member or
service account that holds compute.osLogin (login) or compute.osAdminLogin (login and sudo) on the
VM, its folder, its cloud or the organization, as which OS Login login and uid, and the binding
that grants it (VIA). It reads the stack's state, as the last apply left it, and the cloud's
directory for names and profiles; it changes nothing. Run "oslogin refresh" first to take changes
made outside into account.

Flags:
  --md         a Markdown table (for a pull request or a wiki page)
  --html FILE  also write the VM x member matrix as one self-contained HTML file (opens
               offline, with a filter box); the usual output still goes to stdout
${COMMON_HELP}

With --json: {stack, access: [{vm, vm_address, member, member_name, login, uid, sudo, via}]}.

${EXIT_CODES_HELP}

Example:
  oslogin access
  oslogin access --json
  oslogin access --html access.html`;

const command: Command = {
  name: "access",
  summary: "Who can log in to which OS Login VM now (login, uid, sudo, via)",
  help,
  async run(argv) {
    const args = parseArgs(argv, { ...COMMON_FLAGS, md: {}, html: { value: true } });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    if (bool(args, "md") && bool(args, "json")) throw new UsageError("give at most one of --json and --md");
    const base = sessionBase(args, "state");
    const state = await readStackState(base);
    const endpoint = str(args, "endpoint");
    const { cloud, close } = await openCloud(base.dataDir, endpoint);
    try {
      // Names and profiles are advisory (ids are shown without them), so reach the endpoint first.
      await requireOrganizations(cloud, [], { dataDir: base.dataDir, endpoint });
      const rows = await currentAccessRows(cloud, state);
      const html = str(args, "html");
      if (html !== undefined) writeAccessHtml(html, rows, { title: `Who can log in where: stack ${base.stack}`, mode: "now" });
      if (base.json) printJsonResult("access", accessView.json(base.stack, rows));
      else process.stdout.write(bool(args, "md") ? accessView.md(rows) : accessView.text(rows));
      return EXIT.OK;
    } finally {
      await close();
    }
  },
};

export default command;

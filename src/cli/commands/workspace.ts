// `oslogin workspace list|new|select|delete|show`: terraform's workspaces for a stack, in whatever
// backend its cdk.tf.json names (local: terraform.tfstate.d/<name>/, pg: the row <name>). The
// selection is kept per stack in the data directory; TF_WORKSPACE overrides it.
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { parseDuration, sessionBase } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP } from "../engine-output.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { stackWorkspaces, type Workspaces } from "../../engine/state/backend.js";
import { statePaths } from "../../engine/state/store.js";
import { DEFAULT_WORKSPACE, selectedWorkspace, selectWorkspace, workspaceNameProblem, type SelectedWorkspace } from "../../engine/state/workspaces.js";

const FLAGS = {
  stack: { value: true },
  "data-dir": { value: true },
  "out-dir": { value: true },
  "lock-timeout": { value: true },
  force: {},
  json: {},
  "no-color": {},
};

const help = `oslogin workspace: the stack's workspaces, as terraform's

Usage: oslogin workspace list [flags]
       oslogin workspace show [flags]
       oslogin workspace new NAME [flags]
       oslogin workspace select NAME [flags]
       oslogin workspace delete NAME [--force] [flags]

A workspace is one more state of the same configuration; "default" always exists. Where
each one lives follows the stack's backend as terraform lays it out: for the local backend
"default" is the configured file and NAME is terraform.tfstate.d/NAME/terraform.tfstate (or
under workspace_dir); for pg, NAME is the row of that name. select records the choice
for the stack in <data-dir>/stacks/<stack>/environment (terraform: .terraform/environment);
TF_WORKSPACE, when set, overrides it for every command (and then select and new refuse).
new creates the workspace and selects it. delete refuses "default", the selected
workspace, and a workspace whose state still tracks objects unless --force (then they
are forgotten, not destroyed). Like plan and apply, every subcommand but show stops with
"Backend configuration changed" when cdk.tf.json names a backend the stack's states are
not in yet (run "oslogin state migrate" first).

Flags:
  --stack NAME        the stack (default: the only stack in cdktf.out)
  --data-dir D        where the selection is kept (default: .oslogin)
  --out-dir D         the synth output with manifest.json (default: cdktf.out)
  --lock-timeout DUR  wait this long for the state lock (delete), e.g. 30s (default: 0s)
  --force             delete a workspace whose state still tracks objects
  --json              machine-readable output

${EXIT_CODES_HELP}

Example:
  oslogin workspace new staging
  oslogin workspace list
  oslogin workspace select default`;

const ARITY: Record<string, number> = { list: 0, show: 0, new: 1, select: 1, delete: 1 };

function named(name: string): string {
  const p = workspaceNameProblem(name);
  if (p) throw new UsageError(p);
  return name;
}

async function names(w: Workspaces): Promise<string[]> {
  const r = await w.list();
  if (typeof r === "string") throw new CliError(r);
  return r;
}

const command: Command = {
  name: "workspace",
  summary: "List, create, select or delete the stack's workspaces (terraform's)",
  help,
  async run(argv) {
    const args = parseArgs(argv, FLAGS);
    const [sub, ...rest] = args.positionals;
    if (!sub || !(sub in ARITY)) throw new UsageError("expected a subcommand: list, show, new, select or delete");
    if (rest.length !== ARITY[sub]) throw new UsageError(ARITY[sub] ? `workspace ${sub} takes one workspace name` : `workspace ${sub} takes no argument`);
    if (bool(args, "force") && sub !== "delete") throw new UsageError("--force is a flag of workspace delete only");
    const base = sessionBase(args, "config");
    const stackDir = statePaths(base.dataDir, base.stack).dir;
    const sel: SelectedWorkspace | string = selectedWorkspace(stackDir);
    if (typeof sel === "string") throw new CliError(sel);
    const out = (text: string, json: Record<string, unknown>) => {
      if (base.json) printJsonResult(`workspace ${sub}`, { stack: base.stack, ...json });
      else process.stdout.write(text);
      return EXIT.OK;
    };
    // show reads only the selection, so it answers even while the backend block has changed.
    if (sub === "show") return out(`${sel.name}\n`, { workspace: sel.name });
    const w = stackWorkspaces(base.outDir, base.dataDir, base.stack);
    if (typeof w === "string") throw new CliError(w);
    if (sub === "list") {
      const all = await names(w);
      return out(all.map((n) => `${n === sel.name ? "*" : " "} ${n}\n`).join(""), { workspaces: all, selected: sel.name });
    }

    const name = named(rest[0]);
    if (sub === "new" || sub === "select") {
      if (sel.overridden) throw new CliError(`the workspace is set by TF_WORKSPACE (${sel.name}): unset it to ${sub === "new" ? "create and select" : "select"} a workspace`);
      const exists = (await names(w)).includes(name);
      if (sub === "new") {
        if (exists) throw new CliError(`workspace "${name}" already exists`);
        const made = await w.create(name);
        if (made) throw new CliError(`cannot create workspace "${name}": ${made}`);
        selectWorkspace(stackDir, name);
        return out(`Created and switched to workspace "${name}". It has no state yet: a plan there sees none of the other workspaces' objects.\n`, { workspace: name, created: true });
      }
      if (!exists) throw new CliError(`workspace "${name}" doesn't exist: create it with "oslogin workspace new ${name}"`);
      selectWorkspace(stackDir, name);
      return out(`Switched to workspace "${name}".\n`, { workspace: name });
    }

    // delete
    if (name === DEFAULT_WORKSPACE) throw new CliError(`the "default" workspace cannot be deleted`);
    if (!(await names(w)).includes(name)) throw new CliError(`workspace "${name}" doesn't exist`);
    if (name === sel.name) throw new CliError(`workspace "${name}" is the selected workspace: select another one before deleting it`);
    const state = w.state(name);
    const held = await state.lock("OperationTypeWorkspaceDelete", parseDuration("lock-timeout", str(args, "lock-timeout")));
    if (!held.ok) throw new CliError(`Error acquiring the state lock: ${held.reason}`);
    try {
      const st = await state.read();
      if (typeof st === "string") throw new CliError(`cannot read the state of workspace "${name}": ${st}`);
      if (st.instances.size > 0 && !bool(args, "force")) {
        const listed = [...st.instances.keys()].slice(0, 10).map((a) => `  - ${a}\n`).join("");
        throw new CliError(
          `workspace "${name}" still tracks ${st.instances.size} objects:\n${listed}${st.instances.size > 10 ? "  ...\n" : ""}` +
            `deleting it would lose track of them (they stay in the cloud). Destroy them first ("oslogin destroy" in that workspace), or delete with --force to forget them`,
        );
      }
    } finally {
      await held.lock.release();
    }
    const gone = await w.remove(name);
    if (gone) throw new CliError(`cannot delete workspace "${name}": ${gone}`);
    return out(`Deleted workspace "${name}".\n`, { workspace: name, deleted: true });
  },
};

export default command;

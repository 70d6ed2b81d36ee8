// `oslogin quickstart` (what `npm start` runs): seed the quickstart organization into the data
// dir, synth examples/quickstart, plan and apply it against the embedded cloud, then print who
// can log in where and what to try next. Running it again ends with "No changes".
import { readFileSync } from "node:fs";
import path from "node:path";
import { bool, int, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { currentAccessRows } from "../access-context.js";
import { confirmer, finish, notShownAgain, type ConfirmBox } from "../apply-flow.js";
import { DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, type Session } from "../engine-session.js";
import { EXIT, progressHooks } from "../engine-output.js";
import { makeStyle } from "../render/style.js";
import { synthFailure } from "./synth.js";
import { runSynth } from "../synth/run.js";
import { cdktfAppIfAny } from "../synth/first.js";
import { Engine } from "../../engine/engine.js";
import { hasErrors } from "../../engine/diagnostics.js";
import { findDefinition } from "../../resources/registry.js";
import { diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { accessView } from "../views/access.js";
import { writeAnsibleFiles } from "../ansible-files.js";

const SEED_FILE = "examples/quickstart/seed.yaml";
const DEFAULT_APP = "node dist/examples/quickstart/main.js";

const help = `oslogin quickstart: the whole loop on the embedded cloud, in one command (npm start)

Usage: oslogin quickstart [--data-dir D] [--seed FILE] [--app CMD] [--parallelism N] [--json]

1. seeds the quickstart organization (members alice and bob, a cloud and a folder) from
   ${SEED_FILE} into D/cloud.db (seeding again changes nothing);
2. synthesizes examples/quickstart (cdktf.json's app, default: ${DEFAULT_APP});
3. plans and applies it (OS Login on, an Ansible service account with sudo on the folder,
   three OS Login VMs, alice allowed on web-1), showing each change and the access changes;
4. prints who can log in to which VM, as which login and uid, and what to run next.
Run it again: it ends with "No changes".

Flags:
  --data-dir D     the embedded cloud and state (default: ${DEFAULT_DATA_DIR})
  --seed FILE      organization seed (default: ${SEED_FILE})
  --app CMD        the CDKTF app to synth (default: cdktf.json's app)
  --parallelism N  at most N cloud calls at once (default: 10)
  --json           machine-readable result

Exit codes: 0 success, 1 error, 2 usage error.

Example:
  npm start`;

const command: Command = {
  name: "quickstart",
  summary: "Seed the organization, synth, plan and apply the quickstart (npm start)",
  help,
  async run(argv) {
    const args = parseArgs(argv, { "data-dir": { value: true }, seed: { value: true }, app: { value: true }, parallelism: { value: true }, json: {}, "no-color": {} });
    if (args.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const json = bool(args, "json");
    const style = makeStyle(!json && !bool(args, "no-color") && process.stdout.isTTY === true && !process.env.NO_COLOR);
    const dataDir = path.resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR);
    const outDir = path.resolve(DEFAULT_OUT_DIR);
    const seedFile = str(args, "seed") ?? SEED_FILE;
    const say = (s: string) => {
      if (!json) console.log(s);
    };

    let seedText: string;
    try {
      seedText = readFileSync(seedFile, "utf8");
    } catch {
      console.error(`oslogin quickstart: cannot read the seed file ${seedFile} (run from the repository root)`);
      return EXIT.ERROR;
    }
    const { CloudModel } = await import("../../cloud/model/cloud-model.js");
    const { InProcessCloudClient } = await import("../../cloud/client/inprocess.js");
    const { isCloudError } = await import("../../contract/errors.js");
    const model = CloudModel.open({ dataDir, groupCommit: true });
    const cloud = new InProcessCloudClient(model);
    try {
      say(style.bold(`1/4 Seeding the organization from ${seedFile} into ${path.relative(".", dataDir) || "."}`));
      try {
        model.directory.seedFromYaml(seedText);
      } catch (e) {
        console.error(`oslogin quickstart: the seed was not applied: ${isCloudError(e) ? e.message : String(e)}`);
        return EXIT.ERROR;
      }
      const app = str(args, "app") ?? cdktfAppIfAny() ?? DEFAULT_APP;
      say(style.bold(`2/4 Synthesizing examples/quickstart (${app})`));
      const synth = await runSynth(app, outDir);
      if (!synth.ok) throw synthFailure(synth, "synth failed: ");
      say(style.bold("3/4 Planning and applying"));
      const engine = new Engine({
        cloud,
        definitions: (type, kind) => findDefinition(type, kind),
        dataDir,
        parallelism: int(args, "parallelism", 10, 1, 1000),
        hooks: progressHooks(style, json),
      });
      const session: Session = { engine, cloud, dataDir, outDir, stack: "quickstart", json, events: false, style, organizations: [], close: async () => {} };
      const box: ConfirmBox = {};
      const r = await engine.run({ outDir, stack: "quickstart" }, confirmer(session, { command: "quickstart", autoApprove: true }, box));
      // With --json the one document is the quickstart's own, below; finish() prints failures.
      if (!json || hasErrors(r.diagnostics)) {
        const code = finish(session, notShownAgain(r, box), { command: "quickstart", autoApprove: true }, box.rows);
        if (code !== EXIT.OK) return code;
      }

      const applied = await engine.currentState("quickstart", outDir);
      if (!applied.state) throw diagnosticsError(applied.diagnostics);
      const ansible = writeAnsibleFiles(applied.state, dataDir, "quickstart", { writtenBy: "oslogin quickstart" });
      const rows = await currentAccessRows(cloud, applied.state);
      if (json) {
        const files = typeof ansible === "string" ? { ansibleError: ansible } : { ansible };
        printJsonResult("quickstart", { dataDir, ...files, access: accessView.json("quickstart", rows).access });
        return EXIT.OK;
      }
      say("");
      say(style.bold("4/4 Who can log in where"));
      say(accessView.text(rows).trimEnd());
      if (typeof ansible === "string") say(`(Ansible files not written: ${ansible})`);
      else {
        say(`\nAnsible: the service account's key is in ${path.relative(".", ansible.keyFile)} (0600); ` +
          (ansible.configWritten ? `${path.relative(".", ansible.configFile)} points the inventory at this cloud.` : `${path.relative(".", ansible.configFile)} was already there and is left as it is.`));
      }
      say(`
Next steps:
  oslogin access                           who can log in where (--md for Markdown, --json)
  oslogin inventory --list                 the Ansible inventory of these OS Login VMs
  oslogin ssh-config                       ssh_config blocks (1-hour certificate for the Ansible account)
  oslogin plan                             change examples/quickstart/main.ts, synth, and review the access diff
  oslogin plan --review md                 the access review as Markdown for a pull request
  oslogin destroy --auto-approve           remove everything again
State: ${path.relative(".", path.join(dataDir, "stacks", "quickstart", "terraform.tfstate"))}   Cloud: ${path.relative(".", path.join(dataDir, "cloud.db"))}`);
      if (!r.applied) say(style.bold(style.green("No changes.")) + " The quickstart is already applied; your infrastructure matches the configuration.");
      return EXIT.OK;
    } finally {
      await cloud.close();
      await model.closeWhenIdle();
    }
  },
};

export default command;

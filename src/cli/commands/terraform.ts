// `oslogin terraform setup`: installs our providers for the real terraform, offline.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError, bool, parseArgs, str } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { packageRoot } from "../../util/package-root.js";

const DEFAULT_DIR = ".oslogin/terraform";

const help = `oslogin terraform setup: let the real terraform use oslogin-kit's providers, offline

Usage: oslogin terraform setup [--dir D] [--json]

Writes a terraform CLI config file and a local provider mirror holding
registry.terraform.io/yandex-cloud/yandex and registry.terraform.io/hashicorp/null
(the null provider too, because terraform starts every provider a stack lists and
cannot download one here). Each mirrored provider is a small wrapper that runs this
checkout's built provider (dist/src/cli/terraform-provider.js) with node; it never
changes after install, so rebuilding oslogin-kit needs no new 'terraform init'.
Running setup again is safe: unchanged files are left alone.

Flags:
  --dir D    where to write terraformrc and mirror/ (default: ${DEFAULT_DIR})
  --json     print {cliConfigFile, mirrorDir, providers} in the JSON envelope instead of the two lines

Then, with the cdktf CLI in the project (docs/cdktf-deploy.md):
  export TF_CLI_CONFIG_FILE=<dir>/terraformrc CHECKPOINT_DISABLE=1
  npx cdktf deploy --auto-approve
or with terraform in a synthesized stack (cdktf.out/stacks/<stack>):
  terraform init && terraform apply

Stacks built with YandexProvider pin the mirrored versions and get a
.terraform.lock.hcl at synth, so cdktf-cli never asks the registry to lock them.

The provider reaches the cloud named in the stack's provider "yandex" block: endpoint
(what \`oslogin serve\` prints), token (or YC_TOKEN) or service_account_key_file, and
root_certs = "<data-dir>/tls/cert.pem" (or insecure = true) to trust the emulator's
certificate. With OSLOGIN_TF_DATA_DIR=<data-dir> in terraform's environment it uses
that embedded cloud in process instead. See docs/terraform.md and docs/cdktf-deploy.md.

Example:
  npm run build && oslogin terraform setup --dir ~/.oslogin/terraform`;

const command: Command = {
  name: "terraform",
  summary: "Set up the real terraform to use our providers offline (terraform setup)",
  help,
  async run(argv) {
    const args = parseArgs(argv, { dir: { value: true }, json: {} });
    const [sub, ...extra] = args.positionals;
    if (sub !== "setup") throw new UsageError(sub ? `unknown subcommand ${JSON.stringify(sub)}; the only one is "setup"` : 'missing subcommand: "setup"');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const { setupTerraformMirror } = await import("../../tfplugin/mirror.js");
    // Always the built entry: the wrapper runs plain node, which cannot run our .ts sources.
    const entry = join(packageRoot(dirname(fileURLToPath(import.meta.url))), "dist", "src", "cli", "terraform-provider.js");
    let result;
    try {
      result = setupTerraformMirror({ dir: resolve(str(args, "dir") ?? DEFAULT_DIR), entry });
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
    if (bool(args, "json")) {
      printJsonResult("terraform setup", { ...result });
      return 0;
    }
    for (const p of result.providers) {
      console.error(`${p.unchanged ? "unchanged" : "installed"} ${p.source} ${p.version} -> ${p.executable}`);
    }
    console.error(`wrote ${result.cliConfigFile}\n\nNow export these (cdktf-cli reads CHECKPOINT_DISABLE, or it logs a failed version check offline),\nthen run cdktf deploy in the project, or terraform init in cdktf.out/stacks/<stack>:`);
    console.log(`export TF_CLI_CONFIG_FILE=${shellQuote(result.cliConfigFile)}`);
    console.log("export CHECKPOINT_DISABLE=1");
    return 0;
  },
};

const shellQuote = (s: string): string => (/^[\w./+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export default command;

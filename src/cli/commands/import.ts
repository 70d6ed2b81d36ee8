// `oslogin import ADDR ID`: adopt an object that already exists in the cloud into state.
import { parseArgs, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { COMMON_FLAGS, COMMON_HELP, openSession } from "../engine-session.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics } from "../engine-output.js";
import { hasErrors } from "../../engine/diagnostics.js";
import { redactResource } from "../../engine/redact.js";
import { findDefinition } from "../../resources/registry.js";

const help = `oslogin import: adopt an existing cloud object into the stack's state

Usage: oslogin import ADDR ID [common flags]

ADDR is a resource address declared in the configuration (TYPE.NAME, TYPE.NAME[0],
TYPE.NAME["key"]); ID is the type's import ID, e.g.:
  yandex_organizationmanager_os_login_profile   <profile id>
  yandex_iam_service_account                    <service account id>
  yandex_resourcemanager_folder_iam_member      <folder_id>,<role>,<TYPE:ID>
The object is read from the cloud and written to state; run "oslogin plan" afterwards to
see whether the configuration matches it.

${COMMON_HELP}

${EXIT_CODES_HELP}

Example:
  oslogin import yandex_organizationmanager_os_login_profile.alice f6o0123456789abcdef0`;

const command: Command = {
  name: "import",
  summary: "Adopt an existing object into state",
  help,
  async run(argv) {
    const args = parseArgs(argv, COMMON_FLAGS);
    if (args.positionals.length !== 2) throw new UsageError("expected two arguments: ADDR ID");
    const [addr, id] = args.positionals;
    const s = await openSession(args);
    try {
      const r = await s.engine.import({ outDir: s.outDir, stack: s.stack }, addr, id);
      if (!r.instance || hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
      printDiagnostics(r.diagnostics, s.style);
      const shown = redactResource(findDefinition(r.instance.type, "resource"), r.instance.attributes);
      if (s.json) printJsonResult("import", { address: addr, attributes: shown });
      else console.log(s.style.green(`Import successful: ${addr} is now managed (id ${String(r.instance.attributes.id ?? id)}).`) + '\nRun "oslogin plan" to compare it with the configuration.');
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;

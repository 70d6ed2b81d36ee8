// `oslogin import ADDR ID`: adopt an object that already exists in the cloud into state.
// `oslogin import --generate-construct FILE.ts`: write the constructs that declare existing objects
// (src/codegen), so the next apply adopts them.
import { existsSync } from "node:fs";
import path from "node:path";
import { bool, parseArgs, str, UsageError, type ParsedArgs } from "../args.js";
import type { Command } from "../command.js";
import { CliError, diagnosticsError } from "../errors.js";
import { printJsonResult } from "../views/json.js";
import { COMMON_FLAGS, COMMON_HELP, openSession, type Session } from "../engine-session.js";
import { planOptionFlags, planOptionHelp, planOptions } from "../plan-options.js";
import { EXIT, EXIT_CODES_HELP, printDiagnostics } from "../engine-output.js";
import { hasErrors } from "../../engine/diagnostics.js";
import { redactResource } from "../../engine/redact.js";
import { findDefinition, getDefinition } from "../../resources/registry.js";
import { DEFAULT_RETRY } from "../../engine/concurrency.js";
import { loadStack } from "../../engine/config/load.js";
import { adoptFromImportBlocks, adoptOrganization, type Adoption } from "../../codegen/adopt.js";
import { renderConstructs } from "../../codegen/typescript.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";

/** The function the generated module exports; the module its constructs come from. */
const GENERATED_FUNCTION = "importedOsLogin";
const CONSTRUCTS_MODULE = "oslogin-kit";

const FLAGS = {
  ...COMMON_FLAGS,
  ...planOptionFlags({ variablesOnly: true }),
  "generate-construct": { value: true },
  organization: { value: true },
  force: {},
};

const help = `oslogin import: adopt an existing cloud object into the stack's state

Usage: oslogin import ADDR ID [-var 'NAME=VALUE'] [-var-file=FILE] [common flags]
       oslogin import --generate-construct FILE.ts [--organization ID] [--force] [common flags]

ADDR is a resource address declared in the configuration (TYPE.NAME, TYPE.NAME[0],
TYPE.NAME["key"]); ID is the type's import ID, e.g.:
  yandex_organizationmanager_os_login_profile   <profile id>
  yandex_iam_service_account                    <service account id>
  yandex_resourcemanager_folder_iam_member      <folder_id>,<role>,<TYPE:ID>
The object is read from the cloud and written to state; run "oslogin plan" afterwards to
see whether the configuration matches it. The provider configuration (its organization, cloud
and folder) may use the stack's variables: give them as for plan:
${planOptionHelp({ variablesOnly: true })}

--generate-construct FILE.ts writes TypeScript that declares existing objects with oslogin-kit's
constructs (their current values, importFrom(ID) so the next apply adopts them, no secrets) as
a function ${GENERATED_FUNCTION}(scope) to call in the stack. Which objects:
  (default)           the stack's import blocks whose address has no resource yet (e.g.
                      from an L1's generateConfigForImport); each construct is named as
                      its address
  --organization ID   the organization's OS Login objects neither in the stack's state nor
                      declared in it yet: its
                      OS Login settings, profiles, user SSH keys, the service accounts they
                      belong to, compute.osLogin / compute.osAdminLogin bindings on it and on
                      its folders (service account keys cannot be imported: listed in a comment)
  --force             overwrite FILE if it exists (refused otherwise)

${COMMON_HELP}

${EXIT_CODES_HELP}

Examples:
  oslogin import yandex_organizationmanager_os_login_profile.alice f6o0123456789abcdef0
  oslogin import --generate-construct imported.ts --organization bpfquickstartorg0001`;

const command: Command = {
  name: "import",
  summary: "Adopt an existing object into state",
  help,
  async run(argv) {
    const args = parseArgs(argv, FLAGS);
    const file = str(args, "generate-construct");
    if (file !== undefined) return generate(args, file);
    if (str(args, "organization") !== undefined || bool(args, "force")) throw new UsageError("--organization and --force go with --generate-construct FILE.ts");
    if (args.positionals.length !== 2) throw new UsageError("expected two arguments: ADDR ID");
    const [addr, id] = args.positionals;
    const { variables } = planOptions(args, { variablesOnly: true });
    const s = await openSession(args);
    try {
      const r = await s.engine.import({ outDir: s.outDir, stack: s.stack, variables }, addr, id);
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

/** The target of --generate-construct, checked before the cloud is opened. */
function generatedFile(file: string, force: boolean): string {
  if (!file.endsWith(".ts") || file.endsWith(".d.ts")) throw new UsageError(`--generate-construct must name a TypeScript file ending in .ts, got ${JSON.stringify(file)}`);
  const target = path.resolve(file);
  if (!existsSync(path.dirname(target))) throw new UsageError(`--generate-construct ${file}: the directory ${path.dirname(target)} does not exist`);
  if (existsSync(target) && !force) throw new UsageError(`--generate-construct ${file}: the file exists; pass --force to overwrite it`);
  return target;
}

async function adoption(s: Session, organization: string | undefined): Promise<Adoption> {
  const loaded = loadStack(s.outDir, s.stack);
  if (!loaded.config || hasErrors(loaded.diagnostics)) throw diagnosticsError(loaded.diagnostics);
  const ctx = { cloud: s.cloud, config: loaded.config, definitions: findDefinition, variables: {}, retry: DEFAULT_RETRY };
  if (organization === undefined) {
    const r = await adoptFromImportBlocks(ctx);
    if (r.objects.length === 0 && !hasErrors(r.diagnostics)) {
      throw new CliError(`nothing to generate: stack ${s.stack} has no import block whose address lacks a resource; add one (generateConfigForImport) or pass --organization ID`);
    }
    return r;
  }
  const current = await s.engine.currentState(s.stack, s.outDir);
  if (!current.state) throw diagnosticsError(current.diagnostics);
  return adoptOrganization(ctx, organization, current.state);
}

async function generate(args: ParsedArgs, file: string): Promise<number> {
  if (args.positionals.length) throw new UsageError("--generate-construct takes no ADDR ID arguments");
  const organization = str(args, "organization");
  if (organization === "") throw new UsageError("--organization must be an organization id, got an empty string");
  const target = generatedFile(file, bool(args, "force"));
  const s = await openSession(args);
  try {
    const r = await adoption(s, organization);
    if (hasErrors(r.diagnostics)) throw diagnosticsError(r.diagnostics);
    if (r.objects.length === 0) throw new CliError(`nothing to generate: every OS Login object of organization ${organization} is already in the state or the configuration of stack ${s.stack}`);
    const command = `oslogin import --generate-construct ${path.basename(target)}${organization ? ` --organization ${organization}` : ""}`;
    const text = renderConstructs(r.objects, r.notAdopted, { command, functionName: GENERATED_FUNCTION, from: CONSTRUCTS_MODULE, definitions: (t) => getDefinition(t) });
    writeSecretFileAtomic(target, text, 0o644);
    const constructs = r.objects.map((o) => ({ id: o.constructId, type: o.type, importId: o.importId }));
    if (s.json) printJsonResult("import", { file: target, constructs, notAdopted: r.notAdopted });
    else {
      console.log(s.style.green(`Wrote ${file}: ${constructs.length} construct${constructs.length === 1 ? "" : "s"} to import.`));
      for (const n of r.notAdopted) console.log(`Not declared: ${n.what} (${n.why}).`);
      console.log(`Call ${GENERATED_FUNCTION}(this) in the stack, then "oslogin plan" shows them as "will be imported".`);
    }
    return EXIT.OK;
  } finally {
    await s.close();
  }
}

export default command;

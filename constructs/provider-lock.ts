// A dependency lock file next to each synthesized stack, so `cdktf deploy/diff/destroy` work offline.
//
// Why: before its first `terraform init` of a stack, cdktf-cli runs `terraform providers lock
// -platform=linux_amd64`, and terraform's lock command ignores the CLI config's provider_installation
// (it asks the origin registry, registry.terraform.io, unless given -fs-mirror). cdktf-cli skips that
// step when the stack directory already has a .terraform.lock.hcl whose entries carry version
// constraints matching the stack's required_providers. So at synth we write one, once: version and
// constraints only, no hashes. `terraform init` accepts an entry without hashes, installs the
// package from the mirror and records its h1: hash itself; a hash written here would be wrong on
// any other machine, because the mirror's wrapper script names this machine's node and checkout.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TerraformStack, type IStackSynthesizer, type ISynthesisSession } from "cdktf";
import { PROVIDER_SOURCES, PROVIDER_VERSIONS } from "../src/resources/registry.js";

export const LOCK_FILE_NAME = ".terraform.lock.hcl";

/** registry.terraform.io/<namespace>/<type> -> the version our mirror serves. */
const MIRRORED: ReadonlyMap<string, string> = new Map(
  (Object.keys(PROVIDER_SOURCES) as (keyof typeof PROVIDER_SOURCES)[]).map((k) => [`registry.terraform.io/${PROVIDER_SOURCES[k]}`, PROVIDER_VERSIONS[k]]),
);

/** Terraform's full source address: "null" -> registry.terraform.io/hashicorp/null. */
function fullSource(local: string, source: string | undefined): string {
  const s = (source ?? local).toLowerCase();
  const parts = s.split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${s}`;
  return s;
}

/**
 * The lock file for a stack's required_providers, or undefined when a lock file cannot avoid the
 * registry anyway: a provider we do not mirror, or a version pin other than the mirror's.
 */
export function lockFileFor(requiredProviders: Record<string, unknown>): string | undefined {
  const entries: string[] = [];
  for (const [local, req] of Object.entries(requiredProviders).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const r = typeof req === "string" ? { version: req } : (req as { source?: string; version?: string });
    const source = fullSource(local, r.source);
    const version = MIRRORED.get(source);
    if (version === undefined || r.version !== version) return undefined;
    entries.push([`provider ${JSON.stringify(source)} {`, `  version     = ${JSON.stringify(version)}`, `  constraints = ${JSON.stringify(version)}`, "}", ""].join("\n"));
  }
  if (entries.length === 0) return undefined;
  return [
    "# Written by oslogin-kit at synth: the provider versions of the local mirror (`oslogin terraform setup`).",
    "# `terraform init` adds the checksums of the packages it installs; it maintains this file from then on.",
    "",
    ...entries,
  ].join("\n");
}

/** Writes the lock file into a synthesized stack directory unless one is there already. */
export function ensureLockFile(stackDir: string, stackFile: string): void {
  const target = path.join(stackDir, LOCK_FILE_NAME);
  if (existsSync(target)) return; // terraform's from now on
  const doc = JSON.parse(readFileSync(stackFile, "utf8")) as { terraform?: { required_providers?: Record<string, unknown> } };
  const text = lockFileFor(doc.terraform?.required_providers ?? {});
  if (text === undefined) return;
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, target);
}

const wrapped = new WeakSet<TerraformStack>();

/** Makes the stack's synthesis also write the lock file (once per stack, whatever calls it). */
export function writeLockFileAtSynth(stack: TerraformStack): void {
  if (wrapped.has(stack)) return;
  wrapped.add(stack);
  const inner: IStackSynthesizer = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      inner.synthesize(session);
      const m = session.manifest.forStack(stack);
      const file = path.join(session.outdir, m.synthesizedStackPath);
      // HCL output (synth --hcl) has no JSON to read; terraform then locks as usual.
      if (file.endsWith(".json")) ensureLockFile(path.join(session.outdir, m.workingDirectory), file);
    },
  };
}

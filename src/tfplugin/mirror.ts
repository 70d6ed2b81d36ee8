// The offline installation of our providers for the real terraform: a CLI config file with a
// filesystem_mirror (and `direct` excluding our sources, so terraform never asks the registry for
// them) and the mirror's unpacked layout
//   <dir>/mirror/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>
// where each executable is a tiny shell wrapper that execs node on our built entry.
//
// The wrapper's bytes depend only on the node binary and the entry path: `terraform init` records a
// hash of the provider directory in .terraform.lock.hcl, and a wrapper that changed afterwards would
// fail every command with "does not match any of the checksums". Code changes land in dist/, outside
// the hashed directory.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROVIDER_SOURCES, PROVIDER_VERSIONS } from "../resources/registry.js";

export interface MirroredProvider {
  /** Terraform's source address, e.g. registry.terraform.io/yandex-cloud/yandex. */
  source: string;
  namespace: string;
  type: string;
  /** The version placed in the mirror; must satisfy what stacks pin in required_providers. */
  version: string;
}

/** Exactly the versions stacks pin (YandexProvider; @cdktf/provider-null pins the same null). */
export const MIRRORED_PROVIDERS: MirroredProvider[] = (["yandex", "null"] as const).map((type) => {
  const [namespace] = PROVIDER_SOURCES[type].split("/");
  return { source: `registry.terraform.io/${PROVIDER_SOURCES[type]}`, namespace, type, version: PROVIDER_VERSIONS[type] };
});

export interface SetupOptions {
  /** Where to write the CLI config and the mirror. */
  dir: string;
  /** Absolute path of the built provider entry (dist/src/cli/terraform-provider.js). */
  entry: string;
  /** The node binary the wrapper runs (default: this process's). */
  node?: string;
  /** Terraform's platform name (default: this machine's). */
  platform?: string;
}

export interface SetupResult {
  cliConfigFile: string;
  mirrorDir: string;
  providers: { source: string; version: string; executable: string; unchanged: boolean }[];
}

export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const cpu = ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" } as Record<string, string>)[arch] ?? arch;
  return `${os}_${cpu}`;
}

/** POSIX sh single-quoting: safe for any path. */
const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** HCL string literal (paths may hold quotes or backslashes). */
const hcl = (s: string): string => JSON.stringify(s);

export function wrapperScript(node: string, entry: string, providerType: string): string {
  return [
    "#!/bin/sh",
    `# terraform-provider-${providerType}, served by oslogin-kit. Written by \`oslogin terraform setup\`.`,
    "# Do not edit: terraform's lock file holds a hash of this directory.",
    `exec ${shQuote(node)} ${shQuote(entry)} ${providerType}`,
    "",
  ].join("\n");
}

export function cliConfig(mirrorDir: string, providers: MirroredProvider[] = MIRRORED_PROVIDERS): string {
  const sources = providers.map((p) => hcl(p.source)).join(", ");
  return [
    "# Terraform CLI configuration written by `oslogin terraform setup`: our providers come from the",
    "# local mirror below, never from the registry (this works offline).",
    "# No version check against checkpoint-api.hashicorp.com on every command (offline it only fails).",
    "disable_checkpoint = true",
    "",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${hcl(mirrorDir)}`,
    `    include = [${sources}]`,
    "  }",
    "  direct {",
    `    exclude = [${sources}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Writes the mirror and the CLI config. Idempotent: unchanged files are not rewritten. */
export function setupTerraformMirror(opts: SetupOptions): SetupResult {
  const dir = resolve(opts.dir);
  const entry = resolve(opts.entry);
  if (!existsSync(entry)) {
    throw new Error(`the provider entry ${entry} does not exist: build first (npm run build)`);
  }
  const node = opts.node ?? process.execPath;
  const platform = opts.platform ?? terraformPlatform();
  const mirrorDir = join(dir, "mirror");
  const providers = MIRRORED_PROVIDERS.map((p) => {
    const pkgDir = join(mirrorDir, "registry.terraform.io", p.namespace, p.type, p.version, platform);
    const executable = join(pkgDir, `terraform-provider-${p.type}_v${p.version}`);
    mkdirSync(pkgDir, { recursive: true });
    const unchanged = writeIfChanged(executable, wrapperScript(node, entry, p.type), 0o755);
    return { source: p.source, version: p.version, executable, unchanged };
  });
  const cliConfigFile = join(dir, "terraformrc");
  writeIfChanged(cliConfigFile, cliConfig(mirrorDir), 0o644);
  return { cliConfigFile, mirrorDir, providers };
}

/** Atomic write, skipped when the content is already there; returns true when nothing changed. */
function writeIfChanged(path: string, content: string, mode: number): boolean {
  try {
    if (readFileSync(path, "utf8") === content) {
      chmodSync(path, mode);
      return true;
    }
  } catch {
    // not there yet
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
  return false;
}

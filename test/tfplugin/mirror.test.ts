import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliConfig, setupTerraformMirror, terraformPlatform, wrapperScript } from "../../src/tfplugin/mirror.js";

let dir: string;
let entry: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tfmirror-"));
  entry = join(dir, "entry.js");
  writeFileSync(entry, "");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("offline mirror setup", () => {
  it("GIVEN node and entry paths WHEN the wrapper is written THEN it execs node on the entry with the provider name, quoted for sh", () => {
    expect(wrapperScript("/usr/bin/node", "/opt/it's/entry.js", "yandex")).toBe(
      [
        "#!/bin/sh",
        "# terraform-provider-yandex, served by oslogin-kit. Written by `oslogin terraform setup`.",
        "# Do not edit: terraform's lock file holds a hash of this directory.",
        "exec '/usr/bin/node' '/opt/it'\\''s/entry.js' yandex",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN a mirror dir WHEN the CLI config is written THEN it has a filesystem_mirror and a direct exclude for both providers", () => {
    expect(cliConfig("/m")).toBe(
      [
        "# Terraform CLI configuration written by `oslogin terraform setup`: our providers come from the",
        "# local mirror below, never from the registry (this works offline).",
        "# No version check against checkpoint-api.hashicorp.com on every command (offline it only fails).",
        "disable_checkpoint = true",
        "",
        "provider_installation {",
        "  filesystem_mirror {",
        '    path    = "/m"',
        '    include = ["registry.terraform.io/yandex-cloud/yandex", "registry.terraform.io/hashicorp/null"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/yandex-cloud/yandex", "registry.terraform.io/hashicorp/null"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN setup runs twice WHEN nothing changed THEN the wrappers keep their bytes and are reported unchanged", () => {
    const first = setupTerraformMirror({ dir, entry, node: "/usr/bin/node", platform: "linux_amd64" });
    expect(first.providers.map((p) => [p.executable.slice(dir.length), p.unchanged])).toEqual([
      ["/mirror/registry.terraform.io/yandex-cloud/yandex/0.150.0/linux_amd64/terraform-provider-yandex_v0.150.0", false],
      ["/mirror/registry.terraform.io/hashicorp/null/3.2.4/linux_amd64/terraform-provider-null_v3.2.4", false],
    ]);
    expect(statSync(first.providers[0].executable).mode & 0o777).toBe(0o755);
    const bytes = readFileSync(first.providers[0].executable, "utf8");
    const second = setupTerraformMirror({ dir, entry, node: "/usr/bin/node", platform: "linux_amd64" });
    expect(second.providers.map((p) => p.unchanged)).toEqual([true, true]);
    expect(readFileSync(second.providers[0].executable, "utf8")).toBe(bytes);
    expect(readFileSync(second.cliConfigFile, "utf8")).toBe(cliConfig(join(dir, "mirror")));
  });

  it("GIVEN an entry that was not built WHEN set up THEN the error says to build first and nothing is written", () => {
    expect(() => setupTerraformMirror({ dir: join(dir, "out"), entry: join(dir, "missing.js") })).toThrowError(
      `the provider entry ${join(dir, "missing.js")} does not exist: build first (npm run build)`,
    );
  });

  it("GIVEN node's platform names WHEN mapped THEN they are terraform's", () => {
    expect([terraformPlatform("linux", "x64"), terraformPlatform("darwin", "arm64"), terraformPlatform("win32", "x64")]).toEqual([
      "linux_amd64",
      "darwin_arm64",
      "windows_amd64",
    ]);
  });
});

// YandexProvider as cdktf-cli needs it: a pinned version the mirror serves (cdktf-cli refuses a
// required provider without one), every argument a pipeline sets, and a .terraform.lock.hcl written
// at synth so cdktf-cli skips `terraform providers lock` (which would ask the registry).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NullProvider } from "@cdktf/provider-null/lib/provider/index.js";
import { App, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { YandexProvider } from "../../constructs/index.js";
import { lockFileFor } from "../../constructs/provider-lock.js";
import { MIRRORED_PROVIDERS } from "../../src/tfplugin/mirror.js";

function synth(build: (stack: TerraformStack) => void, outdir = mkdtempSync(join(tmpdir(), "oslogin-provider-"))) {
  const app = new App({ outdir });
  build(new TerraformStack(app, "s"));
  app.synth();
  const stackDir = join(outdir, "stacks/s");
  return { outdir, stackDir, json: JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) };
}

describe("GIVEN YandexProvider", () => {
  it("WHEN synthesized THEN required_providers pins the versions the mirror holds, for yandex and null alike", () => {
    const { json } = synth((s) => {
      new YandexProvider(s, "yandex");
      new NullProvider(s, "null");
    });
    expect(json.terraform.required_providers).toEqual({
      yandex: { source: "yandex-cloud/yandex", version: "0.150.0" },
      null: { source: "null", version: "3.2.4" },
    });
    expect(MIRRORED_PROVIDERS.map((p) => [p.source, p.version])).toEqual([
      ["registry.terraform.io/yandex-cloud/yandex", "0.150.0"],
      ["registry.terraform.io/hashicorp/null", "3.2.4"],
    ]);
  });

  it("WHEN given the transport and trust arguments THEN the provider block carries them under the provider's names", () => {
    const { json } = synth((s) => {
      new YandexProvider(s, "yandex", { endpoint: "127.0.0.1:9443", rootCerts: "/d/tls/cert.pem", insecure: false, maxRetries: 3, organizationId: "org1" });
    });
    expect(json.provider.yandex).toEqual([{ endpoint: "127.0.0.1:9443", root_certs: "/d/tls/cert.pem", insecure: false, max_retries: 3, organization_id: "org1" }]);
  });

  it("WHEN synthesized THEN the stack directory gets a lock file with versions and constraints, no hashes; an existing one is left alone", () => {
    const first = synth((s) => {
      new YandexProvider(s, "yandex");
      new YandexProvider(s, "west", { alias: "west" });
      new NullProvider(s, "null");
    });
    const lockFile = join(first.stackDir, ".terraform.lock.hcl");
    expect(readFileSync(lockFile, "utf8")).toBe(
      [
        "# Written by oslogin-kit at synth: the provider versions of the local mirror (`oslogin terraform setup`).",
        "# `terraform init` adds the checksums of the packages it installs; it maintains this file from then on.",
        "",
        'provider "registry.terraform.io/hashicorp/null" {',
        '  version     = "3.2.4"',
        '  constraints = "3.2.4"',
        "}",
        "",
        'provider "registry.terraform.io/yandex-cloud/yandex" {',
        '  version     = "0.150.0"',
        '  constraints = "0.150.0"',
        "}",
        "",
      ].join("\n"),
    );
    writeFileSync(lockFile, "# terraform's now\n");
    synth((s) => new YandexProvider(s, "yandex"), first.outdir);
    expect(readFileSync(lockFile, "utf8")).toBe("# terraform's now\n");
  });

  it("WHEN the stack pins another version or needs a provider we do not mirror THEN no lock file is written (terraform must lock it online)", () => {
    expect(existsSync(join(synth((s) => new YandexProvider(s, "yandex", { version: "0.140.0" })).stackDir, ".terraform.lock.hcl"))).toBe(false);
    expect(lockFileFor({ yandex: { source: "yandex-cloud/yandex", version: "0.150.0" }, aws: { source: "hashicorp/aws", version: "5.0.0" } })).toBeUndefined();
    expect(lockFileFor({})).toBeUndefined();
  });
});

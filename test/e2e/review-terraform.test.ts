// Issue 18 acceptance: the quickstart planned by the real terraform through our provider and by
// oslogin, both shown in terraform's JSON format. `oslogin review` of terraform's plan JSON equals
// the review of oslogin's own plan of the same change, and resource_changes (addresses, actions,
// before, after) agree except where docs/review.md says why.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT as ROOT } from "./harness/paths.js";
import { CLI, requireTerraform, runTerraform, seedQuickstart, terraformEnv } from "./harness/terraform.js";

type Rc = { address: string; change: { actions: string[]; before: unknown; after: Record<string, unknown> | null; after_unknown: Record<string, unknown> } };

let work: string;
let stackDir: string;
let tfJson: { resource_changes: Rc[] } & Record<string, unknown>;
let osJson: { resource_changes: Rc[] } & Record<string, unknown>;
const tfCloud = () => join(work, "cloud-terraform");
const osCloud = () => join(work, ".oslogin");

function oslogin(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("GIVEN the quickstart planned by the real terraform and by oslogin", { timeout: 300_000 }, () => {
  beforeAll(() => {
    requireTerraform();
    if (!existsSync(join(ROOT, "dist/src/cli/terraform-provider.js")) || !existsSync(CLI)) {
      throw new Error("dist/ is missing: build first (npm run build); the provider wrapper runs the built entry");
    }
    work = mkdtempSync(join(tmpdir(), "oslogin-review-tf-"));
    execFileSync(process.execPath, [join(ROOT, "dist/examples/quickstart/main.js")], { cwd: work, stdio: "pipe" });
    stackDir = join(work, "cdktf.out/stacks/quickstart");
    seedQuickstart(tfCloud());
    seedQuickstart(osCloud());
    const env = terraformEnv(work, { OSLOGIN_TF_DATA_DIR: tfCloud() });
    runTerraform(["init", "-input=false"], { cwd: stackDir, env });
    runTerraform(["plan", "-input=false", "-out", "tfplan"], { cwd: stackDir, env });
    const shown = runTerraform(["show", "-json", "tfplan"], { cwd: stackDir, env });
    writeFileSync(join(work, "terraform-plan.json"), shown.stdout);
    tfJson = JSON.parse(shown.stdout);

    expect(oslogin(["plan", "-out", "oplan"]).code).toBe(0);
    const own = oslogin(["show", "-json", "oplan"]);
    expect(own.err).toBe("");
    writeFileSync(join(work, "oslogin-plan.json"), own.out);
    osJson = JSON.parse(own.out);
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("THEN both are terraform's plan format 1.2 with the same top-level keys", () => {
    expect(osJson.format_version).toBe("1.2");
    expect(tfJson.format_version).toBe("1.2");
    // Keys terraform has and the engine cannot fill (docs/review.md): checks (no check blocks),
    // timestamp, and relevant_attributes on a plan without drift (the engine records which
    // resources a resource refers to, not which of their attributes).
    const terraformOnly = ["checks", "timestamp", "relevant_attributes"];
    expect(Object.keys(osJson).sort()).toEqual(Object.keys(tfJson).filter((k) => !terraformOnly.includes(k)).sort());
  });

  it("THEN resource_changes agree on addresses, actions, before, after and after_unknown", () => {
    const view = (j: { resource_changes: Rc[] }) => j.resource_changes.map((r) => ({ address: r.address, actions: r.change.actions, before: r.change.before, after: r.change.after, after_unknown: r.change.after_unknown }));
    expect(view(osJson)).toEqual(view(tfJson));
  });

  it("WHEN reviewed with oslogin review THEN terraform's plan gives the same access review as oslogin's own plan (and as oslogin plan --review md)", () => {
    const byTerraform = oslogin(["review", "terraform-plan.json", "--format", "json", "--data-dir", tfCloud()]);
    expect(byTerraform.err).toBe("");
    const byOslogin = oslogin(["review", "oslogin-plan.json", "--format", "json", "--data-dir", osCloud()]);
    expect(JSON.parse(byTerraform.out)).toEqual(JSON.parse(byOslogin.out));
    const rows = (JSON.parse(byTerraform.out) as { access_changes: { vmName: string; memberName: string; change: string; via: string }[] }).access_changes;
    expect(rows.map((r) => [r.vmName, r.memberName, r.change, r.via])).toEqual([
      ["db-1", "ansible", "gains sudo", "folder b1gquickstartfolder1"],
      ["web-1", "ansible", "gains sudo", "folder b1gquickstartfolder1"],
      ["web-1", "Alice", "gains login", "instance"],
      ["web-2", "ansible", "gains sudo", "folder b1gquickstartfolder1"],
    ]);
    const md = oslogin(["review", "terraform-plan.json", "--format", "md", "--data-dir", tfCloud()]).out;
    const planMd = oslogin(["plan", "--review", "md"]).out;
    expect(md).toBe(planMd.replace("Plan for stack `quickstart`: 12 to add, 0 to change, 0 to destroy.\n\n", ""));
    const gate = oslogin(["review", "terraform-plan.json", "--fail-on", "gain-sudo", "--data-dir", tfCloud()]);
    expect(gate.code).toBe(3);
  });
});

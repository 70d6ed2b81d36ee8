// The cdktf CLI pipeline as a user runs it, offline: `oslogin terraform setup`, two exports, then
// `cdktf diff / deploy / destroy` on the quickstart with no extra flag and no edit of what synth
// writes, in both provider modes (the embedded data directory; `oslogin serve` over gRPC with TLS).
// The engine and terraform share the stack's one state (cdktf's local backend file): a cdktf deploy
// is "No changes" to `oslogin plan`, and an `oslogin apply` is "No changes" to `cdktf diff`.
//
// Slow by nature (each cdktf command starts node, synthesizes through tsx, then runs terraform,
// which starts our provider several times), so each mode is one test walking the whole cycle.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docShellBlocks, makeQuickstartProject, oslogin, pipelineEnv, requireTools, run, seedCloud, shell } from "./harness/cdktf-project.js";
import { startServe, type Served } from "./harness/serve.js";

const SLOW = { timeout: 900_000 };
const STACK_OBJECTS = 12;

/** Edits the copied quickstart's main.ts: alice's SSH key gets another name (an in-place update). */
function renameAliceKey(project: string, from: string, to: string): void {
  const file = join(project, "examples/quickstart/main.ts");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(`name: "${from}"`);
  writeFileSync(file, text.replace(`name: "${from}"`, `name: "${to}"`));
}

function expectClean(out: string): void {
  // CHECKPOINT_DISABLE keeps cdktf-cli from its failing version check; nothing needs the network.
  expect(out).not.toContain("checkpoint-api.hashicorp.com");
  expect(out).not.toContain("registry.terraform.io/.well-known");
}

/**
 * The shared cycle, with the commands of docs/cdktf-deploy.md ("The cycle") as written; `engine` is
 * how `oslogin` reaches the same cloud (undefined: no engine checks).
 */
function cdktfCycle(project: string, env: NodeJS.ProcessEnv, engine?: string[]): void {
  const [, cycle, review] = docShellBlocks();
  expect(cycle).toEqual(["npx cdktf diff", "npx cdktf deploy --auto-approve", "npx cdktf destroy --auto-approve"]);
  const [diff, deploy, destroy] = cycle;
  const first = shell(diff, project, env);
  expectClean(first.out);
  expect(first.out).toContain(`Plan: ${STACK_OBJECTS} to add, 0 to change, 0 to destroy.`);
  // synth left the lock file that lets cdktf-cli skip `terraform providers lock`; init completed it
  const lock = readFileSync(join(project, "cdktf.out/stacks/quickstart/.terraform.lock.hcl"), "utf8");
  expect(lock).toMatch(/provider "registry.terraform.io\/yandex-cloud\/yandex" \{\n {2}version {5}= "0.150.0"\n {2}constraints = "0.150.0"\n {2}hashes = \[\n {4}"h1:/);

  const deployed = shell(deploy, project, env);
  expectClean(deployed.out);
  expect(deployed.out).toContain(`Apply complete! Resources: ${STACK_OBJECTS} added, 0 changed, 0 destroyed.`);
  // one state, where cdktf's local backend puts it
  expect(existsSync(join(project, "terraform.quickstart.tfstate"))).toBe(true);
  expect(existsSync(join(project, ".oslogin/stacks/quickstart/terraform.tfstate"))).toBe(false);

  if (engine) {
    // terraform wrote the state (uid as the number 5000); the engine reads it as its own
    const plan = oslogin(["plan", "--no-color", "--detailed-exitcode", ...engine], project, env);
    expect(plan.out).toContain("No changes. Your infrastructure matches the configuration.");
    // the docs' access review, as written: nothing changes who can log in where
    expect(review).toEqual(["npx oslogin plan --review md > access-review.md"]);
    shell(review[0], project, env);
    expect(readFileSync(join(project, "access-review.md"), "utf8")).toBe(
      "## Access changes\n\nPlan for stack `quickstart`: 0 to add, 0 to change, 0 to destroy.\n\nNo change to who can log in to OS Login VMs.\n",
    );
  }

  const again = shell(diff, project, env);
  expect(again.out).toContain("No changes. Your infrastructure matches the configuration.");

  renameAliceKey(project, "alice-quickstart", "alice-edited");
  const edited = shell(deploy, project, env);
  expect(edited.out).toContain('~ name            = "alice-quickstart" -> "alice-edited"');
  expect(edited.out).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");

  if (engine) {
    // the engine applies the next edit into the same state; terraform then sees nothing to do
    renameAliceKey(project, "alice-edited", "alice-by-engine");
    run(process.execPath, ["node_modules/.bin/tsx", "examples/quickstart/main.ts"], project, env);
    const applied = oslogin(["apply", "--auto-approve", "--no-color", ...engine], project, env);
    expect(applied.out).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    const after = shell(diff, project, env);
    expect(after.out).toContain("No changes. Your infrastructure matches the configuration.");
  }

  const destroyed = shell(destroy, project, env);
  expect(destroyed.out).toContain(`Destroy complete! Resources: ${STACK_OBJECTS} destroyed.`);
}

describe("cdktf CLI pipeline, provider on the embedded data directory", SLOW, () => {
  let dir: string;
  beforeAll(() => {
    requireTools();
    dir = makeQuickstartProject(mkdtempSync(join(tmpdir(), "oslogin-cdktf-")));
    // the data directory `oslogin` commands use by default, so the docs' commands need no flag
    seedCloud(join(dir, ".oslogin"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN the quickstart and `oslogin terraform setup` WHEN cdktf diffs, deploys, re-diffs, deploys an edit and destroys THEN each step does what it says, and the engine shares terraform's state both ways", () => {
    cdktfCycle(dir, pipelineEnv(dir, { OSLOGIN_TF_DATA_DIR: join(dir, ".oslogin") }), []);
  });
});

describe("cdktf CLI pipeline, provider talking to `oslogin serve` over gRPC (TLS)", SLOW, () => {
  let dir: string;
  let served: Served | undefined;

  beforeAll(async () => {
    requireTools();
    dir = makeQuickstartProject(mkdtempSync(join(tmpdir(), "oslogin-cdktf-grpc-")));
    served = await startServe(join(dir, "cloud"));
  });
  afterAll(async () => {
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN the quickstart synthesized against the served endpoint WHEN cdktf diffs, deploys, re-diffs, deploys an edit and destroys THEN each step succeeds over gRPC", () => {
    const env = pipelineEnv(dir, {
      // read by the quickstart app at synth: the provider block's endpoint and root_certs
      OSLOGIN_ENDPOINT: served!.grpcEndpoint,
      OSLOGIN_ROOT_CERTS: served!.tlsCertFile,
      // read by the provider in terraform's environment; it never lands in the stack file
      YC_TOKEN: readFileSync(served!.adminTokenFile, "utf8").trim(),
    });
    cdktfCycle(dir, env);
    const stack = JSON.parse(readFileSync(join(dir, "cdktf.out/stacks/quickstart/cdk.tf.json"), "utf8"));
    expect(stack.provider.yandex[0]).toMatchObject({ endpoint: served!.grpcEndpoint, root_certs: served!.tlsCertFile });
    expect(JSON.stringify(stack)).not.toContain(env.YC_TOKEN);
  });
});

// The real terraform (1.11, /usr/local/bin/terraform) drives our provider offline on the quickstart
// stack: `oslogin terraform setup`, init, plan, apply, a no-change plan, an in-place update, a
// force-new replacement, an import, destroy; and the objects terraform leaves in the cloud equal the
// ones `oslogin apply` leaves for the same stack (ids aside).
//
// The provider reaches the embedded cloud in process (OSLOGIN_TF_DATA_DIR); each terraform command
// starts it several times, and the data directory is only opened by one process at a time.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { cloudSnapshot } from "./harness/cloud-snapshot.js";
import { CLI, requireTerraform, runTerraform, SEED_FILE, seedQuickstart, TERRAFORM, terraformEnv } from "./harness/terraform.js";
import { startServe, type Served } from "./harness/serve.js";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const SCOPE = { organizationId: "bpfquickstartorg0001", folderId: "b1gquickstartfolder1" };
const ALICE = "ajealice000000000001";
const BOB = "ajebob00000000000002";

let work: string;
let stackDir: string;
let tfEnv: NodeJS.ProcessEnv;
let dataDir: string;

function tf(args: string[], opts: { allowExit?: number[]; cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; out: string } {
  return runTerraform(args, { allowExit: opts.allowExit, cwd: opts.cwd ?? stackDir, env: opts.env ?? tfEnv });
}

/** Runs fn against the cloud in dataDir (no terraform process may hold it meanwhile). */
async function withCloud<T>(dir: string, fn: (cloud: InProcessCloudClient) => Promise<T>): Promise<T> {
  const model = CloudModel.open({ dataDir: dir });
  try {
    return await fn(new InProcessCloudClient(model));
  } finally {
    model.close();
  }
}

const seed = seedQuickstart;

/** Managed resources a synthesized stack declares (the quickstart uses no count/for_each). */
function resourceCount(file: string): number {
  const stack = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, unknown>> };
  return Object.values(stack.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

const stackFile = () => join(stackDir, "cdk.tf.json");
const readStack = () => JSON.parse(readFileSync(stackFile(), "utf8"));
const writeStack = (s: unknown) => writeFileSync(stackFile(), JSON.stringify(s, null, 2));
/** The one resource of a type in the stack: [its local name, its config object]. */
function onlyResource(stack: { resource: Record<string, Record<string, Record<string, unknown>>> }, type: string): [string, Record<string, unknown>] {
  const entries = Object.entries(stack.resource[type] ?? {});
  expect(entries.map(([name]) => name)).toHaveLength(1);
  return entries[0];
}

// Each terraform command starts the providers several times: minutes on a loaded CI machine.
const SLOW = { timeout: 300_000 };

describe("real terraform with oslogin-kit's provider (quickstart stack)", SLOW, () => {
  beforeAll(() => {
    requireTerraform();
    if (!existsSync(join(ROOT, "dist/src/cli/terraform-provider.js")) || !existsSync(CLI)) {
      throw new Error("dist/ is missing: build first (npm run build); the provider wrapper runs the built entry");
    }
    work = mkdtempSync(join(tmpdir(), "oslogin-tf-e2e-"));
    // Synthesize the quickstart as a user would (its keys land in <cwd>/.oslogin/).
    execFileSync(process.execPath, [join(ROOT, "dist/examples/quickstart/main.js")], { cwd: work, stdio: "pipe" });
    stackDir = join(work, "cdktf.out/stacks/quickstart");
    dataDir = join(work, "cloud-terraform");
    seed(dataDir);
    tfEnv = terraformEnv(work, { OSLOGIN_TF_DATA_DIR: dataDir });
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("GIVEN the offline mirror WHEN terraform init runs THEN both providers install from it with no network", () => {
    const { out } = tf(["init", "-input=false"]);
    expect(out).toContain("- Installed yandex-cloud/yandex v0.150.0 (unauthenticated)");
    expect(out).toContain("- Installed hashicorp/null v3.2.4 (unauthenticated)");
    expect(out).toContain("Terraform has been successfully initialized!");
  });

  it("GIVEN an invalid login in the stack WHEN validated THEN terraform shows our check's message at that attribute's line", () => {
    const original = readFileSync(stackFile(), "utf8");
    const stack = readStack();
    const [name, profile] = onlyResource(stack, "yandex_organizationmanager_os_login_profile");
    profile.login = "Bad Login!";
    writeStack(stack);
    try {
      const { out } = tf(["validate"], { allowExit: [1] });
      expect(out).toContain('Error: Invalid login "Bad Login!"');
      expect(out).toContain(`with yandex_organizationmanager_os_login_profile.${name},`);
      // the diagnostic's attribute path lets terraform quote the exact line
      expect(out).toMatch(/^\s*\d+:\s+"login": "Bad Login!",$/m);
    } finally {
      writeFileSync(stackFile(), original);
    }
  });

  it("GIVEN an empty cloud WHEN planned THEN every resource is to be created", () => {
    const { status, out } = tf(["plan", "-input=false", "-detailed-exitcode"], { allowExit: [2] });
    expect(status).toBe(2);
    expect(out).toContain(`Plan: ${resourceCount(stackFile())} to add, 0 to change, 0 to destroy.`);
    expect(out).toContain('+ login           = "yc-sa-ansible"');
  });

  it("GIVEN the plan WHEN applied THEN terraform succeeds, a second plan shows no changes, and the cloud equals what `oslogin apply` makes of the same stack", async () => {
    const { out } = tf(["apply", "-input=false", "-auto-approve"]);
    expect(out).toContain(`Apply complete! Resources: ${resourceCount(stackFile())} added, 0 changed, 0 destroyed.`);
    const again = tf(["plan", "-input=false", "-detailed-exitcode"]);
    expect(again.status).toBe(0);
    expect(again.out).toContain("No changes. Your infrastructure matches the configuration.");

    const byTerraform = await withCloud(dataDir, (c) => cloudSnapshot(c, SCOPE));
    const engineDir = join(work, "cloud-engine");
    seed(engineDir);
    // Its own project (the stack's state is the project's terraform.quickstart.tfstate), with alice's key.
    const engineApp = join(work, "engine-app");
    cpSync(join(work, ".oslogin/quickstart-keys"), join(engineApp, ".oslogin/quickstart-keys"), { recursive: true });
    execFileSync(process.execPath, [join(ROOT, "dist/examples/quickstart/main.js")], { cwd: engineApp, stdio: "pipe" });
    execFileSync(process.execPath, [CLI, "apply", "--auto-approve", "--data-dir", engineDir], { cwd: engineApp, encoding: "utf8", stdio: "pipe" });
    const byEngine = await withCloud(engineDir, (c) => cloudSnapshot(c, SCOPE));
    expect(byTerraform).toEqual(byEngine);
    expect((byTerraform.profiles as unknown[]).length).toBeGreaterThan(0);
  });

  it("GIVEN a changed non-force-new attribute WHEN applied THEN it is an in-place update of that object", async () => {
    const stack = readStack();
    const [name, key] = onlyResource(stack, "yandex_organizationmanager_user_ssh_key");
    const before = await withCloud(dataDir, async (c) => (await c.listUserSshKeys({ organizationId: SCOPE.organizationId, subjectId: ALICE })).items);
    expect(before.map((k) => k.name)).toEqual(["alice-quickstart"]);
    key.name = "alice-renamed";
    writeStack(stack);
    const plan = tf(["plan", "-input=false"]);
    expect(plan.out).toContain(`# yandex_organizationmanager_user_ssh_key.${name} will be updated in-place`);
    expect(plan.out).toContain('~ name            = "alice-quickstart" -> "alice-renamed"');
    expect(plan.out).toMatch(/Plan: 0 to add, 1 to change, 0 to destroy\./);
    expect(tf(["apply", "-input=false", "-auto-approve"]).out).toContain("Resources: 0 added, 1 changed, 0 destroyed.");
    const after = await withCloud(dataDir, async (c) => (await c.listUserSshKeys({ organizationId: SCOPE.organizationId, subjectId: ALICE })).items);
    expect(after.map((k) => [k.id, k.name])).toEqual([[before[0].id, "alice-renamed"]]);
  });

  it("GIVEN a changed force-new attribute WHEN applied THEN the object is replaced (new id, old one gone)", async () => {
    const stack = readStack();
    const [name, key] = onlyResource(stack, "yandex_organizationmanager_user_ssh_key");
    const before = await withCloud(dataDir, async (c) => (await c.listUserSshKeys({ organizationId: SCOPE.organizationId, subjectId: ALICE })).items);
    const fresh = generateEd25519KeyPair("alice@replaced").publicKey;
    key.data = fresh;
    writeStack(stack);
    const plan = tf(["plan", "-input=false"]);
    expect(plan.out).toContain(`# yandex_organizationmanager_user_ssh_key.${name} must be replaced`);
    expect(plan.out).toMatch(/~ data\s+= .* # forces replacement/);
    expect(plan.out).toMatch(/Plan: 1 to add, 0 to change, 1 to destroy\./);
    expect(tf(["apply", "-input=false", "-auto-approve"]).out).toContain("Resources: 1 added, 0 changed, 1 destroyed.");
    const after = await withCloud(dataDir, async (c) => (await c.listUserSshKeys({ organizationId: SCOPE.organizationId, subjectId: ALICE })).items);
    expect(after).toHaveLength(1);
    expect(after[0].data).toBe(fresh);
    expect(after[0].id).not.toBe(before[0].id);
    expect(tf(["plan", "-input=false", "-detailed-exitcode"]).status).toBe(0);
  });

  it("GIVEN an attribute changed behind terraform's back WHEN planned THEN the refresh sees it and apply puts it back", async () => {
    const [key] = await withCloud(dataDir, async (c) => (await c.listUserSshKeys({ organizationId: SCOPE.organizationId, subjectId: ALICE })).items);
    await withCloud(dataDir, (c) => c.updateUserSshKey({ userSshKeyId: key.id, name: "changed-outside", updateMask: ["name"] }));
    const plan = tf(["plan", "-input=false"]);
    // ReadResource reported the cloud's value; the plan changes it back to the config's
    expect(plan.out).toContain('~ name            = "changed-outside" -> "alice-renamed"');
    expect(plan.out).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    expect(tf(["apply", "-input=false", "-auto-approve"]).out).toContain("Resources: 0 added, 1 changed, 0 destroyed.");
    const after = await withCloud(dataDir, (c) => c.getUserSshKey(key.id));
    expect(after.name).toBe("alice-renamed");
  });

  it("GIVEN an object made outside terraform WHEN imported THEN terraform adopts it and plans no change for it", async () => {
    const bobKey = generateEd25519KeyPair("bob@outside").publicKey;
    const created = await withCloud(dataDir, (c) =>
      c.createUserSshKey({ organizationId: SCOPE.organizationId, subjectId: BOB, name: "bob-outside", data: bobKey }),
    );
    writeFileSync(
      join(stackDir, "imported.tf.json"),
      JSON.stringify({
        resource: {
          yandex_organizationmanager_user_ssh_key: {
            bob_outside: { organization_id: SCOPE.organizationId, subject_id: BOB, name: "bob-outside", data: bobKey },
          },
        },
      }),
    );
    const imported = tf(["import", "-input=false", "yandex_organizationmanager_user_ssh_key.bob_outside", created.id]);
    expect(imported.out).toContain("Import successful!");
    const state = tf(["state", "show", "yandex_organizationmanager_user_ssh_key.bob_outside"]).out;
    expect(state).toContain(`id              = "${created.id}"`);
    expect(state).toContain(`subject_id      = "${BOB}"`);
    const plan = tf(["plan", "-input=false", "-detailed-exitcode"]);
    expect(plan.out).toContain("No changes.");
  });

  it("GIVEN an import ID of an object that does not exist WHEN imported THEN terraform's error names the ID", () => {
    const extra = join(stackDir, "missing.tf.json");
    writeFileSync(
      extra,
      JSON.stringify({
        resource: { yandex_organizationmanager_user_ssh_key: { missing: { organization_id: SCOPE.organizationId, subject_id: BOB, data: "x" } } },
      }),
    );
    try {
      const r = tf(["import", "-input=false", "yandex_organizationmanager_user_ssh_key.missing", "usknosuchkey00000000"], { allowExit: [1] });
      expect(r.out).toContain("Cannot import non-existent remote object");
      // terraform wraps long lines
      expect(r.out.replace(/\s+/g, " ")).toContain('No yandex_organizationmanager_user_ssh_key with import ID "usknosuchkey00000000" exists.');
    } finally {
      rmSync(extra);
    }
  });

  it("GIVEN everything applied WHEN destroyed THEN terraform removes every object it manages", async () => {
    const { out } = tf(["destroy", "-input=false", "-auto-approve"]);
    // the stack's resources plus the imported key
    expect(out).toContain(`Destroy complete! Resources: ${resourceCount(stackFile()) + 1} destroyed.`);
    const left = await withCloud(dataDir, async (c) => ({
      sshKeys: (await c.listUserSshKeys({ organizationId: SCOPE.organizationId })).items.length,
      serviceAccounts: (await c.listServiceAccounts({ folderId: SCOPE.folderId })).items.length,
      instances: (await c.listInstances({ folderId: SCOPE.folderId })).items.length,
    }));
    expect(left).toEqual({ sshKeys: 0, serviceAccounts: 0, instances: 0 });
    expect(tf(["state", "list"]).out.trim()).toBe("");
  });
});

describe("real terraform with oslogin-kit's provider through `oslogin serve` (gRPC, the official SDK client)", SLOW, () => {
  let dir: string;
  let served: Served | undefined;
  let env: NodeJS.ProcessEnv;
  let stack: string;

  beforeAll(async () => {
    requireTerraform();
    dir = mkdtempSync(join(tmpdir(), "oslogin-tf-grpc-"));
    served = await startServe(join(dir, "cloud"));
    // The app takes the endpoint and the certificate to trust at synth time, as a user's app would.
    mkdirSync(join(dir, "app"));
    execFileSync(process.execPath, [join(ROOT, "dist/examples/quickstart/main.js")], {
      cwd: join(dir, "app"),
      env: { ...process.env, OSLOGIN_ENDPOINT: served.grpcEndpoint, OSLOGIN_ROOT_CERTS: served.tlsCertFile },
      stdio: "pipe",
    });
    stack = join(dir, "app/cdktf.out/stacks/quickstart");
    const synthesized = JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8"));
    // root_certs (our extension) trusts the emulator's self-signed certificate.
    expect(synthesized.provider.yandex[0]).toMatchObject({ endpoint: served.grpcEndpoint, root_certs: served.tlsCertFile });
    // The token stays out of the stack file: the provider reads YC_TOKEN like the real one.
    env = terraformEnv(dir, { YC_TOKEN: readFileSync(served.adminTokenFile, "utf8").trim() });
  });
  afterAll(async () => {
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN the quickstart pointed at oslogin serve WHEN applied, re-planned and destroyed THEN each step succeeds over gRPC", () => {
    const run = (args: string[], allowExit = [0]) => tf(args, { cwd: stack, env, allowExit });
    expect(run(["init", "-input=false"]).out).toContain("Terraform has been successfully initialized!");
    const n = resourceCount(join(stack, "cdk.tf.json"));
    expect(run(["apply", "-input=false", "-auto-approve"]).out).toContain(`Apply complete! Resources: ${n} added, 0 changed, 0 destroyed.`);
    const plan = run(["plan", "-input=false", "-detailed-exitcode"]);
    expect(plan.out).toContain("No changes. Your infrastructure matches the configuration.");
    expect(run(["destroy", "-input=false", "-auto-approve"]).out).toContain(`Destroy complete! Resources: ${n} destroyed.`);
  });

  it("GIVEN a wrong token WHEN planning THEN terraform shows the provider's authentication error, pointing at no secret", () => {
    const r = tf(["plan", "-input=false"], { cwd: stack, env: { ...env, YC_TOKEN: "not-a-token" }, allowExit: [1] });
    expect(r.out).toContain("UNAUTHENTICATED");
    expect(r.out).not.toContain(env.YC_TOKEN!);
  });
});

describe("real terraform interrupted (Ctrl-C) while our provider applies", SLOW, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let stack: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    requireTerraform();
    dir = mkdtempSync(join(tmpdir(), "oslogin-tf-int-"));
    // A stack slow enough to interrupt: 10 VMs and 10 service accounts with keys (51 resources).
    execFileSync(process.execPath, [join(ROOT, "dist/examples/fleet/main.js")], { cwd: dir, env: { ...process.env, FLEET_SIZE: "10" }, stdio: "pipe" });
    stack = join(dir, "cdktf.out/stacks/fleet");
    seed(join(dir, "cloud"));
    env = terraformEnv(dir, { OSLOGIN_TF_DATA_DIR: join(dir, "cloud") });
    tf(["init", "-input=false"], { cwd: stack, env });
  });
  afterAll(async () => {
    // terraform stops its providers itself; only our own terraform child may need a push
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("GIVEN an apply in flight WHEN terraform gets SIGINT THEN it stops via StopProvider, keeps what finished, and the next apply completes the rest", async () => {
    const tfChild = spawn(TERRAFORM, ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: stack, env, stdio: ["ignore", "pipe", "pipe"] });
    child = tfChild;
    let out = "";
    tfChild.stdout!.on("data", (d) => (out += d));
    tfChild.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => tfChild.once("exit", (code) => r(code)));
    // Interrupt as soon as the first object exists (only this terraform process, by its pid).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes("Creation complete")) {
          clearInterval(timer);
          tfChild.kill("SIGINT");
          resolve();
        } else if (tfChild.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`terraform finished before it could be interrupted:\n${out}`));
        }
      }, 20);
    });
    expect(await exited).toBe(1);
    expect(out).toContain("Interrupt received.");
    expect(out).toContain("Error: execution halted");
    const kept = tf(["state", "list"], { cwd: stack, env }).out.trim().split("\n").filter(Boolean);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(resourceCount(join(stack, "cdk.tf.json")));

    const resumed = tf(["apply", "-input=false", "-auto-approve"], { cwd: stack, env });
    expect(resumed.out).toContain(`Apply complete! Resources: ${resourceCount(join(stack, "cdk.tf.json")) - kept.length} added`);
    const made = await withCloud(join(dir, "cloud"), async (c) => ({
      instances: (await c.listInstances({ folderId: SCOPE.folderId })).items.length,
      serviceAccounts: (await c.listServiceAccounts({ folderId: SCOPE.folderId })).items.length,
    }));
    // nothing was created twice by the interrupted apply and its resumption
    expect(made).toEqual({ instances: 10, serviceAccounts: 10 });
  });
});

// The CLI over the state backends, with one PostgreSQL cluster for the file:
// - `oslogin state pull` prints the stack's state; `state push` replaces it under the lock, refusing
//   another lineage or an older serial (as terraform state push does);
// - `oslogin workspace list|show|new|select|delete` and TF_WORKSPACE, for the local backend
//   (terraform.tfstate.d/<name>/) and pg (the row <name>);
// - `oslogin state migrate` from local to pg and back, with plan saying "No changes" after each;
// - two `oslogin apply` processes with two data directories on one pg state (and one cloud) serialize.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import pg from "pg";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profilesStack, seededModel, tempDir, withBackend, writeStack } from "../engine/fixtures.js";
import { startServe } from "../e2e/harness/serve.js";
import { adminTokenPath } from "../../src/cloud/admin-token.js";
import { tlsPaths } from "../../src/cloud/tls.js";
import { startPgCluster, type PgCluster } from "../e2e/harness/pg-cluster.js";
import { osloginWithEnv } from "./run-cli.js";

/** The built CLI (many commands here: its start-up is a quarter of tsx's). */
const oslogin = (cwd: string, ...args: string[]) => osloginWithEnv({}, cwd, ...args);

const nullStack = () => ({
  provider: { null: [{}] },
  terraform: { required_providers: { null: { source: "hashicorp/null" } } },
  resource: { null_resource: { note: { triggers: { n: "1" } } } },
});

/** A pg backend block in its own schema, so each test has its own rows in the one cluster. */
const pgIn = (schema: string) => ({ pg: { conn_str: cluster!.url, schema_name: schema } });

/** `stack` with `backend` as its terraform.backend block. */
const withBlock = (stack: ReturnType<typeof nullStack>, backend: object) => ({ ...stack, terraform: { ...stack.terraform, backend } });

/** The rows of a schema's states table: name -> [lineage, serial, addresses]. */
async function rows(schema: string): Promise<Record<string, [string, number, string[]]>> {
  const c = new pg.Client({ connectionString: cluster!.url });
  await c.connect();
  try {
    const r = await c.query(`SELECT name, data FROM "${schema}".states ORDER BY name`);
    return Object.fromEntries(
      r.rows.map((row: { name: string; data: string }) => {
        const st = JSON.parse(row.data);
        return [row.name, [st.lineage, st.serial, st.resources.map((x: { type: string; name: string }) => `${x.type}.${x.name}`)]];
      }),
    );
  } finally {
    await c.end();
  }
}

async function schemaExists(schema: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: cluster!.url });
  await c.connect();
  try {
    return (await c.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema])).rowCount === 1;
  } finally {
    await c.end();
  }
}

/** A project with a seeded cloud and `stack` synthesized; returns its directory. */
function project(prefix: string, stack: object): string {
  const dir = tempDir(prefix);
  seededModel(path.join(dir, ".oslogin")).close();
  writeStack(dir, stack);
  return dir;
}

let cluster: PgCluster | undefined;
beforeAll(async () => {
  cluster = await startPgCluster();
}, 120_000);
afterAll(() => cluster?.stop());

describe("GIVEN a stack whose state is in pg", () => {
  it("WHEN the state is pulled and pushed back THEN the same lineage goes in, and another lineage or an older serial is refused", async () => {
    const dir = tempDir("oslogin-state-push-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, withBackend(nullStack(), cluster!.url));
    const applied = await oslogin(dir, "apply", "--auto-approve");
    expect(applied.err).toBe("");
    expect(applied.out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const pulled = await oslogin(dir, "state", "pull");
    expect(pulled.code).toBe(0);
    const state = JSON.parse(pulled.out);
    expect(state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`)).toEqual(["null_resource.note"]);

    const file = path.join(dir, "pulled.tfstate");
    writeFileSync(file, pulled.out);
    const pushed = await oslogin(dir, "state", "push", file);
    expect([pushed.code, pushed.out]).toEqual([0, "Pushed " + file + " to the state of stack test.\n"]);
    const after = JSON.parse((await oslogin(dir, "state", "pull")).out);
    expect([after.lineage, after.serial]).toEqual([state.lineage, state.serial + 1]);

    writeFileSync(file, JSON.stringify({ ...state, lineage: "11111111-2222-4333-8444-555555555555" }));
    const other = await oslogin(dir, "state", "push", file);
    expect(other.code).toBe(1);
    expect(other.err).toContain(`Cannot push the state: ${file} has lineage 11111111-2222-4333-8444-555555555555, the stored state ${state.lineage}: it is another stack's state`);

    writeFileSync(file, JSON.stringify({ ...state, serial: state.serial - 1 }));
    const older = await oslogin(dir, "state", "push", file);
    expect(older.code).toBe(1);
    expect(older.err).toContain(`Cannot push the state: ${file} has serial ${state.serial - 1}, older than the stored state's ${state.serial + 1}`);
  }, 120_000);
});

describe("GIVEN a stack on the local backend", () => {
  it("WHEN workspaces are made, selected, overridden with TF_WORKSPACE and deleted THEN each has its own state under terraform.tfstate.d, as terraform lays them out", async () => {
    const dir = project("oslogin-ws-local-", withBlock(nullStack(), { local: { path: "terraform.test.tfstate" } }));
    const stackDir = path.join(dir, "cdktf.out/stacks/test");
    expect((await oslogin(dir, "apply", "--auto-approve")).out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");

    const made = await oslogin(dir, "workspace", "new", "dev");
    expect([made.code, made.out]).toEqual([0, 'Created and switched to workspace "dev". It has no state yet: a plan there sees none of the other workspaces\' objects.\n']);
    expect(existsSync(path.join(stackDir, "terraform.tfstate.d/dev"))).toBe(true);
    expect(readFileSync(path.join(dir, ".oslogin/stacks/test/environment"), "utf8")).toBe("dev\n");
    expect((await oslogin(dir, "workspace", "show")).out).toBe("dev\n");
    expect((await oslogin(dir, "apply", "--auto-approve")).out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const devState = JSON.parse(readFileSync(path.join(stackDir, "terraform.tfstate.d/dev/terraform.tfstate"), "utf8"));
    const defaultState = JSON.parse(readFileSync(path.join(stackDir, "terraform.test.tfstate"), "utf8"));
    expect(devState.resources.map((r: { name: string }) => r.name)).toEqual(["note"]);
    expect(devState.lineage).not.toBe(defaultState.lineage);
    expect((await oslogin(dir, "workspace", "list")).out).toBe("  default\n* dev\n");

    // TF_WORKSPACE wins over the selection, and select/new refuse while it is set
    const overridden = await osloginWithEnv({ TF_WORKSPACE: "default" }, dir, "plan", "--detailed-exitcode");
    expect([overridden.code, overridden.out.includes("No changes.")]).toEqual([0, true]);
    expect((await osloginWithEnv({ TF_WORKSPACE: "default" }, dir, "workspace", "list")).out).toBe("* default\n  dev\n");
    const refusedSelect = await osloginWithEnv({ TF_WORKSPACE: "default" }, dir, "workspace", "select", "dev");
    expect([refusedSelect.code, refusedSelect.err]).toEqual([1, "oslogin workspace select: the workspace is set by TF_WORKSPACE (default): unset it to select a workspace\n"]);
    const badName = await osloginWithEnv({ TF_WORKSPACE: "a/b" }, dir, "plan");
    expect(badName.code).toBe(1);
    expect(badName.err).toContain('TF_WORKSPACE: the workspace name "a/b" is not allowed: use letters, digits, "-", "_", "." and "~" only');

    // delete: not the selected one, never default, not one that still tracks objects unless forced
    expect((await oslogin(dir, "workspace", "delete", "dev")).err).toBe('oslogin workspace delete: workspace "dev" is the selected workspace: select another one before deleting it\n');
    expect((await oslogin(dir, "workspace", "select", "nope")).err).toBe('oslogin workspace select: workspace "nope" doesn\'t exist: create it with "oslogin workspace new nope"\n');
    expect((await oslogin(dir, "workspace", "select", "default")).out).toBe('Switched to workspace "default".\n');
    expect((await oslogin(dir, "workspace", "delete", "default")).err).toBe('oslogin workspace delete: the "default" workspace cannot be deleted\n');
    const kept = await oslogin(dir, "workspace", "delete", "dev");
    expect(kept.code).toBe(1);
    expect(kept.err).toContain('workspace "dev" still tracks 1 objects:\n  - null_resource.note\n');
    expect(existsSync(path.join(stackDir, "terraform.tfstate.d/dev/terraform.tfstate"))).toBe(true);
    expect((await oslogin(dir, "workspace", "delete", "dev", "-force")).out).toBe('Deleted workspace "dev".\n');
    expect(existsSync(path.join(stackDir, "terraform.tfstate.d/dev"))).toBe(false);
    expect((await oslogin(dir, "workspace", "list")).out).toBe("* default\n");
  }, 180_000);
});

describe("GIVEN a stack on the pg backend", () => {
  it("WHEN a workspace is made THEN it is a row with an empty state at once, terraform.workspace names it, and delete removes the row", async () => {
    const stack = withBlock(nullStack(), pgIn("ws_pg"));
    stack.resource.null_resource.note.triggers = { n: "${terraform.workspace}" } as never;
    const dir = project("oslogin-ws-pg-", stack);
    expect((await oslogin(dir, "workspace", "new", "staging")).code).toBe(0);
    const fresh = await rows("ws_pg");
    expect(Object.keys(fresh)).toEqual(["staging"]);
    expect(fresh.staging.slice(1)).toEqual([1, []]);
    expect((await oslogin(dir, "workspace", "list")).out).toBe("  default\n* staging\n");
    expect((await oslogin(dir, "apply", "--auto-approve")).out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const pulled = JSON.parse((await oslogin(dir, "state", "pull")).out);
    expect(pulled.resources[0].instances[0].attributes.triggers).toEqual({ n: "staging" });
    expect(pulled.lineage).toBe(fresh.staging[0]);
    expect((await oslogin(dir, "workspace", "new", "staging")).err).toBe('oslogin workspace new: workspace "staging" already exists\n');

    expect((await oslogin(dir, "workspace", "select", "default")).code).toBe(0);
    expect((await oslogin(dir, "workspace", "delete", "staging")).err).toContain('workspace "staging" still tracks 1 objects:');
    expect((await oslogin(dir, "workspace", "delete", "staging", "--force")).out).toBe('Deleted workspace "staging".\n');
    expect(await rows("ws_pg")).toEqual({});
    expect((await oslogin(dir, "workspace", "list")).out).toBe("* default\n");
  }, 180_000);
});

describe("GIVEN a plan saved for a pg backend whose schema comes from PG_SCHEMA_NAME", () => {
  it("WHEN it is applied with another PG_SCHEMA_NAME (both states empty) THEN it is refused naming both, and with the same one it applies", async () => {
    const dir = project("oslogin-plan-pg-", withBlock(nullStack(), { pg: { conn_str: cluster!.url } }));
    expect((await osloginWithEnv({ PG_SCHEMA_NAME: "plan_a" }, dir, "plan", "-out", "tf.plan")).code).toBe(0);
    const target = `pg 127.0.0.1:${new URL(cluster!.url).port} database "postgres"`;
    const refused = await osloginWithEnv({ PG_SCHEMA_NAME: "plan_b" }, dir, "apply", "tf.plan");
    expect([refused.code, refused.err]).toEqual([
      1,
      `Error: Saved plan is for another backend: the plan was made against ${target} schema "plan_a" workspace "default", and this command's state is ${target} schema "plan_b" workspace "default": ` +
        "apply it where it was planned (the same directory, --data-dir and PG_* variables), or run plan again\n",
    ]);
    expect(await schemaExists("plan_b")).toBe(false);
    const applied = await osloginWithEnv({ PG_SCHEMA_NAME: "plan_a" }, dir, "apply", "tf.plan");
    expect(applied.out).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    expect((await rows("plan_a")).default.slice(2)).toEqual([["null_resource.note"]]);
  }, 120_000);
});

describe("GIVEN a stack whose backend changes from local to pg and back", () => {
  it("WHEN the state is migrated THEN every workspace's state moves with its lineage, a foreign target is refused unless --force, and plan says No changes after", async () => {
    const local = withBlock(nullStack(), { local: { path: "terraform.test.tfstate" } });
    const dir = project("oslogin-migrate-", local);
    const stackDir = path.join(dir, "cdktf.out/stacks/test");
    expect((await oslogin(dir, "apply", "--auto-approve")).code).toBe(0);
    expect((await oslogin(dir, "workspace", "new", "dev")).code).toBe(0);
    expect((await oslogin(dir, "apply", "--auto-approve")).code).toBe(0);
    const before = {
      default: JSON.parse(readFileSync(path.join(stackDir, "terraform.test.tfstate"), "utf8")),
      dev: JSON.parse(readFileSync(path.join(stackDir, "terraform.tfstate.d/dev/terraform.tfstate"), "utf8")),
    };

    // the configuration now names pg: plan refuses to plan against the empty new backend
    writeStack(dir, withBlock(nullStack(), pgIn("mig")));
    const stopped = await oslogin(dir, "plan");
    expect(stopped.code).toBe(1);
    expect(stopped.err).toContain('Backend configuration changed: the state of stack "test" was in backend "local"');
    expect(stopped.err).toContain('run "oslogin state migrate" to copy the state there');
    // so do the workspace commands: none creates, selects, deletes or lists workspaces in pg yet
    const refusal =
      `Backend configuration changed: the state of stack "test" was in backend "local" (${stackDir}/terraform.test.tfstate) and its configuration now names ` +
      `backend "pg" (127.0.0.1:${new URL(cluster!.url).port} database "postgres" schema "mig"), which holds none of it yet: run "oslogin state migrate" to copy the state there; ` +
      `or, to start afresh in the new backend, delete ${dir}/.oslogin/stacks/test/backend.json`;
    for (const args of [["new", "qa"], ["select", "default"], ["delete", "dev"], ["list"]]) {
      const r = await oslogin(dir, "workspace", ...args);
      expect([args, r.code, r.out, r.err]).toEqual([args, 1, "", `oslogin workspace ${args[0]}: ${refusal}\n`]);
    }
    expect((await oslogin(dir, "workspace", "show")).out).toBe("dev\n");
    // and the state commands and output: listing, removing or pushing in pg would act on a backend
    // the stack does not use yet (state migrate, below, is the way across)
    writeFileSync(path.join(dir, "pushed.tfstate"), JSON.stringify(before.dev));
    const refusedAs: [string[], string][] = [
      [["state", "list"], `oslogin state list: ${refusal}\n`],
      [["state", "rm", "null_resource.note"], `Error: ${refusal}\n`],
      [["state", "push", "pushed.tfstate"], `Error: ${refusal}\n`],
      [["output"], `oslogin output: ${refusal}\n`],
    ];
    for (const [args, err] of refusedAs) {
      const r = await oslogin(dir, ...args);
      expect([args, r.code, r.out, r.err]).toEqual([args, 1, "", err]);
    }
    expect(await schemaExists("mig")).toBe(false);

    // a foreign state already in the target's default row: refused, nothing copied
    const foreign = { version: 4, terraform_version: "1.11.4", serial: 3, lineage: "11111111-2222-4333-8444-555555555555", outputs: {}, resources: [], check_results: null };
    const c = new pg.Client({ connectionString: cluster!.url });
    await c.connect();
    await c.query('CREATE SCHEMA mig; CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint; CREATE TABLE mig.states (id bigint NOT NULL DEFAULT nextval(\'public.global_states_id_seq\') PRIMARY KEY, name text UNIQUE, data text)');
    await c.query("INSERT INTO mig.states (name, data) VALUES ('default', $1)", [JSON.stringify({ ...foreign, outputs: { x: { value: "1", type: "string" } } })]);
    await c.end();
    const refused = await oslogin(dir, "state", "migrate");
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'oslogin state migrate: workspace "default": the new backend already holds another state (lineage 11111111-2222-4333-8444-555555555555, serial 3, 0 objects); copying would replace it and lose track of what it manages. Use --force to replace it anyway\n',
    );
    expect(Object.keys(await rows("mig"))).toEqual(["default"]);

    const migrated = await oslogin(dir, "state", "migrate", "--force");
    expect(migrated.code).toBe(0);
    expect(migrated.out.split("\n").slice(1)).toEqual([
      `workspace "default": copied (lineage ${before.default.lineage}, serial ${before.default.serial}, 1 objects), replacing the state that was there (--force)`,
      `workspace "dev": copied (lineage ${before.dev.lineage}, serial ${before.dev.serial}, 1 objects)`,
      "",
    ]);
    expect(await rows("mig")).toEqual({
      default: [before.default.lineage, before.default.serial, ["null_resource.note"]],
      dev: [before.dev.lineage, before.dev.serial, ["null_resource.note"]],
    });
    for (const ws of ["dev", "default"]) {
      const plan = await osloginWithEnv({ TF_WORKSPACE: ws }, dir, "plan", "--detailed-exitcode");
      expect([ws, plan.code, plan.out.includes("No changes. Your infrastructure matches the configuration.")]).toEqual([ws, 0, true]);
    }
    expect((await oslogin(dir, "state", "migrate")).out).toMatch(/^stack "test" already uses backend "pg" \(127\.0\.0\.1:\d+ database "postgres" schema "mig"\): nothing to migrate\n$/);

    // a change applied in pg, then back to local: the local files are older states of the same lineage
    const changed = withBlock(nullStack(), pgIn("mig"));
    changed.resource.null_resource.note.triggers = { n: "2" };
    writeStack(dir, changed);
    expect((await osloginWithEnv({ TF_WORKSPACE: "default" }, dir, "apply", "--auto-approve")).out).toContain("Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    const inPg = await rows("mig");
    writeStack(dir, { ...changed, terraform: local.terraform });
    const back = await oslogin(dir, "state", "migrate");
    expect(back.code).toBe(0);
    expect(back.out).toContain(`workspace "default": copied (lineage ${before.default.lineage}, serial ${inPg.default[1]}, 1 objects)\n`);
    expect(back.out).toContain(`workspace "dev": already in the new backend (serial ${before.dev.serial})\n`);
    const localAgain = JSON.parse(readFileSync(path.join(stackDir, "terraform.test.tfstate"), "utf8"));
    expect([localAgain.lineage, localAgain.serial, localAgain.resources[0].instances[0].attributes.triggers]).toEqual([before.default.lineage, inPg.default[1], { n: "2" }]);
    const plan = await osloginWithEnv({ TF_WORKSPACE: "default" }, dir, "plan", "--detailed-exitcode");
    expect([plan.code, plan.out.includes("No changes. Your infrastructure matches the configuration.")]).toEqual([0, true]);
  }, 240_000);
});

describe("GIVEN two runners with their own data directories, one cloud and one pg state", () => {
  it("WHEN both apply at once THEN the second waits for the first's lock (--lock-timeout), then finds its work done: no duplicate", async () => {
    const served = await startServe(tempDir("oslogin-two-serve-"));
    try {
      const dir = tempDir("oslogin-two-runners-");
      writeStack(dir, withBlock(profilesStack() as never, pgIn("two")));
      // each runner's data directory holds only what --endpoint needs: the emulator's certificate and token
      const dataDirs = ["runner-a", "runner-b"].map((n) => {
        const d = path.join(dir, n);
        mkdirSync(tlsPaths(d).dir, { recursive: true });
        copyFileSync(served.adminTokenFile, adminTokenPath(d));
        copyFileSync(served.tlsCertFile, tlsPaths(d).certPath);
        return d;
      });
      const release = path.join(dir, "release-the-lock");
      const started = (dataDir: string, extra: string[], env: Record<string, string>, until: RegExp) => {
        const child = spawn(process.execPath, [path.join(import.meta.dirname, "../../dist/src/cli/main.js"), "apply", "--auto-approve", "--endpoint", served.grpcEndpoint, "--data-dir", dataDir, ...extra], {
          cwd: dir,
          env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OSLOGIN_") && !k.startsWith("PG") && k !== "TF_WORKSPACE")), NO_COLOR: "1", ...env },
        });
        const r = { out: "", err: "", code: undefined as number | null | undefined };
        child.stdout.on("data", (d: Buffer) => (r.out += d.toString()));
        const exited = new Promise<typeof r>((resolve) => child.on("close", (code) => resolve({ ...r, code })));
        const reached = new Promise<void>((resolve, reject) => {
          child.stderr.on("data", (d: Buffer) => {
            r.err += d.toString();
            if (until.test(r.err)) resolve();
          });
          child.on("close", () => reject(new Error(`exited before ${until}:\n${r.out}${r.err}`)));
        });
        return { exited, reached };
      };
      // the first holds the lock (the test-only hold) before it writes anything: the creation lock, as no row exists yet
      const a = started(dataDirs[0], [], { OSLOGIN_TEST_HOLD_LOCK_UNTIL: release }, /Holding the state lock until/);
      await a.reached;
      const c = new pg.Client({ connectionString: cluster!.url });
      await c.connect();
      const held = await c.query("SELECT l.objid::text AS objid FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND s.application_name = 'oslogin'");
      await c.end();
      expect(held.rows).toEqual([{ objid: "4294967295" }]); // -1 as a bigint key: its low 32 bits
      const b = started(dataDirs[1], ["--lock-timeout", "2m"], {}, /Waiting for the state lock held by/);
      await b.reached;
      writeFileSync(release, "");
      const [first, second] = [await a.exited, await b.exited];
      expect([first.code, second.code]).toEqual([0, 0]);
      expect(second.err).toMatch(/Waiting for the state lock held by Already locked for workspace creation: default; held by database session pid \d+ from 127\.0\.0\.1\/32, application "oslogin", connected since /);
      expect(first.out).toContain("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
      // the second read the first's state after it, found every object in the cloud, and made none
      expect(second.out).toContain("No changes. Your infrastructure matches the configuration.");
      expect(second.out).not.toContain("added");
      const state = await rows("two");
      expect(Object.keys(state)).toEqual(["default"]);
      expect(state.default[2].sort()).toEqual([
        "null_resource.marker",
        "yandex_organizationmanager_organization_iam_member.bob",
        "yandex_organizationmanager_os_login_profile.alice",
        "yandex_organizationmanager_os_login_settings.org",
      ]);
    } finally {
      await served.stop();
    }
  }, 180_000);
});

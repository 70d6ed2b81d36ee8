// The pg backend against a real PostgreSQL server (Debian's postgresql, a cluster of our own):
// terraform's table layout and advisory-lock scheme, a lock that dies with its holder's session,
// and one clear line for each connection failure.
import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgBackend, pgSettings, type PgSettings } from "../../../src/engine/state/pg-backend.js";
import { emptyState } from "../../../src/engine/state/state.js";
import { freePort, startPgCluster, type PgCluster } from "../../e2e/harness/pg-cluster.js";

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPgCluster();
}, 120_000);
afterAll(() => cluster?.stop());

const settings = (over: Partial<PgSettings> = {}): PgSettings => {
  const s = pgSettings({ conn_str: cluster.url }, {});
  if (typeof s === "string") throw new Error(s);
  return { ...s, ...over };
};

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe("GIVEN a pg backend block", () => {
  it("WHEN it omits arguments THEN terraform's environment variables and defaults apply", () => {
    expect(pgSettings({}, {})).toEqual({ connStr: "", schema: "terraform_remote_state", skipSchemaCreation: false, skipTableCreation: false, skipIndexCreation: false, workspace: "default" });
    expect(pgSettings({}, { PG_CONN_STR: "postgres://h/db", PG_SCHEMA_NAME: "team", PG_SKIP_SCHEMA_CREATION: "true", PG_SKIP_TABLE_CREATION: "1" })).toEqual({
      connStr: "postgres://h/db",
      schema: "team",
      skipSchemaCreation: true,
      skipTableCreation: true,
      skipIndexCreation: false,
      // the workspace is the command's (TF_WORKSPACE or the selected one), not the block's
      workspace: "default",
    });
    // the block wins over the environment
    expect(pgSettings({ conn_str: "postgres://a/b", schema_name: "s", skip_index_creation: true }, { PG_CONN_STR: "postgres://h/db", PG_SCHEMA_NAME: "team" })).toMatchObject({ connStr: "postgres://a/b", schema: "s", skipIndexCreation: true });
    expect(pgSettings({ skip_table_creation: "yes" }, {})).toBe('backend "pg": skip_table_creation must be true or false');
    expect(pgSettings({ conn: "x" }, {})).toBe('backend "pg": unknown argument conn');
    expect(pgSettings({}, { PG_SKIP_INDEX_CREATION: "maybe" })).toBe('PG_SKIP_INDEX_CREATION must be true or false, got "maybe"');
  });
});

describe("GIVEN a PostgreSQL server", () => {
  it("WHEN a state is written THEN it is a row of terraform's table, with its sequence and index", async () => {
    const b = new PgBackend(settings({ workspace: "layout" }));
    const st = await b.read();
    expect(typeof st !== "string" && st.serial).toBe(0);
    const s = emptyState();
    await b.writer(s).flush();
    const cols = await sql<{ column_name: string; data_type: string; column_default: string | null }>(
      "SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_schema = 'terraform_remote_state' AND table_name = 'states' ORDER BY ordinal_position",
    );
    expect(cols).toEqual([
      { column_name: "id", data_type: "bigint", column_default: "nextval('global_states_id_seq'::regclass)" },
      { column_name: "name", data_type: "text", column_default: null },
      { column_name: "data", data_type: "text", column_default: null },
    ]);
    const idx = await sql<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'terraform_remote_state' AND indexname = 'states_by_name'");
    expect(idx).toEqual([{ indexdef: "CREATE UNIQUE INDEX states_by_name ON terraform_remote_state.states USING btree (name)" }]);
    const rows = await sql<{ data: string }>("SELECT data FROM terraform_remote_state.states WHERE name = 'layout'");
    expect(JSON.parse(rows[0].data)).toMatchObject({ version: 4, serial: 1, lineage: s.lineage, resources: [] });
    const again = await b.read();
    expect(typeof again !== "string" && [again.serial, again.lineage]).toEqual([1, s.lineage]);
  });

  it("WHEN one holds the workspace lock THEN another fails naming the holding session, and waits with a timeout", async () => {
    const a = new PgBackend(settings({ workspace: "locks" }));
    await a.writer(emptyState()).flush();
    const held = await a.lock("OperationTypeApply", 0);
    if (!held.ok) throw new Error(held.reason);
    const b = new PgBackend(settings({ workspace: "locks" }));
    const refused = await b.lock("OperationTypePlan", 0);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/^Workspace is already locked: locks; held by database session pid \d+ from 127\.0\.0\.1\/32, application "oslogin", connected since \d{4}-\d\d-\d\dT/);
    // another workspace is not blocked
    const other = await new PgBackend(settings({ workspace: "elsewhere" })).lock("OperationTypePlan", 0);
    expect(other.ok).toBe(true);
    if (other.ok) await other.lock.release();
    const waits: string[] = [];
    setTimeout(() => void held.lock.release(), 400);
    const t0 = Date.now();
    const waited = await b.lock("OperationTypePlan", 10_000, (h) => waits.push(h));
    expect(waited.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(waits.length).toBe(1);
    if (waited.ok) await waited.lock.release();
  });

  it("WHEN the process holding the lock is killed THEN its session ends and the lock is free", async () => {
    const a = new PgBackend(settings({ workspace: "killed" }));
    await a.writer(emptyState()).flush();
    const [{ id }] = await sql<{ id: string }>("SELECT id::text AS id FROM terraform_remote_state.states WHERE name = 'killed'");
    // a holder in another process, as terraform holds it: the row's id, session-level, no application name
    const child = spawn(process.execPath, ["-e", `const pg=require("pg");const c=new pg.Client({connectionString:process.argv[1]});c.connect().then(()=>c.query("SELECT pg_advisory_lock(${id})")).then(()=>console.log("held"));`, cluster.url], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("held") && resolve()));
    const refused = await a.lock("OperationTypeApply", 0);
    expect(!refused.ok && refused.reason).toMatch(/^Workspace is already locked: killed; held by database session pid \d+ from 127\.0\.0\.1\/32, no application name \(terraform sets none\)/);
    child.kill("SIGKILL");
    const got = await a.lock("OperationTypeApply", 10_000);
    expect(got.ok).toBe(true);
    if (got.ok) await got.lock.release();
  });

  it("WHEN the workspace has no row and its creation lock is held THEN terraform's creation message", async () => {
    const c = new pg.Client({ connectionString: cluster.url });
    await c.connect();
    try {
      await c.query("SELECT pg_advisory_lock(-1)");
      const r = await new PgBackend(settings({ workspace: "fresh" })).lock("OperationTypeApply", 0);
      expect(!r.ok && r.reason.split(";")[0]).toBe("Already locked for workspace creation: fresh");
    } finally {
      await c.end();
    }
  });

  it("WHEN the server, the password, the database or the schema is wrong THEN one clear line each", async () => {
    const closed = await freePort();
    const read = async (s: PgSettings) => new PgBackend(s).read();
    expect(await read(settings({ connStr: cluster.urlWith({ port: closed }) }))).toBe(`backend "pg": cannot reach the PostgreSQL server at 127.0.0.1:${closed} database "postgres" (ECONNREFUSED)`);
    expect(await read(settings({ connStr: cluster.urlWith({ password: "wrong" }) }))).toBe(`backend "pg": password authentication failed connecting to 127.0.0.1:${cluster.port} database "postgres"`);
    expect(await read(settings({ connStr: cluster.urlWith({ database: "nosuch" }) }))).toBe(`backend "pg": database "nosuch" does not exist (127.0.0.1:${cluster.port} database "nosuch")`);
    expect(await read(settings({ schema: "absent", skipSchemaCreation: true }))).toBe(`backend "pg": schema "absent" does not exist and skip_schema_creation is set (127.0.0.1:${cluster.port} database "postgres")`);
    // the password never appears in a message
    const r = await new PgBackend(settings({ connStr: cluster.urlWith({ password: "s3cret-pw" }) })).lock("OperationTypePlan", 0);
    expect(!r.ok && r.reason.includes("s3cret-pw")).toBe(false);
  });
});

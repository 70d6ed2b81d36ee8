// The `pg` backend: the stack's state in PostgreSQL, laid out and locked exactly as terraform's pg
// backend does it, so terraform (through our provider) and the engine share one state and exclude
// each other (docs/state-backends.md):
// - table <schema>.states (id bigint from public.global_states_id_seq, name text unique, data text),
//   one row per workspace, data = the state JSON; unique index states_by_name(name);
// - locks are session-level advisory locks: the row's id while working on a workspace, -1 while a
//   workspace is being created. A session lock dies with its connection, so the lock's connection
//   stays open for the whole operation and a killed process frees it.
import pg from "pg";
import type { LockResult } from "./lock.js";
import { emptyState, stateFromJson, stateToJson, type State } from "./state.js";
import { keepingSerial, StateWriter } from "./store.js";
import { DEFAULT_WORKSPACE } from "./workspaces.js";

export interface PgSettings {
  /** A libpq connection string or URL; empty: PGHOST, PGUSER, PGPASSWORD... decide. */
  connStr: string;
  schema: string;
  skipSchemaCreation: boolean;
  skipTableCreation: boolean;
  skipIndexCreation: boolean;
  workspace: string;
}

export const DEFAULT_PG_SCHEMA = "terraform_remote_state";
const CREATION_LOCK = "-1";
const APPLICATION_NAME = "oslogin";

function boolSetting(name: string, value: unknown, envName: string, env: NodeJS.ProcessEnv): boolean | string {
  if (value !== undefined) return typeof value === "boolean" ? value : `backend "pg": ${name} must be true or false`;
  const e = env[envName];
  if (e === undefined || e === "") return false;
  if (/^(1|t|true)$/i.test(e)) return true;
  if (/^(0|f|false)$/i.test(e)) return false;
  return `${envName} must be true or false, got "${e}"`;
}

/**
 * The pg block of terraform.backend with terraform's environment fallbacks, for the default workspace;
 * a string says what is wrong.
 */
export function pgSettings(body: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): PgSettings | string {
  for (const key of Object.keys(body)) {
    if (!["conn_str", "schema_name", "skip_schema_creation", "skip_table_creation", "skip_index_creation"].includes(key)) return `backend "pg": unknown argument ${key}`;
  }
  if (body.conn_str !== undefined && typeof body.conn_str !== "string") return 'backend "pg": conn_str must be a string';
  if (body.schema_name !== undefined && (typeof body.schema_name !== "string" || body.schema_name === "")) return 'backend "pg": schema_name must be a non-empty string';
  const skipSchema = boolSetting("skip_schema_creation", body.skip_schema_creation, "PG_SKIP_SCHEMA_CREATION", env);
  const skipTable = boolSetting("skip_table_creation", body.skip_table_creation, "PG_SKIP_TABLE_CREATION", env);
  const skipIndex = boolSetting("skip_index_creation", body.skip_index_creation, "PG_SKIP_INDEX_CREATION", env);
  for (const s of [skipSchema, skipTable, skipIndex]) if (typeof s === "string") return s;
  return {
    connStr: (body.conn_str as string | undefined) ?? env.PG_CONN_STR ?? "",
    schema: (body.schema_name as string | undefined) ?? (env.PG_SCHEMA_NAME || DEFAULT_PG_SCHEMA),
    skipSchemaCreation: skipSchema as boolean,
    skipTableCreation: skipTable as boolean,
    skipIndexCreation: skipIndex as boolean,
    // The workspace is the command's (TF_WORKSPACE or the selected one: workspaces.ts), not the block's.
    workspace: DEFAULT_WORKSPACE,
  };
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Where the connection goes, for messages: never the password. */
export function describeTarget(connStr: string): string {
  const cfg = connectionConfig(connStr);
  const host = cfg.host ?? process.env.PGHOST ?? "localhost";
  const port = cfg.port ?? process.env.PGPORT ?? 5432;
  const db = cfg.database ?? process.env.PGDATABASE ?? cfg.user ?? process.env.PGUSER ?? "";
  return `${host.startsWith("/") ? `socket ${host}` : `${host}:${port}`} database "${db}"`;
}

function connectionConfig(connStr: string): pg.ClientConfig {
  if (connStr === "") return {};
  if (/^postgres(ql)?:\/\//.test(connStr)) return { connectionString: connStr, ...parseUrlParts(connStr) };
  // libpq's keyword=value form (what terraform's docs also accept)
  const cfg: Record<string, string> = {};
  for (const m of connStr.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/g)) cfg[m[1]] = m[2].startsWith("'") ? m[2].slice(1, -1).replace(/\\(.)/g, "$1") : m[2];
  return {
    host: cfg.host,
    port: cfg.port ? Number(cfg.port) : undefined,
    user: cfg.user,
    password: cfg.password,
    database: cfg.dbname,
    ssl: cfg.sslmode && cfg.sslmode !== "disable" ? { rejectUnauthorized: cfg.sslmode === "verify-full" || cfg.sslmode === "verify-ca" } : false,
  };
}

function parseUrlParts(url: string): pg.ClientConfig {
  try {
    const u = new URL(url);
    const host = u.searchParams.get("host") ?? decodeURIComponent(u.hostname);
    return { host: host || undefined, port: u.port ? Number(u.port) : undefined, user: u.username ? decodeURIComponent(u.username) : undefined, database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined };
  } catch {
    return {};
  }
}

/** One clear line for a failure to talk to the database (never the connection string: it may hold a password). */
export function pgProblem(e: unknown, s: PgSettings): string {
  const err = e as { code?: string; message?: string };
  const target = describeTarget(s.connStr);
  switch (err.code) {
    case "ECONNREFUSED":
    case "ENOENT":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ENOTFOUND":
      return `backend "pg": cannot reach the PostgreSQL server at ${target} (${err.code})`;
    case "28P01":
      return `backend "pg": password authentication failed connecting to ${target}`;
    case "28000":
      return `backend "pg": the server at ${target} refused the connection: ${err.message}`;
    case "3D000":
      return `backend "pg": ${err.message} (${target})`;
    case "3F000":
      return `backend "pg": schema "${s.schema}" does not exist and skip_schema_creation is set (${target})`;
    case "42P01":
      return `backend "pg": table "${s.schema}".states does not exist and skip_table_creation is set (${target})`;
    default:
      return `backend "pg": ${err.message ?? String(e)} (${target})`;
  }
}

/** A connection that ends with the process (a session lock rides on it). */
async function connect(s: PgSettings): Promise<pg.Client> {
  const client = new pg.Client({ ...connectionConfig(s.connStr), application_name: APPLICATION_NAME, connectionTimeoutMillis: 10_000 });
  // A dropped connection must not crash the process; the next query reports it.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (e) {
    client.end().catch(() => undefined);
    throw e;
  }
  return client;
}

/** terraform's backend configure step: schema, sequence, table and index unless told to skip them. */
async function ensureSchema(client: pg.Client, s: PgSettings): Promise<void> {
  const schema = quoteIdent(s.schema);
  // Every command but the first finds all of it in place: one round trip says so (the CREATE ... IF
  // NOT EXISTS statements below cost a round trip and catalog locks each).
  const found = await client.query(
    `SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1) AS schema,
            to_regclass('public.global_states_id_seq') IS NOT NULL AS seq,
            to_regclass($2) IS NOT NULL AS tbl, to_regclass($3) IS NOT NULL AS idx`,
    [s.schema, `${schema}.states`, `${schema}.states_by_name`],
  );
  const f = found.rows[0] as { schema: boolean; seq: boolean; tbl: boolean; idx: boolean };
  if (f.schema && (s.skipTableCreation || (f.seq && f.tbl)) && (s.skipIndexCreation || f.idx)) return;
  if (!f.schema) {
    if (s.skipSchemaCreation) throw Object.assign(new Error("schema missing"), { code: "3F000" });
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  }
  if (!s.skipTableCreation) {
    await client.query("CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint");
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.states (id bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY, name text UNIQUE, data text)`);
  }
  if (!s.skipIndexCreation) await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON ${schema}.states (name)`);
}

/** Who holds advisory lock `key` in this database, as far as pg_locks / pg_stat_activity let us see. */
async function lockHolder(client: pg.Client, key: string): Promise<string | undefined> {
  const k = BigInt.asUintN(64, BigInt(key));
  // A bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid 1.
  const r = await client.query(
    `SELECT l.pid, a.client_addr::text AS addr, a.application_name AS app, a.backend_start AS since
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = $1::oid AND l.objid = $2::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [(k >> 32n).toString(), (k & 0xffffffffn).toString()],
  );
  const row = r.rows[0] as { pid: number; addr: string | null; app: string | null; since: Date | null } | undefined;
  if (!row) return undefined;
  const app = row.app ? `application "${row.app}"` : "no application name (terraform sets none)";
  const since = row.since ? `, connected since ${row.since.toISOString()}` : "";
  return `database session pid ${row.pid} from ${row.addr ?? "a local socket"}, ${app}${since}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PgBackend {
  readonly kind = "pg" as const;
  readonly location: string;
  private readonly table: string;
  /** The schema, table and index were checked by this process: one command checks them once. */
  private ensured = false;
  /** While this process holds the lock: its session, which also reads and writes (no second login). */
  private session: pg.Client | undefined;

  constructor(readonly settings: PgSettings) {
    this.location = `pg ${describeTarget(settings.connStr)} schema "${settings.schema}" workspace "${settings.workspace}"`;
    this.table = `${quoteIdent(settings.schema)}.states`;
  }

  /** Runs fn on a fresh connection with the schema in place; failures become one line. */
  private async withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T | string> {
    if (this.session) {
      try {
        return await fn(this.session);
      } catch (e) {
        return pgProblem(e, this.settings);
      }
    }
    let client: pg.Client | undefined;
    try {
      client = await this.open();
      return await fn(client);
    } catch (e) {
      return pgProblem(e, this.settings);
    } finally {
      await client?.end().catch(() => undefined);
    }
  }

  private async open(): Promise<pg.Client> {
    const client = await connect(this.settings);
    try {
      if (!this.ensured) {
        try {
          await ensureSchema(client, this.settings);
        } catch (e) {
          // Two processes creating the same schema/table at once: "IF NOT EXISTS" still races in the
          // catalog (unique violation, duplicate object). The other one made it; check again.
          if (!["23505", "42P06", "42P07", "42710"].includes((e as { code?: string }).code ?? "")) throw e;
          await ensureSchema(client, this.settings);
        }
      }
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.ensured = true;
    return client;
  }

  async read(): Promise<State | string> {
    const r = await this.withClient((c) => c.query(`SELECT data FROM ${this.table} WHERE name = $1`, [this.settings.workspace]));
    if (typeof r === "string") return r;
    const data = (r.rows[0] as { data: string | null } | undefined)?.data ?? "";
    if (data.trim() === "") return emptyState();
    const s = stateFromJson(data);
    return typeof s === "string" ? `${this.location}: ${s}` : s;
  }

  writer(state: State): StateWriter {
    return new PgStateWriter(this, state);
  }

  /** Upserts the workspace's row (terraform's write: one statement, so a reader sees old or new). */
  async store(text: string): Promise<void> {
    const r = await this.withClient((c) => c.query(`INSERT INTO ${this.table} (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data`, [this.settings.workspace, text]));
    if (typeof r === "string") throw new Error(r);
  }

  /**
   * terraform's lock: the row's id (or -1 while the workspace has no row), taken with
   * pg_try_advisory_lock on a connection kept open until release; retried until timeoutMs.
   */
  async lock(operation: string, timeoutMs: number, onWait?: (holder: string) => void): Promise<LockResult> {
    let client: pg.Client;
    try {
      client = await this.open();
    } catch (e) {
      return { ok: false, reason: pgProblem(e, this.settings) };
    }
    const deadline = Date.now() + timeoutMs;
    const ws = this.settings.workspace;
    try {
      for (let delay = 50, waited = false; ; delay = Math.min(delay * 2, 1000)) {
        const attempt = await this.tryLock(client);
        if (attempt.key !== undefined) {
          const key = attempt.key;
          const info = { ID: `${ws}:${key}`, Operation: operation, Info: "", Who: APPLICATION_NAME, Version: "oslogin-kit 0.1.0", Created: new Date().toISOString(), Path: key, Pid: process.pid, Host: "" };
          this.session = client;
          const release = async () => {
            if (this.session === client) this.session = undefined;
            await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
            await client.end().catch(() => undefined);
          };
          return { ok: true, lock: { info, release } };
        }
        const holder = await lockHolder(client, attempt.busy).catch(() => undefined);
        const reason = `${attempt.message}${holder ? `; held by ${holder}` : ""}`;
        if (Date.now() >= deadline) {
          await client.end().catch(() => undefined);
          return { ok: false, reason };
        }
        if (!waited) onWait?.(reason);
        waited = true;
        await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      }
    } catch (e) {
      await client.end().catch(() => undefined);
      return { ok: false, reason: pgProblem(e, this.settings) };
    }
  }

  /** One attempt, in terraform's order and with its messages; `busy` is the key someone else holds. */
  private async tryLock(client: pg.Client): Promise<{ key: string; busy?: undefined } | { key?: undefined; busy: string; message: string }> {
    const ws = this.settings.workspace;
    const t = this.table;
    const r = await client.query(`SELECT id::text AS id, pg_try_advisory_lock(id) AS got, pg_try_advisory_lock(-1) AS creating FROM ${t} WHERE name = $1`, [ws]);
    const row = r.rows[0] as { id: string; got: boolean; creating: boolean } | undefined;
    const unlock = (key: string) => client.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
    if (!row) {
      const c = await client.query("SELECT pg_try_advisory_lock(-1) AS got");
      if ((c.rows[0] as { got: boolean }).got) return { key: CREATION_LOCK };
      return { busy: CREATION_LOCK, message: `Already locked for workspace creation: ${ws}` };
    }
    if (!row.got) {
      if (row.creating) await unlock(CREATION_LOCK);
      return { busy: row.id, message: `Workspace is already locked: ${ws}` };
    }
    if (!row.creating) {
      await unlock(row.id);
      return { busy: CREATION_LOCK, message: `Cannot lock workspace; already locked for workspace creation: ${ws}` };
    }
    await unlock(CREATION_LOCK);
    return { key: row.id };
  }

  /** The same database and schema, another workspace (row). */
  forWorkspace(name: string): PgBackend {
    return new PgBackend({ ...this.settings, workspace: name });
  }

  /** The workspaces that have a row (terraform lists `default` whether or not it has one). */
  async workspaceNames(): Promise<string[] | string> {
    const r = await this.withClient((c) => c.query(`SELECT name FROM ${this.table} ORDER BY name`));
    return typeof r === "string" ? r : r.rows.map((row: { name: string }) => row.name);
  }

  /** Deletes this workspace's row, as terraform's DeleteWorkspace does. */
  async deleteRow(): Promise<string | undefined> {
    const r = await this.withClient((c) => c.query(`DELETE FROM ${this.table} WHERE name = $1`, [this.settings.workspace]));
    return typeof r === "string" ? r : undefined;
  }

  async adopt(state: State): Promise<void> {
    await new PgStateWriter(this, keepingSerial(state)).flush();
  }

  /** A row is replaced in one statement: nothing is left behind by a killed writer. */
  removeStaleTempFiles(): void {}

  forceUnlock(): { ok: false; reason: string } {
    // As terraform: the lock is a database session's; ending that session (or the process) frees it.
    return { ok: false, reason: 'the "pg" backend cannot force-unlock: its lock belongs to a database session and is freed when that session ends (pg_terminate_backend on the holder\'s pid)' };
  }
}

class PgStateWriter extends StateWriter {
  constructor(
    private readonly backend: PgBackend,
    state: State,
  ) {
    super(state);
  }

  /**
   * No synchronous write to a database: what was flushed stays (the creates in flight among it, as
   * pending), and the process's exit ends the session and so its lock.
   */
  writeNowSync(): boolean {
    return false;
  }

  protected async writeOnce(): Promise<void> {
    this.state.serial += 1;
    await this.backend.store(stateToJson(this.state));
  }
}

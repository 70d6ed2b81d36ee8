// A throwaway PostgreSQL cluster for the pg-backend tests and bench: initdb in a temp dir, run as an
// unprivileged user (postgres refuses to run as root), on a random loopback port with password
// authentication over TCP and trust on its private unix socket. Missing binaries fail naming the
// Debian package.
import { execFileSync } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const PG_BIN_DIRS = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];

export interface PgCluster {
  port: number;
  password: string;
  /** postgres://postgres:<pw>@127.0.0.1:<port>/postgres?sslmode=disable */
  url: string;
  /** The same with another database / password, for the error tests. */
  urlWith(opts: { database?: string; password?: string; port?: number }): string;
  /** Stops the server and removes its directory. */
  stop(): void;
}

function pgBin(name: string): string {
  for (const dir of PG_BIN_DIRS) {
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next version
    }
  }
  throw new Error(`${name} not found in ${PG_BIN_DIRS.join(", ")}: install the Debian package "postgresql"`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `file args` as nobody when we are root (postgres will not run as root). */
function runAs(file: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  return execFileSync(asRoot ? "/usr/sbin/runuser" : file, asRoot ? ["-u", "nobody", "--", file, ...args] : args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export async function startPgCluster(): Promise<PgCluster> {
  const initdb = pgBin("initdb");
  const pgCtl = pgBin("pg_ctl");
  const dir = mkdtempSync(path.join(tmpdir(), "oslogin-pg-"));
  const password = `pw-${process.pid}-${Date.now()}`;
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) chownSync(dir, 65534, 65534);
  const pwfile = path.join(dir, "pw");
  writeFileSync(pwfile, password);
  if (process.getuid?.() === 0) chownSync(pwfile, 65534, 65534);
  runAs(initdb, ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", `--pwfile=${pwfile}`, "--no-sync", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  try {
    runAs(pgCtl, ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const urlWith = (o: { database?: string; password?: string; port?: number }) =>
    `postgres://postgres:${encodeURIComponent(o.password ?? password)}@127.0.0.1:${o.port ?? port}/${o.database ?? "postgres"}?sslmode=disable`;
  return {
    port,
    password,
    url: urlWith({}),
    urlWith,
    stop() {
      try {
        runAs(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

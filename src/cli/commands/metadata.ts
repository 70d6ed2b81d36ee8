// `oslogin metadata`: the OS Login metadata endpoint of ONE emulated VM, for the real guest agent.
// Design: it opens the emulator's data directory itself (SQLite in WAL mode lets this reader run
// next to a writing `oslogin serve`; each request reads one committed snapshot, so a change made
// through the API is visible on the next request). No API token is needed: it runs where the data
// directory is, typically inside the VM's network namespace that owns 169.254.169.254.
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { MetadataEndpoint } from "../../cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../cloud/metadata/guest-directory.js";
import { startMetadataServer } from "../../cloud/metadata/server.js";
import { CloudModel } from "../../cloud/model/cloud-model.js";
import { bool, int, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { CliError } from "../errors.js";
import { printJsonResult } from "../views/json.js";

const HELP = `Usage: oslogin metadata --instance ID [--listen HOST:PORT] [--data-dir D] [--workers N] [--verbose] [--json]

Serves /computeMetadata/v1/oslogin/ (users, groups, authorize) as the metadata server of instance
ID, the way the OS Login guest agent (google_authorized_keys, libnss_oslogin, pam_oslogin) expects.
A user is visible and authorized only while the organization has OS Login on, the instance has
metadata enable-oslogin=true, and the user holds compute.osLogin (compute.osAdminLogin for
policy=adminLogin) on the instance or above. Every request reads the database as it is then (what
is kept between requests is dropped the moment anything is written), so a revoked role or deleted
key takes effect on the next login. Stops on SIGTERM/SIGINT.

Flags:
  --instance ID        the instance this endpoint answers for (must exist)
  --listen HOST:PORT   address to listen on (default: 169.254.169.254:80, the address the agent
                       calls; own it inside the VM's network namespace). Port 0 picks a free
                       port, printed when listening
  --data-dir D         the emulator's data directory, read directly (default: ./.oslogin)
  --workers N          N processes sharing the socket, each with its own database connection
                       (default: 1; more only helps with spare cores)
  --verbose            log every request (method, target, status) to stderr
  --json               print {"instanceId","url","workers"} when listening

Example (inside a namespace where lo carries 169.254.169.254):
  oslogin metadata --instance fhmexample0000000001 --data-dir /var/lib/oslogin`;

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen must be HOST:PORT (e.g. 169.254.169.254:80), got ${JSON.stringify(value)}`);
  return { host: m[1] ?? m[2], port };
}

/** Runs until SIGTERM/SIGINT (or, in a worker, until the primary goes away). */
function untilStopped(): Promise<void> {
  return new Promise<void>((done) => {
    process.once("SIGTERM", () => done());
    process.once("SIGINT", () => done());
    if (cluster.isWorker) process.once("disconnect", () => done());
  });
}

/**
 * --workers N: N processes (node:cluster) share the listening socket, each with its own SQLite
 * connection; the primary only hands out connections and stops the workers on SIGTERM.
 */
async function runPrimary(workers: number): Promise<{ port: number } | { error: string }> {
  const ready: Promise<{ port: number }>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork();
    ready.push(
      new Promise((resolveReady, reject) => {
        worker.on("message", (m: { listening?: number; error?: string }) => {
          if (m.listening !== undefined) resolveReady({ port: m.listening });
          if (m.error) reject(new Error(m.error));
        });
        worker.once("exit", (code) => reject(new Error(`worker exited with code ${code} before listening`)));
      }),
    );
  }
  try {
    const [first] = await Promise.all(ready);
    return first;
  } catch (e) {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGKILL");
    return { error: (e as Error).message };
  }
}

async function stopWorkers(): Promise<void> {
  const all = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(all.map((w) => new Promise<void>((done) => (w.isDead() ? done() : (w.once("exit", () => done()), w.kill("SIGTERM"))))));
}

const command: Command = {
  name: "metadata",
  summary: "Run one VM's OS Login metadata endpoint (for the real guest agent)",
  help: HELP,
  async run(argv) {
    const a = parseArgs(argv, { instance: { value: true }, listen: { value: true }, "data-dir": { value: true }, workers: { value: true }, verbose: {}, json: {} });
    if (a.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
    const instanceId = str(a, "instance");
    if (!instanceId) throw new UsageError("--instance is required");
    const { host, port } = parseListen(str(a, "listen") ?? "169.254.169.254:80");
    const dataDir = resolve(str(a, "data-dir") ?? ".oslogin");
    const workers = int(a, "workers", 1, 1, 64);
    if (!existsSync(join(dataDir, "cloud.db"))) {
      throw new CliError(`no emulator database at ${join(dataDir, "cloud.db")}: run "oslogin seed FILE" or "oslogin serve --data-dir ${dataDir}" first`);
    }
    const model = CloudModel.open({ dataDir });
    model.ctx.store.tuneForRandomReads();
    if (!model.ctx.sql("SELECT 1 FROM instances WHERE id = ?").get(instanceId)) {
      model.close();
      throw new CliError(`instance ${JSON.stringify(instanceId)} not found in ${dataDir}: see "oslogin state list" and "oslogin state show ADDR" for the ids of the stack's VMs`);
    }
    const printListening = (boundPort: number) => {
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}/computeMetadata/v1/oslogin/`;
      const text = workers > 1 ? ` (${workers} workers)` : "";
      if (bool(a, "json")) printJsonResult("metadata", { instanceId, url, workers });
      else console.log(`metadata endpoint for instance ${instanceId} listening on ${url}${text}`);
    };
    if (workers > 1 && cluster.isPrimary) {
      model.close();
      const started = await runPrimary(workers);
      if ("error" in started) {
        console.error(`oslogin metadata: cannot listen on ${host}:${port}: ${started.error}`);
        return 1;
      }
      printListening(started.port);
      await untilStopped();
      await stopWorkers();
      return 0;
    }
    // Errors are reported by class and message only: no stack, nothing from the database.
    const endpoint = new MetadataEndpoint(new GuestDirectory(model, instanceId), {
      onError: (e, path) => console.error(`oslogin metadata: 500 for ${path}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`),
    });
    const verbose = bool(a, "verbose");
    let server;
    try {
      server = await startMetadataServer(endpoint, {
        host,
        port,
        onResponse: verbose ? (method, target, status) => console.error(`${new Date().toISOString()} ${method} ${target} ${status}`) : undefined,
      });
    } catch (e) {
      model.close();
      if (cluster.isWorker) process.send?.({ error: (e as Error).message });
      else console.error(`oslogin metadata: cannot listen on ${host}:${port}: ${(e as Error).message}`);
      return 1;
    }
    if (cluster.isWorker) process.send?.({ listening: server.port });
    else printListening(server.port);
    await untilStopped();
    await server.close();
    model.close();
    if (cluster.isWorker) process.disconnect?.(); // the IPC channel would keep a worker alive
    return 0;
  },
};

export default command;

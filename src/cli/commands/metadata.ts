// `oslogin metadata`: the OS Login metadata endpoint of ONE emulated VM, for the real guest agent.
// Design: it opens the emulator's data directory itself (SQLite in WAL mode lets this reader run
// next to a writing `oslogin serve`, and every request reads committed data, so a change made
// through the API is visible on the next request). No API token is needed: it runs where the data
// directory is, typically inside the VM's network namespace that owns 169.254.169.254.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { MetadataEndpoint } from "../../cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../cloud/metadata/guest-directory.js";
import { startMetadataServer } from "../../cloud/metadata/server.js";
import { CloudModel } from "../../cloud/model/cloud-model.js";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";

const HELP = `Usage: oslogin metadata --instance ID [--listen HOST:PORT] [--data-dir D] [--json]

Serves /computeMetadata/v1/oslogin/ (users, groups, authorize) as the metadata server of instance
ID, the way the OS Login guest agent (google_authorized_keys, libnss_oslogin, pam_oslogin) expects.
A user is visible and authorized only while the organization has OS Login on, the instance has
metadata enable-oslogin=true, and the user holds compute.osLogin (compute.osAdminLogin for
policy=adminLogin) on the instance or above. Nothing is cached. Stops on SIGTERM/SIGINT.

Flags:
  --instance ID        the instance this endpoint answers for (must exist)
  --listen HOST:PORT   address to listen on (default: 169.254.169.254:80, the address the agent
                       calls; own it inside the VM's network namespace). Port 0 picks a free
                       port, printed when listening
  --data-dir D         the emulator's data directory, read directly (default: ./.oslogin)
  --json               print {"instanceId","url"} when listening

Example (inside a namespace where lo carries 169.254.169.254):
  oslogin metadata --instance fhmexample0000000001 --data-dir /var/lib/oslogin`;

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen must be HOST:PORT (e.g. 169.254.169.254:80), got ${JSON.stringify(value)}`);
  return { host: m[1] ?? m[2], port };
}

const command: Command = {
  name: "metadata",
  summary: "Run one VM's OS Login metadata endpoint (for the real guest agent)",
  help: HELP,
  async run(argv) {
    const a = parseArgs(argv, { instance: { value: true }, listen: { value: true }, "data-dir": { value: true }, json: {} });
    if (a.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
    const instanceId = str(a, "instance");
    if (!instanceId) throw new UsageError("--instance is required");
    const { host, port } = parseListen(str(a, "listen") ?? "169.254.169.254:80");
    const dataDir = resolve(str(a, "data-dir") ?? ".oslogin");
    if (!existsSync(join(dataDir, "cloud.db"))) {
      console.error(`oslogin metadata: no emulator database at ${join(dataDir, "cloud.db")} (start \`oslogin serve --data-dir ${dataDir}\` or seed it first)`);
      return 1;
    }
    const model = CloudModel.open({ dataDir });
    if (!model.ctx.sql("SELECT 1 FROM instances WHERE id = ?").get(instanceId)) {
      console.error(`oslogin metadata: instance ${JSON.stringify(instanceId)} not found in ${dataDir}`);
      model.close();
      return 1;
    }
    const endpoint = new MetadataEndpoint(new GuestDirectory(model, instanceId));
    let server;
    try {
      server = await startMetadataServer(endpoint, { host, port });
    } catch (e) {
      model.close();
      console.error(`oslogin metadata: cannot listen on ${host}:${port}: ${(e as Error).message}`);
      return 1;
    }
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${server.port}/computeMetadata/v1/oslogin/`;
    console.log(bool(a, "json") ? JSON.stringify({ instanceId, url }) : `metadata endpoint for instance ${instanceId} listening on ${url}`);
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    await server.close();
    model.close();
    return 0;
  },
};

export default command;

// `oslogin serve`: runs the embedded cloud as a server (REST + gRPC over TLS) on a data directory
// until SIGTERM/SIGINT, then closes the servers and the database and exits 0.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { bool, int, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { printJsonResult } from "../views/json.js";
import { DEFAULT_MAX_PENDING_KEY_CREATES } from "../../cloud/model/limits.js";
import { parseRealism, REALISM_SPEC_HELP, type RealismOptions } from "../../cloud/realism/options.js";

export const DEFAULT_DATA_DIR = ".oslogin";
export const DEFAULT_REST_PORT = 18080;
export const DEFAULT_GRPC_PORT = 18443;

const help = `oslogin serve: run the embedded Yandex Cloud emulator (REST and gRPC) until stopped

Usage: oslogin serve [--data-dir D] [--host H] [--rest-port N] [--grpc-port N] [--seed FILE]
                     [--max-key-creates N] [--realism SPEC] [--json]

Serves the emulator's OS Login, IAM, Compute, resource-manager and operation APIs:
REST (plain HTTP, the Yandex paths, e.g. GET /organization-manager/v1/osLoginProfiles)
and gRPC over TLS for the official @yandex-cloud/nodejs-sdk. Everything is stored in
D/cloud.db (SQLite); an acknowledged write survives a crash.

The first start creates D/admin-token (mode 0600): send its contents as
"Authorization: Bearer <token>" to act as the emulator admin. The gRPC certificate
is D/tls/cert.pem (SAN localhost, 127.0.0.1); clients trust it as their root.
The token itself is never printed.

Flags:
  --data-dir D     data directory (default: ${DEFAULT_DATA_DIR})
  --host H         interface to listen on (default: 127.0.0.1)
  --rest-port N    REST port (default: ${DEFAULT_REST_PORT}; 0 = any free port)
  --grpc-port N    gRPC (TLS) port (default: ${DEFAULT_GRPC_PORT}; 0 = any free port)
  --seed FILE      seed organizations, members, groups, clouds and folders from this
                   YAML file at start (same format as examples/quickstart/seed.yaml;
                   seeding again with the same file changes nothing)
  --max-key-creates N
                   service account key creates generating or queued at once (default
                   ${DEFAULT_MAX_PENDING_KEY_CREATES}); more are refused at once with RESOURCE_EXHAUSTED
                   (REST 429) instead of waiting in an unbounded queue
  --realism SPEC   behave like the real cloud on gRPC: SPEC is key=value pairs joined by
                   commas, e.g. latency=50ms,jitter=20ms,operations=2s,faults=0.05,seed=7
                   (the same SPEC in OSLOGIN_REALISM applies to the cloud embedded in process):
${REALISM_SPEC_HELP}
  --json           print {dataDir, restUrl, grpcEndpoint, adminTokenFile, tlsCertFile,
                   seeded} as one JSON line when ready, instead of the text summary

Stop with Ctrl-C or SIGTERM: the servers and the database are closed cleanly (exit 0).

Example:
  oslogin serve --data-dir ./.oslogin --seed examples/quickstart/seed.yaml
  curl -H "Authorization: Bearer $(cat .oslogin/admin-token)" \\
    http://127.0.0.1:${DEFAULT_REST_PORT}/organization-manager/v1/organizations`;

const command: Command = {
  name: "serve",
  summary: "Run the Yandex Cloud emulator (REST + gRPC over TLS) on a data directory",
  help,
  async run(argv) {
    const args = parseArgs(argv, {
      "data-dir": { value: true },
      host: { value: true },
      "rest-port": { value: true },
      "grpc-port": { value: true },
      seed: { value: true },
      "max-key-creates": { value: true },
      realism: { value: true },
      json: {},
    });
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const dataDir = resolve(str(args, "data-dir") ?? DEFAULT_DATA_DIR);
    const host = str(args, "host") ?? "127.0.0.1";
    const restPort = int(args, "rest-port", DEFAULT_REST_PORT, 0, 65535);
    const grpcPort = int(args, "grpc-port", DEFAULT_GRPC_PORT, 0, 65535);
    const maxPendingKeyCreates = int(args, "max-key-creates", DEFAULT_MAX_PENDING_KEY_CREATES, 1, 10_000);
    const seedFile = str(args, "seed");
    const json = bool(args, "json");
    let realism: RealismOptions | undefined;
    try {
      realism = parseRealism(str(args, "realism") ?? "");
    } catch (e) {
      throw new UsageError(`--realism: ${(e as Error).message}`);
    }

    let seedText: string | undefined;
    if (seedFile !== undefined) {
      try {
        seedText = readFileSync(seedFile, "utf8");
      } catch (e) {
        console.error(`oslogin serve: cannot read the seed file ${seedFile}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
        return 1;
      }
    }

    const { startCloudServer } = await import("../../cloud/server.js");
    const { isCloudError } = await import("../../contract/errors.js");
    let server;
    try {
      server = await startCloudServer({ dataDir, host, restPort, grpcPort, maxPendingKeyCreates, realism, log: (line) => console.error(line) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const hint = code === "EADDRINUSE" ? " (a port is in use: pick others with --rest-port/--grpc-port, or 0)" : "";
      console.error(`oslogin serve: cannot start: ${e instanceof Error ? e.message : String(e)}${hint}`);
      return 1;
    }

    let seeded: Record<string, number> | undefined;
    if (seedText !== undefined) {
      try {
        seeded = { ...server.model.directory.seedFromYaml(seedText) };
      } catch (e) {
        await server.close();
        console.error(`oslogin serve: the seed file ${seedFile} was not applied: ${isCloudError(e) ? e.message : "internal error"}`);
        return 1;
      }
    }

    // Listen for the stop signals before saying "ready": a supervisor may send SIGTERM the moment
    // it reads the summary, and an unhandled SIGTERM would kill the process without closing the DB.
    const stopped = new Promise<NodeJS.Signals>((done) => {
      process.once("SIGTERM", () => done("SIGTERM"));
      process.once("SIGINT", () => done("SIGINT"));
    });
    const summary = {
      dataDir,
      restUrl: server.restUrl,
      grpcEndpoint: server.grpcEndpoint,
      adminTokenFile: server.files.adminToken,
      tlsCertFile: server.files.caCert,
      ...(seeded ? { seeded } : {}),
    };
    if (json) {
      printJsonResult("serve", { ...summary });
    } else {
      console.log(`oslogin serve: the emulator is running
  data dir     ${dataDir} (database ${server.files.database})
  REST         ${server.restUrl}
  gRPC (TLS)   ${server.grpcEndpoint}
  admin token  ${server.files.adminToken} (send its contents as "Authorization: Bearer <token>")
  TLS cert     ${server.files.caCert} (trust it as the gRPC client's root certificate)${
        seeded ? `\n  seeded       ${Object.entries(seeded).map(([k, v]) => `${v} ${k}`).join(", ")} from ${seedFile}` : ""
      }
Stop with Ctrl-C or SIGTERM.`);
    }

    const signal = await stopped;
    await server.close();
    if (!json) console.error(`oslogin serve: ${signal}: servers and database closed`);
    return 0;
  },
};

export default command;

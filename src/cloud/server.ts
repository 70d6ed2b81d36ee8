// The emulator as a server: one CloudModel (SQLite in dataDir, or in memory) behind the REST
// gateway (plain HTTP) and the gRPC endpoint (TLS, the official SDK's wire). Both authenticate with
// the same admin token / IAM tokens (auth.ts). Used by `oslogin serve`, tests and benchmarks.
import { adminTokenPath, ensureAdminToken } from "./admin-token.js";
import { startGrpcServer } from "./api/grpc/server.js";
import { startRestServer } from "./api/rest/server.js";
import { CloudModel } from "./model/cloud-model.js";
import { startBackgroundCheckpoints } from "./store/checkpointer.js";
import { ensureTlsMaterial, tlsPaths } from "./tls.js";
import { isRealistic, type RealismOptions } from "./realism/options.js";
import { Realism } from "./realism/realism.js";

export interface CloudServerOptions {
  /** Directory for cloud.db, admin-token and tls/; omitted = in memory (nothing written). */
  dataDir?: string;
  /** Interface both servers listen on (default 127.0.0.1). */
  host?: string;
  /** 0 (the default) = any free port. */
  restPort?: number;
  grpcPort?: number;
  /** One line per internal error (the CLI prints to stderr). */
  log?: (line: string) => void;
  /** The model's clock (tests). */
  now?: () => Date;
  /** Service account key creates generating or queued at once; more get RESOURCE_EXHAUSTED. */
  maxPendingKeyCreates?: number;
  /** The realistic mode for the gRPC endpoint (latency, faults, unfinished operations, short tokens). */
  realism?: RealismOptions;
}

export interface CloudServer {
  model: CloudModel;
  /** e.g. http://127.0.0.1:18080 */
  restUrl: string;
  /** host:port for the SDK (TLS). */
  grpcEndpoint: string;
  adminToken: string;
  /** The gRPC server's self-signed certificate: clients trust it as their root. */
  caCertPem: string;
  /** Where things live on disk (undefined in memory). */
  files: { adminToken?: string; caCert?: string; database?: string };
  close(): Promise<void>;
}

export async function startCloudServer(opts: CloudServerOptions = {}): Promise<CloudServer> {
  const host = opts.host ?? "127.0.0.1";
  const model = CloudModel.open({ dataDir: opts.dataDir, now: opts.now, maxPendingKeyCreates: opts.maxPendingKeyCreates });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    // Servers first (no request may reach a closed database), then the database.
    for (const stop of stops.splice(0).reverse()) await stop();
    model.close();
  };
  try {
    // A server takes writes for a long time: keep WAL checkpoint fsyncs off the request path.
    const checkpoints = startBackgroundCheckpoints(model.ctx.db);
    if (checkpoints) stops.push(() => checkpoints.stop());
    // Requests that arrive together share one commit (each answered after it): one commit writes a
    // touched page once, where committing each create alone wrote ~13 pages of WAL for it.
    model.ctx.store.enableGroupCommit();
    const adminToken = ensureAdminToken(opts.dataDir);
    const tls = await ensureTlsMaterial(opts.dataDir);
    const rest = await startRestServer(model, { adminToken, host, port: opts.restPort ?? 0, log: opts.log });
    stops.push(() => rest.close());
    const realism = opts.realism && isRealistic(opts.realism) ? new Realism(opts.realism) : undefined;
    if (opts.realism?.tokenLifetimeSeconds !== undefined) model.iamTokens.lifetimeSeconds = opts.realism.tokenLifetimeSeconds;
    const grpc = await startGrpcServer(model, { host, port: opts.grpcPort ?? 0, tls, adminToken, log: opts.log, realism });
    stops.push(() => grpc.close());
    let closing: Promise<void> | undefined;
    return {
      model,
      restUrl: rest.url,
      grpcEndpoint: `${host.includes(":") ? `[${host}]` : host}:${grpc.port}`,
      adminToken,
      caCertPem: tls.certPem,
      files: opts.dataDir
        ? {
            adminToken: adminTokenPath(opts.dataDir),
            caCert: tlsPaths(opts.dataDir).certPath,
            database: `${opts.dataDir}/cloud.db`,
          }
        : {},
      close: () => (closing ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

// A real gRPC server over TLS on 127.0.0.1:0 (in-memory model, pinned clock, the quickstart
// organization seeded), and the official SDK's Session trusting the emulator's certificate — the
// exact path a user of @yandex-cloud/nodejs-sdk takes against the emulator.
import { readFileSync } from "node:fs";
import { Session } from "@yandex-cloud/nodejs-sdk";
import { startGrpcServer, type GrpcServer } from "../../../src/cloud/api/grpc/server.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { ensureTlsMaterial } from "../../../src/cloud/tls.js";

export const ADMIN_TOKEN = "test-admin-token-grpc-0123456789";
export const NOW = "2030-01-02T03:04:05.000Z";
export const ORG = "bpfquickstartorg0001";
export const ALICE = "ajealice000000000001";
export const BOB = "ajebob00000000000002";
export const DEVS = "ajgdevs0000000000001";
export const CLOUD = "b1gquickstartcloud01";
export const FOLDER = "b1gquickstartfolder1";
export const SEED_YAML = readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8");

export interface GrpcHarness {
  model: CloudModel;
  server: GrpcServer;
  /** localhost:<port> — the name is in the certificate's SAN. */
  endpoint: string;
  certPem: string;
  /** A Session as the official SDK builds it (default: the admin token). */
  session(iamToken?: string): Session;
  /** An IAM token for a subject, issued by the model (what the REST emulator endpoint hands out). */
  tokenFor(subject: { type: string; id: string }): string;
  /** Internal errors the server logged (must stay empty). */
  logged: string[];
  close(): Promise<void>;
}

export async function startGrpcHarness(opts: { seed?: boolean } = {}): Promise<GrpcHarness> {
  const model = CloudModel.open({ now: () => new Date(NOW) });
  if (opts.seed !== false) model.directory.seedFromYaml(SEED_YAML);
  const tls = await ensureTlsMaterial();
  const logged: string[] = [];
  const server = await startGrpcServer(model, { host: "127.0.0.1", port: 0, tls, adminToken: ADMIN_TOKEN, log: (l) => logged.push(l) });
  return {
    model,
    server,
    endpoint: `localhost:${server.port}`,
    certPem: tls.certPem,
    session: (iamToken = ADMIN_TOKEN) => new Session({ iamToken, ssl: { rootCerts: Buffer.from(tls.certPem) }, pollInterval: 5 }),
    tokenFor: (subject) => model.iamTokens.issueFor(ADMIN, { subject }).iamToken,
    logged,
    close: async () => {
      await server.close();
      model.close();
    },
  };
}

/** The gRPC status a call fails with ({code, details}); fails the test when the call succeeds. */
export async function statusOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code?: number; details?: string };
    if (typeof err.code === "number" && typeof err.details === "string") return { code: err.code, details: err.details };
    throw e;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

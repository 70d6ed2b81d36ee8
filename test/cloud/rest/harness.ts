// A real REST server on 127.0.0.1:0 over an in-memory model with a pinned clock, seeded with the
// quickstart organization, and a fetch-based caller that returns status + parsed body.
import { readFileSync } from "node:fs";
import { startRestServer, type RestServer } from "../../../src/cloud/api/rest/server.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const NOW = "2030-01-02T03:04:05.000Z";
export const ORG = "bpfquickstartorg0001";
export const ALICE = "ajealice000000000001";
export const BOB = "ajebob00000000000002";
export const CLOUD = "b1gquickstartcloud01";
export const FOLDER = "b1gquickstartfolder1";
export const SEED_YAML = readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8");

/** Any emulator id with the given kind prefix (ids are random; everything else is compared exactly). */
export const anyId = (prefix: string) => expectStringMatching(new RegExp(`^${prefix}[a-v0-9]{17}$`));
let expectStringMatching: (re: RegExp) => unknown = () => {
  throw new Error("harness: call useExpect(expect) first");
};
export function useExpect(e: { stringMatching(re: RegExp): unknown }): void {
  expectStringMatching = (re) => e.stringMatching(re);
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (malformed JSON, YAML). */
  raw?: string;
  /** Bearer token; null = no Authorization header. Default: the admin token. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface Harness {
  model: CloudModel;
  server: RestServer;
  url: string;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  /** An IAM token for a directory member (through the emulator endpoint). */
  tokenFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(opts: { seed?: boolean; bodyLimit?: number } = {}): Promise<Harness> {
  const model = CloudModel.open({ now: () => new Date(NOW) });
  if (opts.seed !== false) model.directory.seedFromYaml(SEED_YAML);
  const logged: string[] = [];
  const server = await startRestServer(model, { adminToken: ADMIN_TOKEN, port: 0, bodyLimit: opts.bodyLimit, log: (l) => logged.push(l) });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? ADMIN_TOKEN : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return {
    model,
    server,
    url: server.url,
    call,
    async tokenFor(userId) {
      const r = await call("POST", "/emulator/v1/iamTokens", { body: { subject: { type: "userAccount", id: userId } } });
      if (r.status !== 200) throw new Error(`tokenFor: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.iamToken as string;
    },
    async close() {
      await server.close();
      model.close();
    },
  };
}

/** The Yandex error body for a gRPC code number and message. */
export const errorBody = (code: number, message: string) => ({ code, message, details: [] });

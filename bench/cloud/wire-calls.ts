// The over-the-wire clients of bench/cloud: REST over node:http with a keep-alive pool, and gRPC
// through the official SDK (src/cloud/client/grpc.ts, waitForOperation included).
import { Agent, request } from "node:http";
import type { CloudClient } from "../../src/contract/cloud-client.js";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { keyReq, profileReq, type Calls } from "./workload.js";

/** Where a running `oslogin serve` answers, and its credentials. */
export interface Served {
  restUrl: string;
  grpcEndpoint: string;
  token: string;
  certPem: string;
}

export interface WireCalls extends Calls {
  close(): Promise<void>;
}

/**
 * A JSON client over node:http with a keep-alive pool as wide as the concurrency: one TCP connection
 * per request in flight, reused (fetch costs the client far more CPU per request, and the client
 * shares the machine with the server).
 */
export function restClient(baseUrl: string, token: string, width: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: width });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = (method: string, path: string, body?: unknown): Promise<any> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
      if (data !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode} ${json.message}`));
          else resolve(json);
        });
      });
      req.on("error", reject);
      req.end(data);
    });
  return { call, close: () => agent.destroy() };
}

export function restCalls(s: Served, keys: string[], width: number): WireCalls {
  const { call, close } = restClient(s.restUrl, s.token, width);
  return {
    createProfile: async (i) => (await call("POST", "/organization-manager/v1/osLoginProfiles", profileReq(i))).response.id,
    getProfile: async (id) => void (await call("GET", `/organization-manager/v1/osLoginProfiles/${id}`)),
    createKey: async (i) => (await call("POST", "/organization-manager/v1/userSshKeys", keyReq(i, keys))).response.id,
    getKey: async (id) => void (await call("GET", `/organization-manager/v1/userSshKeys/${id}`)),
    close: async () => close(),
  };
}

/** The four calls through any CloudClient (the SDK's gRPC client, or the in-process one). */
export function clientCalls(client: CloudClient, keys: string[]): Calls {
  return {
    createProfile: async (i) => (await client.createOsLoginProfile(profileReq(i))).id,
    getProfile: async (id) => void (await client.getOsLoginProfile(id)),
    createKey: async (i) => (await client.createUserSshKey(keyReq(i, keys))).id,
    getKey: async (id) => void (await client.getUserSshKey(id)),
  };
}

export function grpcCalls(s: Served, keys: string[]): WireCalls & { client: GrpcCloudClient } {
  const client = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.certPem, iamToken: s.token, pollIntervalMs: 5 });
  return { client, ...clientCalls(client, keys), close: () => client.close() };
}

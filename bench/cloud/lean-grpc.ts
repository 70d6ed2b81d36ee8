// A minimal unary gRPC client over node:http2 for bench/cloud: the same messages and the same
// int64-safe codecs the emulator serves (catalog.ts), one HTTP/2 session over TLS, and nothing else
// (no retries, deadlines or middleware). It exists to measure the server: the official SDK spends
// ~400-600 µs of client CPU per call, so on a 2-core machine the SDK, not the emulator, sets the pace.
// Wire: POST /<package>.<Service>/<Method>, content-type application/grpc, each message framed as
// [compressed flag: 1 byte][length: 4 bytes BE][bytes]; the status in the trailers.
import * as http2 from "node:http2";
import { serverDefinition, type ServiceName } from "../../src/cloud/api/grpc/catalog.js";
import { operationFromSdk } from "../../src/cloud/api/grpc/mapping/operation.js";
import { createProfileRequestToSdk, createUserSshKeyRequestToSdk } from "../../src/cloud/api/grpc/mapping/organizationmanager.js";
import type { Served, WireCalls } from "./wire-calls.js";
import { keyReq, profileReq } from "./workload.js";

interface Codec {
  path: string;
  requestSerialize(v: unknown): Buffer;
  responseDeserialize(b: Buffer): unknown;
}

export function leanGrpcCalls(s: Served, keys: string[]): WireCalls {
  const session = http2.connect(`https://${s.grpcEndpoint}`, { ca: s.certPem, servername: "localhost" });
  session.on("error", () => {});
  const codec = (service: ServiceName, method: string) => (serverDefinition(service) as unknown as Record<string, Codec>)[method];
  const call = (c: Codec, request: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const body = c.requestSerialize(request);
      const frame = Buffer.allocUnsafe(5 + body.length);
      frame[0] = 0;
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
      const stream = session.request({
        ":method": "POST",
        ":path": c.path,
        "content-type": "application/grpc",
        te: "trailers",
        authorization: `Bearer ${s.token}`,
      });
      const chunks: Buffer[] = [];
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("trailers", (t) => {
        const code = Number(t["grpc-status"]);
        if (code !== 0) reject(new Error(`${c.path}: gRPC status ${code}: ${decodeURIComponent(String(t["grpc-message"] ?? ""))}`));
      });
      stream.on("end", () => {
        const all = Buffer.concat(chunks);
        if (all.length >= 5) resolve(c.responseDeserialize(all.subarray(5, 5 + all.readUInt32BE(1))));
      });
      stream.on("error", reject);
      stream.end(frame);
    });
  const createProfile = codec("osLogin", "createProfile");
  const getProfile = codec("osLogin", "getProfile");
  const createKey = codec("userSshKey", "create");
  const getKey = codec("userSshKey", "get");
  const createdId = (op: unknown) => (operationFromSdk(op as never).response!.value as { id: string }).id;
  return {
    createProfile: async (i) => createdId(await call(createProfile, createProfileRequestToSdk(profileReq(i)))),
    getProfile: async (id) => void (await call(getProfile, { osLoginProfileId: id })),
    createKey: async (i) => createdId(await call(createKey, createUserSshKeyRequestToSdk(keyReq(i, keys)))),
    getKey: async (id) => void (await call(getKey, { userSshKeyId: id })),
    close: async () => void (await new Promise<void>((r) => session.close(() => r()))),
  };
}

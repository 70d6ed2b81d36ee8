// The minimal gRPC server, judged by an implementation we did not write (the grpc-js client) and,
// for framing edge cases, by raw HTTP/2 frames.
import { connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiniGrpcServer, type OpenStream } from "../../src/tfplugin/grpc-server.js";
import { messageCodec, serviceDefinition, type Message } from "../../src/tfplugin/protocol.js";

let dir: string;
let socket: string;
let server: MiniGrpcServer;
let health: grpc.Client & Record<string, (...a: unknown[]) => unknown>;
let provider: grpc.Client & Record<string, (...a: unknown[]) => unknown>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mini-grpc-"));
  socket = join(dir, "s.sock");
  server = new MiniGrpcServer();
  server.addService(serviceDefinition("grpc.health.v1.Health"), {
    Check: async (req: Message) => {
      if (req.service === "boom") throw new Error("broken: 100% of 'boom' fails, é");
      return { status: req.service === "plugin" ? 1 : 3 };
    },
    Watch: (call: OpenStream) => {
      call.write({ status: 1 });
      call.write({ status: 2 });
    },
  });
  server.addService(serviceDefinition("tfplugin6.Provider"), {
    // echoes the size of what it got, to prove big requests arrive whole
    ValidateProviderConfig: async (req: Message) => ({ diagnostics: [{ severity: 1, summary: String(req.config?.msgpack?.length ?? 0) }] }),
  });
  await server.listen(socket);
  const client = (name: string) =>
    new (grpc.makeGenericClientConstructor(serviceDefinition(name), name))(`unix:${socket}`, grpc.credentials.createInsecure()) as never;
  health = client("grpc.health.v1.Health");
  provider = client("tfplugin6.Provider");
});
afterAll(async () => {
  health?.close();
  provider?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const unary = (c: Record<string, (...a: unknown[]) => unknown>, method: string, req: Message) =>
  new Promise<Message>((resolve, reject) => c[method](req, (e: Error | null, r: Message) => (e ? reject(e) : resolve(r))));

describe("MiniGrpcServer", () => {
  it("GIVEN a unary call WHEN answered THEN the grpc-js client decodes the reply", async () => {
    expect(await unary(health, "Check", { service: "plugin" })).toEqual({ status: 1 });
  });

  it("GIVEN a handler that throws WHEN called THEN the status is INTERNAL with the message intact (percent-encoded on the wire)", async () => {
    await expect(unary(health, "Check", { service: "boom" })).rejects.toMatchObject({
      code: grpc.status.INTERNAL,
      details: "broken: 100% of 'boom' fails, é",
    });
  });

  it("GIVEN a 3 MB request WHEN sent in many DATA frames THEN the handler gets it whole", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const res = await unary(provider, "ValidateProviderConfig", { config: { msgpack: big } });
    expect(res.diagnostics[0].summary).toBe(String(big.length));
  });

  it("GIVEN a method the server does not implement WHEN called THEN the status is UNIMPLEMENTED", async () => {
    await expect(unary(provider, "GetProviderSchema", {})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it("GIVEN a server-streaming call WHEN the server writes twice THEN the client reads both messages in order", async () => {
    const got: Message[] = [];
    const call = (health.Watch as (r: Message) => grpc.ClientReadableStream<Message>)({ service: "" });
    call.on("error", () => undefined); // our own cancel() below ends it with CANCELLED
    await new Promise<void>((resolve) => {
      call.on("data", (m: Message) => {
        got.push(m);
        if (got.length === 2) resolve();
      });
    });
    call.cancel();
    expect(got).toEqual([{ status: 1 }, { status: 2 }]);
  });

  it("GIVEN two request messages in one unary call (raw frames) WHEN sent THEN it is INVALID_ARGUMENT, not a crash", async () => {
    const one = messageCodec("grpc.health.v1.HealthCheckRequest").encode({ service: "plugin" });
    const status = await rawCall("/grpc.health.v1.Health/Check", Buffer.concat([grpcFrame(one), grpcFrame(one)]));
    expect(status).toEqual({ "grpc-status": "3", "grpc-message": "expected one request message, got 2" });
  });

  it("GIVEN an error message with '%' and non-ASCII text WHEN sent THEN grpc-message escapes exactly those bytes (gRPC spec)", async () => {
    const req = messageCodec("grpc.health.v1.HealthCheckRequest").encode({ service: "boom" });
    expect(await rawCall("/grpc.health.v1.Health/Check", grpcFrame(req))).toEqual({
      "grpc-status": "13",
      "grpc-message": "broken: 100%25 of 'boom' fails, %C3%A9",
    });
  });
});

const grpcFrame = (m: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, m.length]), m]);

/** One call with raw HTTP/2; returns the grpc-status and grpc-message it ended with. */
async function rawCall(path: string, body: Buffer): Promise<Record<string, unknown>> {
  const session = connect("http://localhost", { createConnection: () => netConnect(socket) });
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
      let last: Record<string, unknown> = {};
      const pick = (h: Record<string, unknown>) => ({ "grpc-status": h["grpc-status"], "grpc-message": h["grpc-message"] });
      req.on("response", (h) => (last = pick(h as Record<string, unknown>)));
      req.on("trailers", (t) => (last = pick(t as Record<string, unknown>)));
      req.on("data", () => undefined);
      req.on("end", () => resolve(last));
      req.on("error", reject);
      req.end(body);
    });
  } finally {
    session.close();
  }
}

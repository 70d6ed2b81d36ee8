// GrpcCloudClient when the server is not there or does not answer: the caller gets a CloudError with
// the gRPC code name (UNAVAILABLE, DEADLINE_EXCEEDED), never a hang or a raw transport error.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { CloudError } from "../../../src/contract/errors.js";
import { ensureTlsMaterial } from "../../../src/cloud/tls.js";

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}

async function errorOf(call: Promise<unknown>): Promise<CloudError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof CloudError) return e;
    throw e;
  }
  throw new Error("expected a CloudError");
}

describe("GrpcCloudClient transport failures", () => {
  it("GIVEN nothing listens on the port WHEN a call is made THEN CloudError UNAVAILABLE", async () => {
    const port = await listen(() => {});
    await new Promise((r) => servers.pop()!.close(r)); // the port is now closed
    const client = new GrpcCloudClient({ endpoint: `127.0.0.1:${port}`, rootCertPem: (await ensureTlsMaterial()).certPem, iamToken: "t" });
    const e = await errorOf(client.getOrganization("bpfquickstartorg0001"));
    expect(e.code).toBe("UNAVAILABLE");
    await client.close();
  });

  it("GIVEN a server that accepts but never answers WHEN a call is made THEN CloudError DEADLINE_EXCEEDED after the call timeout", async () => {
    const port = await listen(() => {}); // keeps the socket open, says nothing
    const client = new GrpcCloudClient({
      endpoint: `127.0.0.1:${port}`,
      rootCertPem: (await ensureTlsMaterial()).certPem,
      iamToken: "t",
      callTimeoutMs: 300,
    });
    const e = await errorOf(client.getOrganization("bpfquickstartorg0001"));
    expect({ code: e.code, message: e.message }).toEqual({ code: "DEADLINE_EXCEEDED", message: `127.0.0.1:${port} did not complete the TLS handshake within 300 ms: is it the gRPC (TLS) port?` });
    await client.close();
  });
});

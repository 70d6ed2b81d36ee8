// The HTTP/2 unary transport under what a real cloud, a balancer or a proxy may answer: a
// trailers-only error with a percent-encoded message and RetryInfo, an HTTP error without gRPC, a
// refused stream, a compressed or truncated message, a GOAWAY (the next call dials again) and an
// HTTP CONNECT proxy from the environment. A raw node:http2 server plays the other side, so each
// reply is exactly the frames under test.
import http from "node:http";
import http2, { type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { clientClass } from "../../../src/cloud/api/grpc/catalog.js";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { grpcTimeout, UnaryCaller, UnaryFailure } from "../../../src/cloud/client/unary.js";
import { proxyFor } from "../../../src/cloud/client/proxy.js";
import { encodeRetryStatus, STATUS_DETAILS_KEY } from "../../../src/cloud/realism/retry-info.js";
import { ensureTlsMaterial } from "../../../src/cloud/tls.js";
import { CloudError } from "../../../src/contract/errors.js";

const GET_ORG = clientClass("organization").service.get;
const ORG = "bpfquickstartorg0001";
const closers: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  delete process.env.https_proxy;
  delete process.env.no_proxy;
});

/** An HTTP/2 TLS server on 127.0.0.1 whose every stream `answer` handles; resolves with its port. */
async function serve(answer: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<{ port: number; sessions: ServerHttp2Session[] }> {
  const tls = await ensureTlsMaterial();
  const server = http2.createSecureServer({ cert: tls.certPem, key: tls.keyPem });
  const sessions: ServerHttp2Session[] = [];
  server.on("stream", (stream, headers) => {
    stream.on("error", () => undefined); // a reset the test itself sends
    stream.once("end", () => answer(stream, headers)).resume();
  });
  server.on("session", (s) => sessions.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise((r) => server.close(r)));
  closers.push(() => sessions.forEach((s) => s.destroy()));
  return { port: (server.address() as net.AddressInfo).port, sessions };
}

/** A gRPC OK reply carrying `message` (already serialized). */
function ok(stream: ServerHttp2Stream, message: Buffer, flags = 0): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  const frame = Buffer.alloc(5 + message.length);
  frame[0] = flags;
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  stream.end(frame);
}

const organization = (id: string) => GET_ORG.responseSerialize({ id, name: "quickstart", title: "Quickstart", description: "", labels: {} } as never);

async function caller(): Promise<UnaryCaller> {
  const c = new UnaryCaller(Buffer.from((await ensureTlsMaterial()).certPem));
  closers.push(() => c.close());
  return c;
}

async function failureOf(p: Promise<unknown>): Promise<UnaryFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UnaryFailure) return e;
    throw e;
  }
  throw new Error("expected a UnaryFailure");
}

describe("UnaryCaller over HTTP/2", () => {
  it("GIVEN an OK reply WHEN called THEN the message decodes, and the request carried the gRPC headers and a grpc-timeout", async () => {
    let seen: IncomingHttpHeaders = {};
    const { port } = await serve((stream, headers) => {
      seen = headers;
      ok(stream, organization(ORG));
    });
    const org = (await (await caller()).call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, { authorization: "Bearer t" }, 5000)) as { id: string; name: string };
    expect([org.id, org.name]).toEqual([ORG, "quickstart"]);
    expect([seen[":method"], seen[":path"], seen["content-type"], seen.te, seen.authorization]).toEqual([
      "POST",
      "/yandex.cloud.organizationmanager.v1.OrganizationService/Get",
      "application/grpc",
      "trailers",
      "Bearer t",
    ]);
    expect(seen["grpc-timeout"]).toMatch(/^\d{1,8}m$/);
  });

  it("GIVEN a trailers-only RESOURCE_EXHAUSTED with a percent-encoded message and RetryInfo WHEN GrpcCloudClient calls THEN CloudError with the decoded message and retryAfterMs", async () => {
    const { port } = await serve((stream) =>
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "8",
          "grpc-message": encodeURIComponent("quota: 100 calls/s — slow down"),
          [STATUS_DETAILS_KEY]: encodeRetryStatus(8, "quota", 1500).toString("base64").replace(/=+$/, ""),
        },
        { endStream: true },
      ),
    );
    const client = new GrpcCloudClient({ endpoint: `127.0.0.1:${port}`, rootCertPem: (await ensureTlsMaterial()).certPem, iamToken: "t" });
    closers.push(() => client.close());
    const e = await client.getOrganization(ORG).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CloudError);
    const err = e as CloudError;
    expect([err.code, err.message, err.retryAfterMs]).toEqual(["RESOURCE_EXHAUSTED", "quota: 100 calls/s — slow down", 1500]);
  });

  it("GIVEN HTTP 503 from a balancer, no gRPC status WHEN called THEN UNAVAILABLE naming the HTTP status", async () => {
    const { port } = await serve((stream) => stream.respond({ ":status": 503 }, { endStream: true }));
    const f = await failureOf((await caller()).call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000));
    expect([f.code, f.details]).toEqual([14, "Received HTTP status code 503"]);
  });

  it("GIVEN the server refuses the stream (RST_STREAM REFUSED_STREAM) WHEN called THEN UNAVAILABLE, which callers retry", async () => {
    const { port } = await serve((stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
    const f = await failureOf((await caller()).call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000));
    expect([f.code, f.details]).toEqual([14, "Stream closed with error code NGHTTP2_REFUSED_STREAM"]);
  });

  it("GIVEN a compressed message that was not asked for, or a truncated one WHEN called THEN INTERNAL saying which", async () => {
    let n = 0;
    const { port } = await serve((stream) => {
      if (n++ === 0) ok(stream, organization(ORG), 1);
      else {
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(Buffer.from([0, 0, 0, 0, 9, 1, 2]));
      }
    });
    const c = await caller();
    const compressed = await failureOf(c.call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000));
    const truncated = await failureOf(c.call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000));
    expect([compressed.code, compressed.details]).toEqual([13, "The server sent a compressed message, which was not asked for"]);
    expect([truncated.code, truncated.details]).toEqual([13, "A unary reply must be one message: got 2 bytes for a 9-byte message"]);
  });

  it("GIVEN the server sends GOAWAY and closes the connection WHEN the next call is made THEN it dials again and succeeds", async () => {
    const { port, sessions } = await serve((stream) => ok(stream, organization(ORG)));
    const c = await caller();
    const call = () => c.call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000) as Promise<{ id: string }>;
    expect((await call()).id).toBe(ORG);
    expect(sessions).toHaveLength(1);
    sessions[0].goaway(http2.constants.NGHTTP2_NO_ERROR);
    await new Promise<void>((r) => sessions[0].close(r));
    expect((await call()).id).toBe(ORG);
    expect(sessions).toHaveLength(2);
  });

  it("GIVEN https_proxy names an HTTP proxy WHEN called THEN the connection is a CONNECT tunnel through it; no_proxy bypasses it", async () => {
    const { port } = await serve((stream) => ok(stream, organization(ORG)));
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on("connect", (req, client, head) => {
      tunnels.push(req.url!);
      const [host, p] = req.url!.split(":");
      const upstream = net.connect(Number(p), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      closers.push(() => void upstream.destroy());
      closers.push(() => void client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => proxy.close(r)));
    process.env.https_proxy = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;

    const through = await caller();
    expect(((await through.call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000)) as { id: string }).id).toBe(ORG);
    expect(tunnels).toEqual([`127.0.0.1:${port}`]);

    process.env.no_proxy = "localhost,127.0.0.1";
    const direct = await caller();
    expect(((await direct.call(`127.0.0.1:${port}`, GET_ORG, { organizationId: ORG } as never, {}, 5000)) as { id: string }).id).toBe(ORG);
    expect(tunnels).toEqual([`127.0.0.1:${port}`]);
  });
});

describe("grpcTimeout", () => {
  it("GIVEN deadlines short and long THEN at most 8 digits with a unit, never zero", () => {
    expect([grpcTimeout(30_000), grpcTimeout(0.2), grpcTimeout(99_999_999), grpcTimeout(100_000_000), grpcTimeout(1e15)]).toEqual(["30000m", "1m", "99999999m", "100000S", "99999999S"]);
  });
});

describe("proxyFor (grpc-js's environment rules)", () => {
  it("GIVEN the variables in order of precedence and no_proxy forms THEN the proxy, or none", () => {
    expect(proxyFor("api.cloud.yandex.net", {})).toBeUndefined();
    expect(proxyFor("api.cloud.yandex.net", { http_proxy: "proxy:3128", https_proxy: "http://p2:8080", grpc_proxy: "http://p3:1" })!.host).toBe("p3:1");
    expect(proxyFor("api.cloud.yandex.net", { http_proxy: "proxy:3128" })!.href).toBe("http://proxy:3128/");
    expect(proxyFor("compute.api.cloud.yandex.net", { https_proxy: "http://p:1", no_proxy: "cloud.yandex.net" })).toBeUndefined();
    expect(proxyFor("compute.api.cloud.yandex.net", { https_proxy: "http://p:1", no_proxy: ".yandex.net" })).toBeUndefined();
    expect(proxyFor("notyandex.net", { https_proxy: "http://p:1", no_proxy: "yandex.net" })!.host).toBe("p:1");
    expect(proxyFor("x", { https_proxy: "http://p:1", no_proxy: "*" })).toBeUndefined();
    expect(proxyFor("x", { https_proxy: "http://p:1", no_proxy: "x", no_grpc_proxy: "y" })!.host).toBe("p:1");
    const warnings: string[] = [];
    expect(proxyFor("x", { https_proxy: "https://p:1" }, (w) => warnings.push(w))).toBeUndefined();
    expect(proxyFor("x", { grpc_proxy: "http://[bad" }, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toEqual([
      "https_proxy https://p:1/ is not an http:// proxy (gRPC tunnels through one with CONNECT): connecting to the cloud directly",
      'grpc_proxy "http://[bad" is not a URL: connecting to the cloud directly',
    ]);
  });
});

// How connecting fails, as a user meets it with `--endpoint H:P`: a port that accepts TCP but never
// answers TLS must neither hang the call nor keep the process alive after close(); a port with plain
// HTTP, a TLS server without HTTP/2, a proxy that refuses or asks for credentials, and a certificate
// for other names each fail with one line naming the cause and what to do, not OpenSSL's internals.
async function listen(server: net.Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, r));
  closers.push(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

/** A TCP server that accepts and never answers (so no TLS handshake ends): its sockets, as accepted and as closed. */
async function silentServer(): Promise<{ port: number; accepted: net.Socket[]; closed: net.Socket[] }> {
  const accepted: net.Socket[] = [];
  const closed: net.Socket[] = [];
  const port = await listen(
    net.createServer((s) => {
      accepted.push(s);
      s.on("close", () => closed.push(s)).resume(); // reading, so the client's FIN is seen
    }),
  );
  closers.push(() => accepted.forEach((s) => s.destroy()));
  return { port, accepted, closed };
}

const getOrg = (c: UnaryCaller, endpoint: string, timeoutMs = 5000) => c.call(endpoint, GET_ORG, { organizationId: "x" } as never, {}, timeoutMs);

describe("UnaryCaller connecting", () => {
  it("GIVEN a port that accepts TCP and never answers TLS WHEN called THEN it fails at the deadline, the next call dials again, and close() drops the half-open connection", async () => {
    const { port, accepted: sockets, closed } = await silentServer();
    const c = await caller();
    const first = await failureOf(getOrg(c, `127.0.0.1:${port}`, 300));
    expect([first.code, first.details]).toEqual([4, `127.0.0.1:${port} did not complete the TLS handshake within 300 ms: is it the gRPC (TLS) port?`]);
    // The attempt that timed out is not waited on again: the next call makes its own connection.
    await failureOf(getOrg(c, `127.0.0.1:${port}`, 300));
    expect(sockets).toHaveLength(2);
    // Nothing left open: a connection that never finished must not keep a finished command alive.
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toHaveLength(2);
  });

  it("GIVEN a call deadline longer than the connect timeout WHEN the port never answers TLS THEN UNAVAILABLE at the connect timeout, not at the deadline", async () => {
    const { port } = await silentServer();
    const c = new UnaryCaller(Buffer.from((await ensureTlsMaterial()).certPem), 200);
    closers.push(() => c.close());
    const started = Date.now();
    const f = await failureOf(getOrg(c, `127.0.0.1:${port}`, 30_000));
    expect([f.code, f.details]).toEqual([14, `127.0.0.1:${port} did not complete the TLS handshake within 200 ms: is it the gRPC (TLS) port?`]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("GIVEN close() while a connection is still being made WHEN it is closed THEN the socket is dropped at once", async () => {
    const { port, accepted, closed } = await silentServer();
    const c = new UnaryCaller(Buffer.from((await ensureTlsMaterial()).certPem));
    const pending = failureOf(getOrg(c, `127.0.0.1:${port}`, 10_000));
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 10));
    c.close();
    const f = await pending;
    expect(f.code).toBe(14);
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toHaveLength(1);
  });

  it("GIVEN a plain HTTP/1 server or a TLS server without HTTP/2 on the port WHEN called THEN UNAVAILABLE saying it is not a gRPC TLS port, without OpenSSL's text", async () => {
    const plain = await listen(http.createServer((_q, r) => r.end("hello")));
    const material = await ensureTlsMaterial();
    const noH2 = await listen(tls.createServer({ cert: material.certPem, key: material.keyPem, ALPNProtocols: ["http/1.1"] }, (s) => s.end()));
    const c = await caller();
    const a = await failureOf(getOrg(c, `127.0.0.1:${plain}`));
    const b = await failureOf(getOrg(c, `127.0.0.1:${noH2}`));
    expect([a.code, a.details]).toEqual([14, `127.0.0.1:${plain} does not answer with TLS (plain HTTP or another protocol listens there): is it the gRPC (TLS) port?`]);
    expect([b.code, b.details]).toEqual([14, `127.0.0.1:${noH2} answers TLS but not HTTP/2 (no "h2" in ALPN), so it is not a gRPC server: is it the gRPC port?`]);
  });

  it("GIVEN https_proxy names a proxy that refuses connections or answers 407 WHEN called THEN the failure names the proxy and the variable, and no credentials", async () => {
    const proxy407 = http.createServer();
    proxy407.on("connect", (_req, sock: net.Socket) => sock.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n"));
    const p407 = await listen(proxy407);
    // A port nothing listens on: one just let go.
    const scratch = net.createServer();
    const gone = await listen(scratch);
    await new Promise((r) => scratch.close(r));
    const c = await caller();

    process.env.https_proxy = `http://127.0.0.1:${gone}`;
    const refused = await failureOf(getOrg(c, "localhost:1"));
    expect([refused.code, refused.details]).toEqual([14, `the proxy 127.0.0.1:${gone} (https_proxy) refused the connection: fix https_proxy, or list localhost in no_proxy to connect directly`]);

    process.env.https_proxy = `http://user:s3cret@127.0.0.1:${p407}`;
    const c2 = await caller();
    const auth = await failureOf(getOrg(c2, "localhost:1"));
    expect([auth.code, auth.details]).toEqual([
      14,
      `the proxy 127.0.0.1:${p407} (https_proxy) answered CONNECT localhost:1 with HTTP 407 (proxy authentication required): check the user and password in https_proxy, or list localhost in no_proxy to connect directly`,
    ]);
    expect(auth.details).not.toContain("s3cret");
  });
});

describe("GrpcCloudClient and the server's certificate", () => {
  it("GIVEN a certificate the root trusts but issued for other names WHEN called by an address it does not list THEN FAILED_PRECONDITION saying to use a listed name (not to trust a CA)", async () => {
    const material = await ensureTlsMaterial();
    const server = http2.createSecureServer({ cert: material.certPem, key: material.keyPem });
    await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
    closers.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const client = new GrpcCloudClient({ endpoint: `127.0.0.2:${port}`, rootCertPem: material.certPem, iamToken: "t", callTimeoutMs: 5000 });
    closers.push(() => client.close());
    const e = await client.getOrganization("x").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CloudError);
    expect([(e as CloudError).code, (e as CloudError).message]).toEqual([
      "FAILED_PRECONDITION",
      `the TLS certificate of 127.0.0.2:${port} is for other names (IP: 127.0.0.2 is not in the cert's list: 127.0.0.1): connect by a name or address the certificate lists`,
    ]);
  });
});

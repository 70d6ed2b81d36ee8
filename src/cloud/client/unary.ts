// Unary gRPC calls made directly on node:http2, with the SDK's generated method definitions (their
// protobuf codecs and paths). Why not through a general gRPC library: a 10k-resource refresh makes
// about 4,000 calls, and per call the SDK's client factory (three async-generator middlewares over
// nice-grpc) and grpc-js's own layers (interceptors, load balancing, subchannels) cost about twice
// the CPU of the HTTP/2 exchange itself; the refresh was bound by that CPU (bench/realcloud/fleet.ts).
// A unary call is a small, fixed protocol: one HEADERS + DATA frame out; HEADERS, one
// length-prefixed message and trailers (grpc-status, grpc-message, grpc-status-details-bin) back.
// docs/real-cloud.md lists what this transport does and does not do (no compression, no
// client-side load balancing; HTTP CONNECT proxies from grpc_proxy / https_proxy / http_proxy).
import http from "node:http";
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import type { Socket } from "node:net";
import tls from "node:tls";
import type { MethodDefinition } from "@grpc/grpc-js";
import { GRPC_CODES } from "../../contract/errors.js";
import { proxyFor, proxyVariable } from "./proxy.js";


/** What a failed call carries: the status, its message and the trailers (RetryInfo lives there). */
export class UnaryFailure extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    private readonly trailers: IncomingHttpHeaders = {},
  ) {
    super(`${code} ${details}`);
  }

  /** A trailer's value; a `-bin` trailer decoded from base64. */
  trailer(key: string): string | Buffer | undefined {
    const v = this.trailers[key];
    const s = Array.isArray(v) ? v[0] : v;
    if (s === undefined) return undefined;
    return key.endsWith("-bin") ? Buffer.from(s, "base64") : s;
  }
}

/** The grpc-timeout header: at most 8 digits and a unit, so long deadlines go in seconds. */
export function grpcTimeout(ms: number): string {
  return ms < 1e8 ? `${Math.max(1, Math.ceil(ms))}m` : `${Math.min(99_999_999, Math.ceil(ms / 1000))}S`;
}

/** HTTP statuses a proxy or balancer may answer instead of gRPC, as the gRPC spec maps them. */
function codeForHttpStatus(status: number): number {
  if (status === 400) return GRPC_CODES.INTERNAL;
  if (status === 401) return GRPC_CODES.UNAUTHENTICATED;
  if (status === 403) return GRPC_CODES.PERMISSION_DENIED;
  if (status === 404) return GRPC_CODES.UNIMPLEMENTED;
  if (status === 429 || status === 502 || status === 503 || status === 504) return GRPC_CODES.UNAVAILABLE;
  return GRPC_CODES.UNKNOWN;
}

/** grpc-message is percent-encoded (RFC 3986 style) on the wire. */
function decodeMessage(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v[0] : (v ?? "");
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const USER_AGENT = "oslogin-kit (node http2 unary)";

/** Longer than any TLS handshake to a live server, even through a proxy far away. */
const CONNECT_TIMEOUT_MS = 10_000;

export class UnaryCaller {
  /** One HTTP/2 connection per endpoint, made on first use and again after it closes. */
  private readonly sessions = new Map<string, Promise<ClientHttp2Session>>();
  /** How to give up each connection still being made (close() and a passed deadline do). */
  private readonly connecting = new Set<() => void>();

  /**
   * connectTimeoutMs bounds making a connection (TCP, CONNECT through a proxy, TLS) below the call's
   * deadline: a port that takes TCP and never answers TLS then fails in seconds, and the retries
   * around it end in about a minute rather than one call deadline each.
   */
  constructor(
    private readonly roots: Buffer,
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {}

  /** Calls `method` at `endpoint`; rejects with a UnaryFailure for any gRPC status but OK. */
  async call<Req, Res>(endpoint: string, method: MethodDefinition<Req, Res>, request: Req, headers: Record<string, string>, timeoutMs: number): Promise<Res> {
    const deadline = Date.now() + timeoutMs;
    const message = method.requestSerialize(request);
    let session: ClientHttp2Session;
    try {
      // The call that starts a connection bounds it by its own deadline; the others wait on it until theirs.
      const { connection, started } = this.session(endpoint, deadline, timeoutMs);
      session = started ? await connection : await withDeadline(connection, deadline);
    } catch (e) {
      throw e instanceof UnaryFailure ? e : new UnaryFailure(GRPC_CODES.UNAVAILABLE, connectFailure(endpoint, e as NodeJS.ErrnoException));
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new UnaryFailure(GRPC_CODES.DEADLINE_EXCEEDED, "Deadline exceeded");
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ":method": "POST",
        ":path": method.path,
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-timeout": grpcTimeout(left),
        "user-agent": USER_AGENT,
        ...headers,
      });
    } catch (e) {
      // The connection closed or went away (GOAWAY) since it was handed out: the call never left.
      throw new UnaryFailure(GRPC_CODES.UNAVAILABLE, `Connection closed: ${(e as Error).message}`);
    }
    const body = Buffer.allocUnsafe(5 + message.length);
    body[0] = 0; // not compressed
    body.writeUInt32BE(message.length, 1);
    message.copy(body, 5);
    stream.end(body);
    const reply = await exchange(stream, left);
    return method.responseDeserialize(reply);
  }

  close(): void {
    for (const s of this.sessions.values()) void s.then((x) => x.close(), () => undefined);
    this.sessions.clear();
    // A connection still being made would otherwise keep the process alive after the command ends.
    for (const give of this.connecting) give();
    this.connecting.clear();
  }

  private session(endpoint: string, deadline: number, timeoutMs: number): { connection: Promise<ClientHttp2Session>; started: boolean } {
    let s = this.sessions.get(endpoint);
    if (s) return { connection: s, started: false };
    // The call's deadline when it comes first (DEADLINE_EXCEEDED), else the connect timeout (UNAVAILABLE).
    const capped = timeoutMs > this.connectTimeoutMs;
    const attempt = connect(endpoint, this.roots, capped ? Date.now() + this.connectTimeoutMs : deadline, capped ? this.connectTimeoutMs : timeoutMs, capped ? GRPC_CODES.UNAVAILABLE : GRPC_CODES.DEADLINE_EXCEEDED);
    const made = attempt.connection;
    this.connecting.add(attempt.abandon);
    this.sessions.set(endpoint, made);
    const forget = () => {
      this.connecting.delete(attempt.abandon);
      if (this.sessions.get(endpoint) === made) this.sessions.delete(endpoint);
    };
    made.then((session) => {
      this.connecting.delete(attempt.abandon);
      // A closed or refused connection is not reused: the next call dials again.
      session.once("close", forget);
      session.once("goaway", forget);
      session.on("error", forget);
    }, forget);
    return { connection: made, started: true };
  }
}

/**
 * Dials `host:port` over TLS (ALPN h2), through an HTTP CONNECT proxy when the environment names one.
 * Given up at `deadline` (a port that accepts TCP but never answers TLS would otherwise hold the
 * call, and the process, forever) or by `abandon`.
 */
function connect(endpoint: string, roots: Buffer, deadline: number, timeoutMs: number, timeoutCode: number): { connection: Promise<ClientHttp2Session>; abandon: () => void } {
  let abandon: () => void = () => undefined;
  const connection = new Promise<ClientHttp2Session>((resolve, reject) => {
    let session: ClientHttp2Session | undefined;
    let socket: Socket | undefined;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session?.destroy();
      socket?.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new UnaryFailure(timeoutCode, `${endpoint} did not complete the TLS handshake within ${timeoutMs} ms: is it the gRPC (TLS) port?`)), Math.max(0, deadline - Date.now()));
    abandon = () => fail(new UnaryFailure(GRPC_CODES.UNAVAILABLE, `the client was closed while connecting to ${endpoint}`));
    const authority = `https://${endpoint}`;
    let hostname: string, port: string;
    try {
      ({ hostname, port } = new URL(authority));
    } catch {
      return fail(new UnaryFailure(GRPC_CODES.INVALID_ARGUMENT, `the endpoint ${JSON.stringify(endpoint)} is not HOST:PORT (e.g. localhost:18443)`));
    }
    const host = hostname.replace(/^\[|\]$/g, "");
    const proxy = proxyFor(host);
    const dial = (tunnel?: Socket) => {
      if (done) return void tunnel?.destroy();
      // The TLS socket is made here (not by http2.connect) so that giving up can destroy it.
      socket = tls.connect({ ...(tunnel ? { socket: tunnel } : { port: Number(port || 443) }), host, ca: roots, ALPNProtocols: ["h2"], ...(isName(host) && { servername: host }) });
      const made = socket;
      session = http2.connect(authority, { settings: { enablePush: false }, createConnection: () => made });
      const s = session;
      s.once("error", fail);
      s.once("connect", () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        s.off("error", fail);
        // Errors after connecting reach the streams; this keeps them from being uncaught.
        s.on("error", () => undefined);
        // An idle connection must not keep a finished command alive.
        s.unref();
        resolve(s);
      });
    };
    if (!proxy) dial();
    else connectThrough(proxy, host, Number(port || 443)).then(dial, fail);
  });
  return { connection, abandon: () => abandon() };
}

const isName = (host: string) => !/^[\d.]+$/.test(host) && !host.includes(":");

/** Why a connection failed, in words a user can act on (OpenSSL's own text names its source files). */
function connectFailure(endpoint: string, e: NodeJS.ErrnoException): string {
  const code = e.code ?? "";
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" || code === "ERR_SSL_HTTP_REQUEST")
    return `${endpoint} does not answer with TLS (plain HTTP or another protocol listens there): is it the gRPC (TLS) port?`;
  if (code === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL") return `${endpoint} answers TLS but not HTTP/2 (no "h2" in ALPN), so it is not a gRPC server: is it the gRPC port?`;
  if (code === "ECONNREFUSED") return `${endpoint}: connection refused (ECONNREFUSED)`;
  if (code === "ENOTFOUND") return `${endpoint}: the host name does not resolve (ENOTFOUND)`;
  return e.message;
}

/** A socket to host:port through an HTTP proxy's CONNECT. */
function connectThrough(proxy: URL, host: string, port: number): Promise<Socket> {
  const name = proxyVariable();
  const orDirect = `list ${host} in no_proxy to connect directly`;
  return new Promise((resolve, reject) => {
    const target = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const auth = proxy.username ? { "proxy-authorization": `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}` } : {};
    const req = http.request({ host: proxy.hostname, port: Number(proxy.port || 80), method: "CONNECT", path: target, headers: { host: target, ...auth } });
    req.once("connect", (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        const why =
          res.statusCode === 407 ? ` (proxy authentication required): check the user and password in ${name}, or ${orDirect}` : `: check that ${name} names the right proxy, or ${orDirect}`;
        reject(new UnaryFailure(GRPC_CODES.UNAVAILABLE, `the proxy ${proxy.host} (${name}) answered CONNECT ${target} with HTTP ${res.statusCode}${why}`));
      }
    });
    req.once("error", (e: NodeJS.ErrnoException) => {
      const what = e.code === "ECONNREFUSED" ? "refused the connection" : `failed: ${e.message}`;
      reject(new UnaryFailure(GRPC_CODES.UNAVAILABLE, `the proxy ${proxy.host} (${name}) ${what}: fix ${name}, or ${orDirect}`));
    });
    req.end();
  });
}

/** Reads one unary reply: the message bytes, or a UnaryFailure from the status, a reset or the deadline. */
function exchange(stream: ClientHttp2Stream, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let httpStatus = 0;
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new UnaryFailure(GRPC_CODES.DEADLINE_EXCEEDED, "Deadline exceeded")));
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, timeoutMs);
    stream.on("response", (h) => {
      headers = h;
      httpStatus = Number(h[":status"]);
    });
    stream.on("data", (d: Buffer) => chunks.push(d));
    stream.on("trailers", (t: IncomingHttpHeaders) => (trailers = t));
    // A reset (REFUSED_STREAM after the server's limit, a connection that went away) or a socket
    // error: the call may not have reached the method, and UNAVAILABLE is what callers retry.
    stream.on("error", (e: Error) => finish(() => reject(new UnaryFailure(GRPC_CODES.UNAVAILABLE, e.message))));
    stream.on("close", () => {
      // A stream reset before any status (REFUSED_STREAM, a connection that went away) never reached
      // the method: UNAVAILABLE, which callers retry.
      if (!httpStatus) finish(() => reject(new UnaryFailure(GRPC_CODES.UNAVAILABLE, `Stream closed before a response (HTTP/2 code ${stream.rstCode})`)));
      else finish(() => settle(httpStatus, headers, trailers, chunks, resolve, reject));
    });
  });
}

function settle(httpStatus: number, headers: IncomingHttpHeaders, trailers: IncomingHttpHeaders, chunks: Buffer[], resolve: (b: Buffer) => void, reject: (e: UnaryFailure) => void): void {
  // A "trailers-only" reply (most errors) carries the status in its headers.
  const statusFrom = trailers["grpc-status"] !== undefined ? trailers : headers;
  const grpcStatus = statusFrom["grpc-status"];
  if (grpcStatus === undefined) {
    if (httpStatus !== 200) return reject(new UnaryFailure(codeForHttpStatus(httpStatus), `Received HTTP status code ${httpStatus}`));
    return reject(new UnaryFailure(GRPC_CODES.UNKNOWN, "The server ended the call without a gRPC status"));
  }
  const code = Number(grpcStatus);
  if (code !== 0) return reject(new UnaryFailure(code, decodeMessage(statusFrom["grpc-message"]), statusFrom));
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  if (body.length < 5) return reject(new UnaryFailure(GRPC_CODES.INTERNAL, "The server answered OK without a message"));
  if (body[0] !== 0) return reject(new UnaryFailure(GRPC_CODES.INTERNAL, "The server sent a compressed message, which was not asked for"));
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) return reject(new UnaryFailure(GRPC_CODES.INTERNAL, `A unary reply must be one message: got ${body.length - 5} bytes for a ${length}-byte message`));
  resolve(body.subarray(5));
}

/** The connection, or DEADLINE_EXCEEDED when the call's deadline passes first. */
function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new UnaryFailure(GRPC_CODES.DEADLINE_EXCEEDED, "Deadline exceeded")), Math.max(0, deadline - Date.now()));
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

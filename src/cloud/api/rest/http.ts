// The REST gateway's HTTP handling over node:http: route lookup, body limit, JSON parsing, strict
// decoding, Bearer auth, the Idempotency-Key header, and the one place that turns any failure into
// the Yandex error body {"code", "message", "details"}. A failure that is not a CloudError is a bug:
// the client gets INTERNAL with a generic message and the log gets one line (no stack, no body, no
// headers, so no token can leak).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudError, errors, isCloudError } from "../../../contract/errors.js";
import type { Caller } from "../../model/types.js";
import { toJsonText } from "./encode.js";
import type { Router } from "./router.js";
import { queryToJson } from "./schema.js";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Idempotency keys are opaque client strings; bounded so they cannot bloat the store. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export interface HttpGatewayOptions {
  router: Router;
  /** Maps the Authorization header to a Caller (throws UNAUTHENTICATED). */
  authenticate(authorization: string | undefined): Caller;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  bodyLimit?: number;
  /** One line per internal error; the CLI prints it to stderr. */
  log?: (line: string) => void;
  /**
   * Runs a route's handler and resolves when its result may be sent (ModelContext.acknowledged:
   * after the commit it joined). Default: as soon as the handler returns.
   */
  acknowledged?: <T>(handler: () => T) => Promise<Awaited<T>>;
}

export interface HttpGateway {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Who a public route (the IAM token exchange) runs as: a subject no binding names, so a handler
 * that wrongly used it for authorization would be denied, never let through.
 */
const ANONYMOUS: Caller = { kind: "subject", subject: { type: "system", id: "anonymous" } };

/**
 * The client closed the connection before its request body was complete. Nobody is left to answer,
 * and nothing went wrong on our side: not an internal error.
 */
class ClientAborted {}

/** A failure with an HTTP status that no gRPC code maps to (413 for an oversize body). */
class HttpStatusError {
  constructor(
    readonly status: number,
    readonly error: CloudError,
  ) {}
}

export async function startHttpGateway(opts: HttpGatewayOptions): Promise<HttpGateway> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const log = opts.log ?? (() => {});
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof ClientAborted) {
        log(`rest: client closed the connection before sending the whole request body (${req.method} ${new URL(req.url ?? "/", "http://localhost").pathname})`);
        res.destroy();
        return;
      }
      sendError(res, e);
    });
  });
  // Clients such as the bench and the SDK reuse connections; keep idle ones a little longer than
  // Node's 5 s default so a paused client does not race the server closing the socket.
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const { route, params } = opts.router.match(req.method ?? "GET", url.pathname);
    const text = await readBody(req, bodyLimit);
    const caller = route.public ? ANONYMOUS : opts.authenticate(req.headers.authorization);
    if (route.adminOnly && caller.kind !== "admin") {
      throw errors.permissionDenied(`${req.method} ${url.pathname} is emulator-only and needs the emulator admin token`);
    }
    const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();

    let query: unknown = {};
    if (route.query) query = route.query.decode(queryToJson(route.query, url.searchParams), "");
    else if (url.search.length > 1) {
      const first = url.searchParams.keys().next().value as string;
      throw errors.invalidArgument(first, "is not a known query parameter of this request");
    }

    let body: unknown = {};
    if (route.body !== "text") {
      const json = parseJson(text);
      // An empty body is the empty message (proto3): required fields then fail by name.
      if (route.body) body = route.body.decode(json ?? {}, "");
      else if (json !== undefined && !(isEmptyObject(json))) {
        throw errors.invalidArgument("body", "must be empty or {} for this request");
      }
    }

    const keyHeader = req.headers["idempotency-key"];
    let idempotencyKey: string | undefined;
    if (keyHeader !== undefined) {
      if (Array.isArray(keyHeader) || !IDEMPOTENCY_KEY.test(keyHeader)) {
        throw errors.invalidArgument("Idempotency-Key", "must be one header of 1-128 printable ASCII characters");
      }
      idempotencyKey = keyHeader;
    }

    const run = () => route.handle({ caller, params, query, body, idempotencyKey, text, contentType });
    const result = await (opts.acknowledged ? opts.acknowledged(run) : run());
    send(res, 200, toJsonText(result ?? {}));
  }

  function sendError(res: ServerResponse, e: unknown): void {
    let status: number;
    let error: CloudError;
    if (e instanceof HttpStatusError) {
      ({ status, error } = e);
      // The rest of an oversize body is not read: the connection cannot be reused.
      res.setHeader("Connection", "close");
    } else if (isCloudError(e)) {
      status = e.httpStatus;
      error = e;
    } else {
      error = errors.internal();
      status = error.httpStatus;
      const what = e instanceof Error ? `${e.name}: ${e.message}` : typeof e;
      log(`rest: internal error (${what.slice(0, 300)})`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, status, toJsonText(error.toStatus()));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () =>
    new HttpStatusError(413, new CloudError("INVALID_ARGUMENT", `Request body too large: the limit is ${limit} bytes`));
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    // Node reports a client that hangs up mid-body as an "aborted" error on the request.
    req.on("error", (e) => reject(req.destroyed && !req.complete ? new ClientAborted() : e));
  });
}

/** undefined for an empty body; INVALID_ARGUMENT (400) naming the position for malformed JSON. */
function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    // Only the position: V8's message quotes the input, which may hold a JWT or key material.
    const at = e instanceof Error ? /position (\d+)/.exec(e.message) : null;
    throw new CloudError("INVALID_ARGUMENT", `Request body is not valid JSON${at ? ` (at position ${at[1]})` : ""}`, "body");
  }
}

const isEmptyObject = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

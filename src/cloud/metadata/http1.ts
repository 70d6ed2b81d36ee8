// A small HTTP/1.1 server for the metadata endpoint, on node:net. Why not node:http: the endpoint
// answers tiny GETs from one local agent at a time per connection, and node:http's per-request
// objects (IncomingMessage, ServerResponse, header maps, streams) cost more CPU than the OS Login
// lookup itself (~25 µs of ~60 per request, measured in bench/metadata). This parser does only what
// that traffic needs, strictly:
//   - request line `METHOD SP request-target SP HTTP/1.x`, header fields `name: value`; lines end
//     in CRLF or a bare LF (RFC 9112 section 2.2 lets a recipient accept LF: `printf ... | nc` sends
//     it; waiting for a CRLF CRLF that never comes left such a client hanging until the idle timeout);
//   - keep-alive by default on 1.1, `Connection: close` honoured, 1.0 closes unless keep-alive;
//   - pipelined requests answered in order; a request body with Content-Length is skipped
//     (the agent's 2FA POSTs, which get 404); Transfer-Encoding is refused (501) and closes;
//   - a head over 16 KiB is 431, a body over 64 KiB 413, anything malformed 400; each closes the
//     connection, since the byte stream can no longer be trusted. Idle connections close after 30 s.
import { createServer, type Server, type Socket } from "node:net";

export interface Http1Request {
  method: string;
  target: string;
  /** The first value of a header, by lower-case name. */
  header(name: string): string | undefined;
}

export interface Http1Response {
  status: number;
  body: string;
}

export type Http1Handler = (req: Http1Request) => Http1Response;

export interface Http1ServerOptions {
  /** Headers on every response (e.g. Metadata-Flavor: Google). */
  headers?: Record<string, string>;
  /** Idle keep-alive connections are closed after this long (default 30 s). */
  idleTimeoutMs?: number;
}

export const MAX_HEAD_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_UNREAD_OUTPUT = 1024 * 1024;

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

const REQUEST_LINE = /^([A-Z]{1,16}) (\S+) HTTP\/1\.([01])$/;
// RFC 9110 token characters for a field name; values are visible ASCII, spaces and tabs (and
// obs-text bytes, which latin1 decoding keeps as single characters).
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A request the parser refused: answered with `status`, then the connection closes. */
class Refused {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}

interface Head {
  method: string;
  target: string;
  fields: Map<string, string>;
  keepAlive: boolean;
  bodyLength: number;
}

/** The empty line that ends a head, whether its lines end in CRLF or a bare LF. */
const HEAD_END = /\n\r?\n/;

function parseHead(text: string): Head | Refused {
  const lines = text.split(/\r?\n/);
  const line = REQUEST_LINE.exec(lines[0]);
  if (!line) {
    return /^[A-Z]+ \S+ HTTP\/\d\.\d$/.test(lines[0]) ? new Refused(505, "only HTTP/1.0 and HTTP/1.1 are served") : new Refused(400, "malformed request line");
  }
  const fields = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const f = FIELD.exec(lines[i]);
    if (!f || !FIELD_VALUE.test(f[2])) return new Refused(400, "malformed header field");
    const name = f[1].toLowerCase();
    if (name === "content-length" && fields.has(name) && fields.get(name) !== f[2]) return new Refused(400, "conflicting Content-Length");
    if (!fields.has(name)) fields.set(name, f[2]);
  }
  if (fields.has("transfer-encoding")) return new Refused(501, "request bodies with Transfer-Encoding are not accepted");
  const length = fields.get("content-length");
  if (length !== undefined && !/^\d{1,10}$/.test(length)) return new Refused(400, "Content-Length must be a decimal number");
  const bodyLength = length === undefined ? 0 : Number(length);
  if (bodyLength > MAX_BODY_BYTES) return new Refused(413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  const connection = fields.get("connection")?.toLowerCase() ?? "";
  const keepAlive = line[3] === "1" ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
  return { method: line[1], target: line[2], fields, keepAlive, bodyLength };
}

/** Serves one connection: parses what arrives, answers each complete request in order. */
class Connection {
  /** Unparsed input, latin1 (one character per byte, so lengths are byte counts). */
  private pending = "";
  /** Body bytes of the last request still to be skipped. */
  private skip = 0;

  constructor(
    private readonly socket: Socket,
    private readonly handler: Http1Handler,
    private readonly fixedHeaders: string,
  ) {}

  receive(chunk: Buffer): void {
    this.pending += chunk.toString("latin1");
    while (!this.socket.destroyed) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.pending.length);
        this.pending = this.pending.slice(n);
        this.skip -= n;
        if (this.skip > 0) return;
      }
      const blank = HEAD_END.exec(this.pending);
      if (!blank) {
        if (this.pending.length > MAX_HEAD_BYTES) this.refuse(new Refused(431, `request heads are limited to ${MAX_HEAD_BYTES} bytes`));
        return;
      }
      // The head is everything before the line end that precedes the empty line.
      const end = blank.index > 0 && this.pending[blank.index - 1] === "\r" ? blank.index - 1 : blank.index;
      if (end > MAX_HEAD_BYTES) return this.refuse(new Refused(431, `request heads are limited to ${MAX_HEAD_BYTES} bytes`));
      // Tolerate the empty lines RFC 9112 allows before a request line.
      const text = this.pending.slice(0, end).replace(/^(\r?\n)+/, "");
      this.pending = this.pending.slice(blank.index + blank[0].length);
      const head = parseHead(text);
      if (head instanceof Refused) return this.refuse(head);
      this.skip = head.bodyLength;
      this.answer(head);
      if (!head.keepAlive) return void this.socket.end();
    }
    // A client that pipelines requests without reading the answers is not read from until it does.
    if (this.socket.writableLength > MAX_UNREAD_OUTPUT && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once("drain", () => this.socket.resume());
    }
  }

  private answer(head: Head): void {
    let res: Http1Response;
    try {
      res = this.handler({ method: head.method, target: head.target, header: (name) => head.fields.get(name) });
    } catch {
      // Handlers are meant to answer errors themselves; this is the last resort, and says nothing more.
      res = { status: 500, body: JSON.stringify({ error: { code: 500, message: "internal error" } }) };
    }
    this.write(res, head.method === "HEAD", !head.keepAlive);
  }

  private refuse(r: Refused): void {
    this.write({ status: r.status, body: JSON.stringify({ error: { code: r.status, message: r.message } }) }, false, true);
    this.socket.end();
  }

  private write(res: Http1Response, headOnly: boolean, close: boolean): void {
    let head = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? "Unknown"}\r\n${this.fixedHeaders}Content-Length: ${Buffer.byteLength(res.body)}\r\n`;
    if (close) head += "Connection: close\r\n";
    this.socket.write(headOnly ? `${head}\r\n` : `${head}\r\n${res.body}`);
  }
}

export interface RunningHttp1Server {
  host: string;
  port: number;
  close(): Promise<void>;
}

export function startHttp1Server(handler: Http1Handler, host: string, port: number, opts: Http1ServerOptions = {}): Promise<RunningHttp1Server> {
  const fixedHeaders = Object.entries(opts.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutMs ?? 30_000, () => socket.destroy());
    const conn = new Connection(socket, handler, fixedHeaders);
    socket.on("data", (chunk: Buffer) => conn.receive(chunk));
    // A peer that resets or vanishes is nobody else's problem.
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const addr = server.address() as { address: string; port: number };
      resolve({
        host: addr.address,
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

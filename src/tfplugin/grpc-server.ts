// A minimal gRPC server over node:http2, just what a go-plugin provider needs: unary calls, and
// streams kept open until shutdown. Why not @grpc/grpc-js: loading it costs ~100 ms per process on
// this machine (node:http2 ~25 ms), and terraform starts the provider 3-5 times per command.
// The wire (gRPC over HTTP/2): a POST to /<package>.<Service>/<Method> with content-type
// application/grpc; each message framed as [compressed flag: 1 byte][length: 4 bytes BE][bytes];
// the status travels in trailers (grpc-status, grpc-message).
import * as http2 from "node:http2";
import type { Message } from "./protocol.js";

/** The codec half of a method definition (protocol.ts builds these from the descriptor). */
export interface MethodCodec {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestDeserialize(b: Buffer): Message;
  responseSerialize(m: Message): Buffer;
}

/** An open response stream (server streaming or bidirectional). */
export interface OpenStream {
  /** The first request message (server streaming); undefined for bidirectional calls. */
  request?: Message;
  write(m: Message): void;
  /** Messages the client streams (bidirectional). */
  onMessage(cb: (m: Message) => void): void;
  end(): void;
}

export type UnaryImpl = (req: Message) => Promise<Message>;
export type StreamImpl = (call: OpenStream) => void;

export const STATUS = { OK: 0, INTERNAL: 13, UNIMPLEMENTED: 12, INVALID_ARGUMENT: 3 } as const;

export interface TlsOptions {
  keyPem: string;
  certPem: string;
  /** The only client certificate (and CA) trusted; a client without it cannot connect. */
  clientCaPem: string;
}

export class MiniGrpcServer {
  private readonly methods = new Map<string, { codec: MethodCodec; impl: UnaryImpl | StreamImpl }>();
  private readonly open = new Set<OpenStream>();
  private readonly sessions = new Set<http2.Http2Session>();
  private server?: http2.Http2Server | http2.Http2SecureServer;

  addService(definition: Record<string, MethodCodec>, impl: Record<string, UnaryImpl | StreamImpl>): void {
    for (const [name, codec] of Object.entries(definition)) {
      if (impl[name]) this.methods.set(codec.path, { codec, impl: impl[name] });
    }
  }

  listen(socketPath: string, tls?: TlsOptions): Promise<void> {
    const server = tls
      ? http2.createSecureServer({
          key: tls.keyPem,
          cert: tls.certPem,
          ca: tls.clientCaPem,
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: "TLSv1.2",
        })
      : http2.createServer();
    this.server = server;
    server.on("session", (s: http2.Http2Session) => {
      this.sessions.add(s);
      s.on("close", () => this.sessions.delete(s));
      s.on("error", () => undefined); // a client going away is not our failure
    });
    server.on("stream", (stream, headers) => this.onStream(stream, headers));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  /** Ends the open streams (status OK), stops accepting, and closes the sessions gracefully; forced after 1 s. */
  close(): Promise<void> {
    for (const s of this.open) s.end();
    this.open.clear();
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        for (const s of this.sessions) s.destroy();
      }, 1000);
      force.unref();
      this.server?.close(() => {
        clearTimeout(force);
        resolve();
      });
      for (const s of this.sessions) s.close();
    });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on("error", () => undefined);
    const path = headers[":path"] ?? "";
    const method = this.methods.get(path);
    if (headers[":method"] !== "POST" || !String(headers["content-type"] ?? "").startsWith("application/grpc")) {
      stream.respond({ ":status": 415 }, { endStream: true });
      return;
    }
    if (!method) {
      trailersOnly(stream, STATUS.UNIMPLEMENTED, `unknown method ${path}`);
      return;
    }
    const { codec, impl } = method;
    const messages = new MessageReader();
    if (!codec.requestStream && !codec.responseStream) {
      // Unary: one message, answered when the request has fully arrived.
      stream.on("data", (chunk: Buffer) => messages.push(chunk));
      stream.on("end", () => {
        let request: Message;
        try {
          const raw = messages.take();
          if (raw.length !== 1) throw new RequestError(`expected one request message, got ${raw.length}`);
          request = codec.requestDeserialize(raw[0]);
        } catch (e) {
          trailersOnly(stream, STATUS.INVALID_ARGUMENT, (e as Error).message);
          return;
        }
        (impl as UnaryImpl)(request).then(
          (response) => respond(stream, [codec.responseSerialize(response)], STATUS.OK),
          (e: unknown) => respond(stream, [], STATUS.INTERNAL, e instanceof Error ? e.message : String(e)),
        );
      });
      return;
    }
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(STATUS.OK) }));
    const listeners: ((m: Message) => void)[] = [];
    let first = true;
    const call: OpenStream = {
      write: (m) => {
        if (!stream.closed) stream.write(frame(codec.responseSerialize(m)));
      },
      onMessage: (cb) => listeners.push(cb),
      end: () => {
        this.open.delete(call);
        if (!stream.closed && !stream.writableEnded) stream.end();
      },
    };
    this.open.add(call);
    stream.on("close", () => this.open.delete(call));
    stream.on("data", (chunk: Buffer) => {
      messages.push(chunk);
      for (const raw of messages.take()) {
        const m = codec.requestDeserialize(raw);
        if (!codec.requestStream && first) {
          first = false;
          call.request = m;
          (impl as StreamImpl)(call);
        } else for (const l of listeners) l(m);
      }
    });
    // A bidirectional call starts before the client sends anything (go-plugin's broker waits on us).
    if (codec.requestStream) (impl as StreamImpl)(call);
  }
}

class RequestError extends Error {}

/** Reassembles length-prefixed messages from DATA frames of any size. */
class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** The complete messages buffered so far. */
  take(): Buffer[] {
    const out: Buffer[] = [];
    while (this.buffered.length >= 5) {
      if (this.buffered[0] !== 0) throw new RequestError("compressed messages are not supported");
      const length = this.buffered.readUInt32BE(1);
      if (this.buffered.length < 5 + length) break;
      out.push(this.buffered.subarray(5, 5 + length));
      this.buffered = this.buffered.subarray(5 + length);
    }
    return out;
  }
}

function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** grpc-message per the gRPC HTTP/2 spec: bytes outside printable ASCII, and '%', as %XX of the UTF-8. */
function encodeMessage(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) out += b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}

function respond(stream: http2.ServerHttp2Stream, messages: Buffer[], status: number, message?: string): void {
  if (stream.closed) return;
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () =>
    stream.sendTrailers({ "grpc-status": String(status), ...(message ? { "grpc-message": encodeMessage(message) } : {}) }),
  );
  for (const m of messages) stream.write(frame(m));
  stream.end();
}

/** A response that is only headers: the status, no messages (errors before any reply). */
function trailersOnly(stream: http2.ServerHttp2Stream, status: number, message: string): void {
  if (stream.closed) return;
  stream.respond(
    { ":status": 200, "content-type": "application/grpc", "grpc-status": String(status), "grpc-message": encodeMessage(message) },
    { endStream: true },
  );
}

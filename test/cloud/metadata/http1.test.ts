// The metadata endpoint's HTTP/1.1 server, byte for byte over a real loopback socket: framing
// (pipelining, split packets, skipped bodies), connection handling (keep-alive, close, 1.0, idle
// timeout) and refusals (each answered, then the connection closed).
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_HEAD_BYTES, startHttp1Server, type Http1Request, type RunningHttp1Server } from "../../../src/cloud/metadata/http1.js";

let server: RunningHttp1Server;
let seen: { method: string; target: string; flavor?: string }[];

/** Echoes the request; a target of /boom makes the handler throw. */
function handler(req: Http1Request) {
  seen.push({ method: req.method, target: req.target, flavor: req.header("metadata-flavor") });
  if (req.target === "/boom") throw new Error("secret detail");
  return { status: req.target === "/missing" ? 404 : 200, body: JSON.stringify({ target: req.target }) };
}

async function start(idleTimeoutMs?: number): Promise<void> {
  server = await startHttp1Server(handler, "127.0.0.1", 0, { headers: { "Metadata-Flavor": "Google" }, idleTimeoutMs });
}

beforeEach(async () => {
  seen = [];
  await start();
});
afterEach(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses complete responses out of `raw` (bodies by Content-Length; HEAD answers have none). */
function parseResponses(raw: string, headOnly = false): Answer[] {
  const out: Answer[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) return out;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    const length = headOnly ? 0 : Number(headers["content-length"]);
    if (rest.length < end + 4 + length) return out;
    out.push({ status: Number(statusLine.split(" ")[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
}

/**
 * Sends `parts` (one write each, with a pause between) and collects what comes back until the
 * server closes the connection or `responses` answers arrived. `closed` tells which happened.
 */
function exchange(parts: (string | Buffer)[], opts: { responses?: number; headOnly?: boolean } = {}): Promise<{ answers: Answer[]; closed: boolean; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let raw = "";
    const finish = (closed: boolean) => {
      socket.destroy();
      resolve({ answers: parseResponses(raw, opts.headOnly), closed, raw });
    };
    socket.on("error", reject);
    socket.on("data", (d) => {
      raw += d.toString("latin1");
      if (opts.responses !== undefined && parseResponses(raw, opts.headOnly).length >= opts.responses) finish(false);
    });
    socket.on("end", () => finish(true));
    socket.on("connect", async () => {
      for (const p of parts) {
        socket.write(p);
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
}

const GET = (target: string, extra = "") => `GET ${target} HTTP/1.1\r\nHost: 169.254.169.254\r\nMetadata-Flavor: Google\r\n${extra}\r\n`;

describe("framing", () => {
  it("GIVEN two pipelined requests in one packet THEN two answers in order, with the fixed headers and Content-Length, and the connection stays open", async () => {
    const { answers, closed } = await exchange([GET("/a") + GET("/b")], { responses: 2 });
    expect(closed).toBe(false);
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, '{"target":"/a"}'],
      [200, '{"target":"/b"}'],
    ]);
    expect(answers[0].headers).toEqual({ "metadata-flavor": "Google", "content-length": "15" });
    expect(seen).toEqual([
      { method: "GET", target: "/a", flavor: "Google" },
      { method: "GET", target: "/b", flavor: "Google" },
    ]);
  });

  it("GIVEN a request arriving one byte per packet THEN it is answered once complete", async () => {
    const bytes = [...GET("/slow")];
    const { answers } = await exchange(bytes, { responses: 1 });
    expect(answers.map((a) => a.body)).toEqual(['{"target":"/slow"}']);
  });

  it("GIVEN a POST with a Content-Length body followed by a GET THEN the body is skipped and both are answered", async () => {
    const body = "x".repeat(300);
    const post = `POST /2fa HTTP/1.1\r\nContent-Length: ${body.length}\r\nmetadata-flavor: Google\r\n\r\n`;
    const { answers } = await exchange([post + body.slice(0, 100), body.slice(100) + GET("/after")], { responses: 2 });
    expect(answers.map((a) => a.body)).toEqual(['{"target":"/2fa"}', '{"target":"/after"}']);
    expect(seen.map((s) => `${s.method} ${s.target} ${s.flavor}`)).toEqual(["POST /2fa Google", "GET /after Google"]);
  });

  it("GIVEN a header repeated THEN its first value counts; names are case-insensitive and values trimmed", async () => {
    await exchange(["GET /h HTTP/1.1\r\nMETADATA-FLAVOR:   Google  \r\nMetadata-Flavor: Other\r\n\r\n"], { responses: 1 });
    expect(seen).toEqual([{ method: "GET", target: "/h", flavor: "Google" }]);
  });

  it("GIVEN HEAD THEN the answer has the GET's Content-Length and no body", async () => {
    const { answers, raw } = await exchange([GET("/h", "Connection: close\r\n").replace("GET", "HEAD")], { headOnly: true });
    expect(answers).toEqual([{ status: 200, headers: { "metadata-flavor": "Google", "content-length": "15", connection: "close" }, body: "" }]);
    expect(raw.endsWith("Connection: close\r\n\r\n")).toBe(true);
  });
});

describe("connections", () => {
  it("GIVEN Connection: close THEN the answer says so and the server closes", async () => {
    const { answers, closed } = await exchange([GET("/a", "Connection: close\r\n")]);
    expect([answers.length, answers[0].headers.connection, closed]).toEqual([1, "close", true]);
  });

  it("GIVEN HTTP/1.0 THEN the connection closes after the answer unless the client asked for keep-alive", async () => {
    const plain = await exchange(["GET /a HTTP/1.0\r\nMetadata-Flavor: Google\r\n\r\n"]);
    expect([plain.answers.length, plain.closed]).toEqual([1, true]);
    const kept = await exchange(["GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"], { responses: 1 });
    expect([kept.answers.length, kept.closed]).toEqual([1, false]);
  });

  it("GIVEN the handler throws THEN 500 without the error's text, and the connection still serves the next request", async () => {
    const { answers, closed } = await exchange([GET("/boom") + GET("/ok")], { responses: 2 });
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [500, '{"error":{"code":500,"message":"internal error"}}'],
      [200, '{"target":"/ok"}'],
    ]);
    expect(closed).toBe(false);
  });

  it("GIVEN an idle keep-alive connection THEN the server closes it after the idle timeout", async () => {
    await server.close();
    await start(100);
    const t0 = Date.now();
    const { answers, closed } = await exchange([GET("/a")]);
    expect([answers.length, closed]).toEqual([1, true]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it("GIVEN open connections WHEN the server closes THEN they are closed too", async () => {
    const pending = exchange([GET("/a")]);
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect((await pending).closed).toBe(true);
    await start();
  });
});

describe("refusals: answered with the reason, then the connection closes", () => {
  const refused = async (input: string | Buffer) => {
    const { answers, closed } = await exchange([input]);
    expect(closed).toBe(true);
    expect(answers).toHaveLength(1);
    expect(answers[0].headers.connection).toBe("close");
    return [answers[0].status, JSON.parse(answers[0].body).error.message];
  };

  it.each([
    ["GARBAGE\r\n\r\n", 400, "malformed request line"],
    ["GET /a HTTP/1.1 extra\r\n\r\n", 400, "malformed request line"],
    ["get /a HTTP/1.1\r\n\r\n", 400, "malformed request line"],
    ["GET /a HTTP/2.0\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served"],
    ["GET /a HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed header field"],
    ["GET /a HTTP/1.1\r\nBad Name: x\r\n\r\n", 400, "malformed header field"],
    ["GET /a HTTP/1.1\r\nX: a\u0001b\r\n\r\n", 400, "malformed header field"],
    ["GET /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "Content-Length must be a decimal number"],
    ["GET /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "conflicting Content-Length"],
    ["POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501, "request bodies with Transfer-Encoding are not accepted"],
    [`POST /a HTTP/1.1\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`, 413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`],
  ])("GIVEN %j THEN %i %s", async (input, status, message) => {
    expect(await refused(input)).toEqual([status, message]);
    expect(seen).toEqual([]);
  });

  it("GIVEN a head longer than the limit without its end THEN 431 before it is complete", async () => {
    const huge = `GET /a HTTP/1.1\r\nX-Pad: ${"p".repeat(MAX_HEAD_BYTES)}`;
    expect(await refused(huge)).toEqual([431, `request heads are limited to ${MAX_HEAD_BYTES} bytes`]);
  });

  it("GIVEN a complete head over the limit in one packet THEN 431", async () => {
    expect(await refused(`GET /a HTTP/1.1\r\nX-Pad: ${"p".repeat(MAX_HEAD_BYTES)}\r\n\r\n`)).toEqual([431, `request heads are limited to ${MAX_HEAD_BYTES} bytes`]);
  });

  it("GIVEN a good request pipelined before a bad one THEN the good one is answered first", async () => {
    const { answers, closed } = await exchange([GET("/fine") + "NONSENSE\r\n\r\n"]);
    expect(answers.map((a) => a.status)).toEqual([200, 400]);
    expect(closed).toBe(true);
  });
});

// Issue 15 item 8: a metadata request whose lines end in a bare LF (what `printf ... | nc` sends).
// Before the fix the server waited for a CRLF CRLF that never came: no answer until the 30 s idle
// timeout. RFC 9112 lets a recipient take a bare LF as a line end; the server now answers at once.
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MetadataEndpoint } from "../../../src/cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../../src/cloud/metadata/guest-directory.js";
import { startMetadataServer, type RunningMetadataServer } from "../../../src/cloud/metadata/server.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";

let model: CloudModel;
let server: RunningMetadataServer;
beforeEach(async () => {
  model = CloudModel.open();
  // An instance id the cloud does not know: every OS Login lookup is the 404 of a VM without OS Login.
  server = await startMetadataServer(new MetadataEndpoint(new GuestDirectory(model, "fhmnosuchinstance000")), { host: "127.0.0.1", port: 0 });
});
afterEach(async () => {
  await server.close();
  model.close();
});

/** Writes `parts` one after another and returns everything read until the server closes or 2 s pass. */
function send(parts: string[]): Promise<{ raw: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(server.port, "127.0.0.1");
    let raw = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ raw, ms: Date.now() - started });
    }, 2000);
    socket.on("connect", async () => {
      for (const p of parts) {
        socket.write(p);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    socket.on("data", (d) => (raw += d.toString("latin1")));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ raw, ms: Date.now() - started });
    });
    socket.on("error", reject);
  });
}

// Bodies are not followed by CRLF: a status line may start right after the previous body.
const statusLines = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 \d{3} [A-Za-z ]+(?=\r\n)/g)].map((m) => m[0]);

describe("GIVEN the metadata server", () => {
  it("WHEN a request's lines end in bare LF THEN it is answered at once, like the CRLF request", async () => {
    const target = "/computeMetadata/v1/oslogin/users?username=alice";
    const lf = await send([`GET ${target} HTTP/1.1\nHost: metadata.google.internal\nMetadata-Flavor: Google\nConnection: close\n\n`]);
    const crlf = await send([`GET ${target} HTTP/1.1\r\nHost: metadata.google.internal\r\nMetadata-Flavor: Google\r\nConnection: close\r\n\r\n`]);
    expect(statusLines(lf.raw)).toEqual(["HTTP/1.1 404 Not Found"]);
    expect(lf.raw).toBe(crlf.raw);
    expect(lf.ms).toBeLessThan(1500);
  });

  it("WHEN bare-LF requests are pipelined, mixed with CRLF and split between packets THEN each gets its answer in order", async () => {
    const r = await send([
      "GET /computeMetadata/v1/oslogin/users?pagesize=10 HTTP/1.1\nHost: metadata\n",
      "\nGET /computeMetadata/v1/oslogin/users?username=bob HTTP/1.1\r\nMetadata-Flavor: Google\n\r\n",
      "GET /nowhere HTTP/1.1\nMetadata-Flavor: Google\nConnection: close\n\n",
    ]);
    expect(statusLines(r.raw)).toEqual(["HTTP/1.1 403 Forbidden", "HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found"]);
  });
});

// `--endpoint H:P` as a user gets it wrong (docs/cli.md): a malformed endpoint is a usage error; a
// port where something other than gRPC over TLS listens, a proxy that refuses, and an admin token
// that is not the server's each give one line naming the cause and what to do, not OpenSSL's text
// and not "start oslogin serve" when the server is running. Real processes from dist/, the real
// emulator server.
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startCloudServer } from "../../src/cloud/server.js";
import { profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { osloginWithEnv } from "./run-cli.js";

async function listening(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

describe("GIVEN a stack and the data directory of a running oslogin serve", () => {
  it("WHEN --endpoint is wrong in each way a user gets it wrong THEN one line each, naming the cause and what to do", async () => {
    const dir = tempDir("oslogin-cli-endpoint-");
    const dataDir = path.join(dir, ".oslogin");
    mkdirSync(dataDir);
    seededModel(dataDir).close();
    writeStack(dir, profilesStack({ profiles: 1 }));
    const server = await startCloudServer({ dataDir, restPort: 0, grpcPort: 0 });
    const web = http.createServer((_q, r) => r.end("hello"));
    const webPort = await listening(web);
    const scratch = http.createServer();
    const deadProxy = await listening(scratch);
    await new Promise((r) => scratch.close(r));
    const grpcPort = server.grpcEndpoint.split(":")[1];
    try {
      const run = (env: Record<string, string>, ...args: string[]) => osloginWithEnv(env, dir, "plan", ...args);
      const [badPort, noPort, web1, proxied] = await Promise.all([
        run({}, "--endpoint", "localhost:99999"),
        run({}, "--endpoint", "localhost"),
        run({}, "--endpoint", `127.0.0.1:${webPort}`),
        run({ https_proxy: `http://127.0.0.1:${deadProxy}` }, "--endpoint", `localhost:${grpcPort}`),
      ]);
      expect([badPort.code, badPort.err]).toEqual([2, 'oslogin plan: --endpoint must be HOST:PORT with a port from 1 to 65535 (e.g. localhost:18443), got "localhost:99999"\n']);
      expect([noPort.code, noPort.err]).toEqual([2, 'oslogin plan: --endpoint must be HOST:PORT with a port from 1 to 65535 (e.g. localhost:18443), got "localhost"\n']);
      expect([web1.code, web1.err]).toEqual([
        1,
        `oslogin plan: cannot reach oslogin serve: 127.0.0.1:${webPort} does not answer with TLS (plain HTTP or another protocol listens there): is it the gRPC (TLS) port?\n`,
      ]);
      expect([proxied.code, proxied.err]).toEqual([
        1,
        `oslogin plan: cannot reach oslogin serve at localhost:${grpcPort}: the proxy 127.0.0.1:${deadProxy} (https_proxy) refused the connection: fix https_proxy, or list localhost in no_proxy to connect directly\n`,
      ]);

      // A token the server does not take (the file edited, or another data directory's).
      writeFileSync(path.join(dataDir, "admin-token"), "not-the-token\n", { mode: 0o600 });
      const unauth = await run({}, "--endpoint", server.grpcEndpoint);
      expect([unauth.code, unauth.err]).toEqual([
        1,
        `oslogin plan: UNAUTHENTICATED: Unauthenticated: the token is not valid or has expired: ${path.join(dataDir, "admin-token")} is not the admin token of the oslogin serve at ${server.grpcEndpoint}: pass the --data-dir that server uses\n`,
      ]);
      expect(unauth.err).not.toContain("not-the-token");
    } finally {
      await server.close();
      await new Promise((r) => web.close(r));
    }
  }, 60_000);
});

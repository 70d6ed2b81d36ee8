// The engine against a running `oslogin serve`, through the official @yandex-cloud/nodejs-sdk over
// gRPC with TLS (--endpoint): apply, re-plan to no changes, destroy.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { profilesStack, tempDir, writeStack } from "../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../..");
const main = path.join(root, "src/cli/main.ts");
const tsx = import.meta.resolve("tsx");

describe("GIVEN oslogin serve on a data dir seeded with the quickstart organization", () => {
  it("WHEN apply, plan and destroy run with --endpoint THEN they go through the SDK and converge", async () => {
    const dir = tempDir("oslogin-engine-grpc-");
    const dataDir = path.join(dir, ".oslogin");
    writeStack(dir, profilesStack({ profiles: 2 }));
    const server = spawn(process.execPath, ["--import", tsx, main, "serve", "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0", "--json", "--seed", path.join(root, "examples/quickstart/seed.yaml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const ready = await new Promise<{ grpcEndpoint: string }>((resolve, reject) => {
        let out = "";
        server.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const line = out.split("\n").find((l) => l.startsWith("{"));
          if (line) resolve(JSON.parse(line));
        });
        server.on("exit", (c) => reject(new Error(`oslogin serve exited with ${c}`)));
      });
      // "localhost" (also in the certificate's SAN): a TLS server name may not be an IP address.
      const endpoint = ready.grpcEndpoint.replace(/^127\.0\.0\.1:/, "localhost:");
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", tsx, main, ...args, "--endpoint", endpoint, "--data-dir", dataDir], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      const apply = run("apply", "--auto-approve");
      expect(apply.stderr).toBe("");
      expect(apply.status).toBe(0);
      expect(apply.stdout).toContain("Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
      const plan = run("plan", "--detailed-exitcode");
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain("No changes.");
      const destroy = run("destroy", "--auto-approve");
      expect(destroy.status).toBe(0);
      expect(destroy.stdout).toContain("Destroy complete! Resources: 5 destroyed.");
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.on("close", r));
    }
  }, 240_000);
});

// `oslogin serve` as a process: --help, flag errors (exit 2), start-up failures (exit 1, one line,
// no stack), the text summary (paths, never the token) and a clean SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../e2e/harness/paths.js";
import { runProcess } from "../../e2e/harness/process.js";

const work = mkdtempSync(join(tmpdir(), "cli-serve-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ARGS = ["--import", join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs"), join(REPO_ROOT, "src/cli/main.ts"), "serve"];
const oslogin = (...args: string[]) => runProcess(process.execPath, [...ARGS, ...args], { timeoutMs: 30_000 });

describe("GIVEN oslogin serve", () => {
  it("WHEN --help THEN usage, every flag with its default, and an example", async () => {
    const r = await oslogin("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: oslogin serve [--data-dir D] [--host H] [--rest-port N] [--grpc-port N] [--seed FILE]\n                     [--max-key-creates N] [--realism SPEC] [--json]");
    expect(r.stdout).toContain("  faults         fault probability per call, 0..1 (e.g. 0.05)");
    expect(r.stdout).toContain("--data-dir D     data directory (default: .oslogin)");
    expect(r.stdout).toContain("--rest-port N    REST port (default: 18080; 0 = any free port)");
    expect(r.stdout).toContain("--grpc-port N    gRPC (TLS) port (default: 18443; 0 = any free port)");
    expect(r.stdout).toContain("Example:\n  oslogin serve --data-dir ./.oslogin --seed examples/quickstart/seed.yaml");
  });

  it("WHEN a port is not a number THEN exit 2 naming the flag", async () => {
    const r = await oslogin("--rest-port", "http");
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", 'oslogin serve: --rest-port must be a whole number, got "http"\n']);
  });

  it("WHEN --realism breaks a rule THEN exit 2 naming the setting and the rule", async () => {
    const r = await oslogin("--realism", "latency=50ms,faults=2");
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", 'oslogin serve: --realism: Illegal argument realism faults: must be a number from 0 to 1, got "2"\n']);
  });

  it("WHEN a flag is unknown THEN exit 2 pointing at --help", async () => {
    const r = await oslogin("--port", "1");
    expect([r.status, r.stderr]).toEqual([2, "oslogin serve: unknown flag --port (see --help)\n"]);
  });

  it("WHEN the seed file does not exist THEN exit 1 naming it", async () => {
    const r = await oslogin("--data-dir", join(work, "d1"), "--seed", join(work, "missing.yaml"), "--rest-port", "0", "--grpc-port", "0");
    expect([r.status, r.stderr]).toEqual([1, `oslogin serve: cannot read the seed file ${join(work, "missing.yaml")}: ENOENT\n`]);
  });

  it("WHEN the seed breaks a rule THEN exit 1 with the rule, and the servers are closed", async () => {
    const seed = join(work, "bad.yaml");
    writeFileSync(seed, "organizations:\n  - id: BAD\n    name: x\n");
    const r = await oslogin("--data-dir", join(work, "d2"), "--seed", seed, "--rest-port", "0", "--grpc-port", "0");
    expect([r.status, r.stdout, r.stderr]).toEqual([
      1,
      "",
      `oslogin serve: the seed file ${seed} was not applied: Illegal argument organizations[0].id: must be 1-50 lower-case Latin letters and digits\n`,
    ]);
  });

  it("WHEN the REST port is taken THEN exit 1 with a hint", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const r = await oslogin("--data-dir", join(work, "d3"), "--rest-port", port, "--grpc-port", "0");
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^oslogin serve: cannot start: .*EADDRINUSE.* \(a port is in use: pick others with --rest-port\/--grpc-port, or 0\)\n$/);
    } finally {
      blocker.close();
    }
  });

  it("WHEN it runs THEN the summary names the paths but not the token, and SIGTERM exits 0", async () => {
    const dataDir = join(work, "d4");
    const child = spawn(process.execPath, [...ARGS, "--data-dir", dataDir, "--rest-port", "0", "--grpc-port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        stdout += d;
        if (stdout.includes("Stop with Ctrl-C or SIGTERM.")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
    expect(stdout).toMatch(
      new RegExp(
        [
          "^oslogin serve: the emulator is running",
          `  data dir     ${dataDir} \\(database ${dataDir}/cloud\\.db\\)`,
          "  REST         http://127\\.0\\.0\\.1:\\d+",
          "  gRPC \\(TLS\\)   127\\.0\\.0\\.1:\\d+",
          `  admin token  ${dataDir}/admin-token \\(send its contents as "Authorization: Bearer <token>"\\)`,
          `  TLS cert     ${dataDir}/tls/cert\\.pem \\(trust it as the gRPC client's root certificate\\)`,
          "Stop with Ctrl-C or SIGTERM\\.\n$",
        ].join("\n"),
      ),
    );
    expect(stdout + stderr).not.toContain(token);
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(stderr).toBe("oslogin serve: SIGTERM: servers and database closed\n");
  });
});

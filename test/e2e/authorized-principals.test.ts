// vm/oslogin_authorized_principals.py, the sshd AuthorizedPrincipalsCommand, fails closed: it prints
// the login only for a 200 profile of that very login followed by authorize {"success": true}, and
// nothing for every other answer a metadata server (or its absence) can give. Run with the real
// python3 inside a network namespace whose loopback owns 169.254.169.254 (the address the script
// asks, as the agent does), where a scripted server answers per login. Needs root.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBinary, requireVmBinaries } from "./harness/binaries.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runProcess } from "./harness/process.js";

const SCRIPT = join(REPO_ROOT, "vm/oslogin_authorized_principals.py");
const work = mkdtempSync(join(tmpdir(), "principals-"));
let server: ChildProcess;
let serverPid: number;
let requests: string[] = [];

// Per login: what users?username= and authorize answer. `profileFor` answers with another login's profile.
const SERVER = `
import { createServer } from "node:http";
const profile = (login) => JSON.stringify({ loginProfiles: [{ name: login + "@example.com", posixAccounts: [{ username: login, uid: "10000", gid: "10000" }] }] });
const users = {
  alice: [200, profile("alice")], carol: [200, profile("carol")], erin: [200, profile("erin")], gina: [200, profile("gina")],
  bob: [404, ""], dave: [500, ""], frank: [200, profile("alice")], ivan: [200, "{not json"], lena: [200, '{"loginProfiles":[]}'],
  hank: [302, "", { Location: "/computeMetadata/v1/oslogin/users?username=alice" }],
};
const authorize = { alice: [200, '{"success":true}'], carol: [200, '{"success":false}'], erin: [503, ""], gina: [200, '{"success":"true"}'] };
createServer((req, res) => {
  process.stdout.write("REQ " + req.url + " " + req.headers["metadata-flavor"] + "\\n");
  if (req.headers["metadata-flavor"] !== "Google") { res.writeHead(403); return res.end(); }
  const url = new URL(req.url, "http://169.254.169.254");
  const login = url.searchParams.get("username") ?? (url.searchParams.get("email") ?? "").split("@")[0];
  if (login === "jack") return req.socket.destroy();
  if (login === "kim") return; // never answers: the client's timeout decides
  const table = url.pathname.endsWith("/users") ? users : url.pathname.endsWith("/authorize") ? authorize : {};
  const [status, body, headers] = table[login] ?? [404, ""];
  res.writeHead(status, headers ?? {});
  res.end(body);
}).listen(80, "169.254.169.254", () => process.stdout.write("READY " + process.pid + "\\n"));
`;

async function principals(...args: string[]): Promise<{ status: number | null; stdout: string; requests: string[] }> {
  requests = [];
  const r = await runProcess(requireBinary("nsenter"), ["-t", String(serverPid), "-n", "--", requireBinary("python3"), SCRIPT, ...args], { timeoutMs: 20_000 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the server's last log line
  return { status: r.status, stdout: r.stdout, requests: [...requests] };
}

beforeAll(async () => {
  const bin = requireVmBinaries(); // root, unshare, ip, python3: fails naming the Debian package
  writeFileSync(join(work, "server.mjs"), SERVER);
  server = spawn(bin.unshare, ["--net", "--fork", "--kill-child", "sh", "-c", `${bin.ip} link set lo up && ${bin.ip} addr add 169.254.169.254/32 dev lo && exec ${process.execPath} ${join(work, "server.mjs")}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  serverPid = await new Promise<number>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d) => {
      out += d;
      for (const line of out.split("\n")) {
        if (line.startsWith("READY ")) resolve(Number(line.slice(6)));
        if (line.startsWith("REQ ")) requests.push(line.slice(4));
      }
      out = out.slice(out.lastIndexOf("\n") + 1);
    });
    server.once("exit", (code) => reject(new Error(`the scripted metadata server exited (${code})`)));
  });
}, 30_000);

afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const P = "/computeMetadata/v1/oslogin/";

describe("oslogin_authorized_principals", () => {
  it("GIVEN a profile of that login and authorize true THEN it prints the login, asking as the agent asks", async () => {
    expect(await principals("alice")).toEqual({
      status: 0,
      stdout: "alice\n",
      requests: [`${P}users?username=alice Google`, `${P}authorize?email=alice%40example.com&policy=login Google`],
    });
  });

  it.each([
    ["users?username= is 404 (not an OS Login user)", "bob", 1],
    ["authorize says false (no role)", "carol", 2],
    ["users?username= is 500", "dave", 1],
    ["authorize is 503", "erin", 2],
    ["the profile is another login's", "frank", 1],
    ['authorize says "true", a string', "gina", 2],
    ["users?username= redirects", "hank", 1],
    ["the body is not JSON", "ivan", 1],
    ["the connection is dropped", "jack", 1],
    ["the profile list is empty", "lena", 1],
  ])("GIVEN %s THEN it prints nothing and exits 0 (sshd refuses the certificate)", async (_what, login, asked) => {
    const r = await principals(login);
    expect([r.status, r.stdout, r.requests.length]).toEqual([0, "", asked]);
  });

  it("GIVEN a server that never answers THEN it gives up after 5 s and prints nothing", async () => {
    const started = Date.now();
    const r = await principals("kim");
    expect([r.status, r.stdout]).toEqual([0, ""]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
  }, 30_000);

  it("GIVEN a name that is no OS Login login THEN it asks nothing and prints nothing", async () => {
    expect(await principals("../alice")).toEqual({ status: 0, stdout: "", requests: [] });
  });

  it("GIVEN no login argument THEN it exits 2 (sshd: command failed)", async () => {
    expect((await principals()).status).toBe(2);
  });
});

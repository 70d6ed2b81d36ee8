// The provider process as terraform sees it: spawned with go-plugin's environment, one handshake
// line, mutual TLS that trusts exactly our client certificate, the go-plugin services, Shutdown.
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceDefinition, type Message } from "../../src/tfplugin/protocol.js";
import { MAGIC_COOKIE_VALUE } from "../../src/tfplugin/server.js";
import { definitionsOf } from "../../src/resources/registry.js";

const ENTRY = new URL("../../src/cli/terraform-provider.ts", import.meta.url).pathname;

interface Launched {
  child: ChildProcess;
  handshake: string;
  fields: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

// Every provider a test starts, so a failing test cannot leave one running.
const launched = new Set<ChildProcess>();
afterAll(() => {
  for (const c of launched) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function launch(env: NodeJS.ProcessEnv, provider = "null"): Promise<Launched> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, provider], { env, stdio: ["ignore", "pipe", "pipe"] });
  launched.add(child);
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (handshake) => resolve({ child, handshake, fields: handshake.split("|"), stderr: () => err, exited }));
    exited.then((code) => reject(new Error(`provider exited ${code} before the handshake: ${err}`)));
  });
}

function client(service: string, l: Launched, creds: grpc.ChannelCredentials) {
  const Ctor = grpc.makeGenericClientConstructor(serviceDefinition(service), service);
  // go-plugin dials with authority "unused"; the certificate is checked against "localhost".
  return new Ctor(`unix:${l.fields[3]}`, creds, { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" });
}

const call = (c: grpc.Client, method: string, req: Message = {}): Promise<Message> =>
  new Promise((resolve, reject) =>
    (c as unknown as Record<string, (r: Message, cb: (e: Error | null, res: Message) => void) => void>)[method](req, (e, res) =>
      e ? reject(e) : resolve(res),
    ),
  );

const pemFromDer = (b64: string) => new X509Certificate(Buffer.from(b64, "base64")).toString();

describe("provider process (go-plugin server)", () => {
  let cacheDir: string;
  let clientPems: { cert: string; private: string };
  let baseEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), "tfplugin-test-"));
    // Terraform's own client certificate profile: ECDSA P-521, self-signed, CN localhost.
    clientPems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-521",
      algorithm: "sha512",
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyAgreement: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true, clientAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
      ],
    });
    baseEnv = {
      PATH: process.env.PATH,
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "5,6",
      PLUGIN_CLIENT_CERT: clientPems.cert,
      OSLOGIN_TFPLUGIN_CACHE_DIR: cacheDir,
    };
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("GIVEN terraform's environment WHEN launched THEN it prints one handshake line, serves the schema over mutual TLS, and exits 0 on Shutdown", async () => {
    const l = await launch(baseEnv);
    expect(l.fields.slice(0, 3)).toEqual(["1", "6", "unix"]);
    expect(l.fields[3]).toMatch(/\/oslogin-tfplugin-\d+-[0-9a-f]{8}\.sock$/);
    expect(l.fields[4]).toBe("grpc");
    // Go's RawStdEncoding: standard alphabet, no padding
    expect(l.fields[5]).toMatch(/^[A-Za-z0-9+/]{100,}$/);
    expect(l.fields).toHaveLength(6);
    const serverCert = new X509Certificate(Buffer.from(l.fields[5], "base64"));
    expect(serverCert.subjectAltName).toBe("DNS:localhost");
    expect(serverCert.ca).toBe(true);

    const creds = grpc.credentials.createSsl(Buffer.from(pemFromDer(l.fields[5])), Buffer.from(clientPems.private), Buffer.from(clientPems.cert));
    const provider = client("tfplugin6.Provider", l, creds);
    const schema = await call(provider, "GetProviderSchema");
    expect(Object.keys(schema.resource_schemas)).toEqual(["null_resource"]);
    expect(schema.server_capabilities).toEqual({ plan_destroy: true, get_provider_schema_optional: true });
    expect(schema.resource_schemas.null_resource.block.attributes.map((a: Message) => [a.name, Buffer.from(a.type).toString()])).toEqual([
      ["id", '"string"'],
      ["triggers", '["map","string"]'],
    ]);
    expect(schema.provider).toEqual({ version: "0", block: {} });

    const health = client("grpc.health.v1.Health", l, creds);
    expect(await call(health, "Check", { service: "plugin" })).toEqual({ status: 1 });

    const controller = client("plugin.GRPCController", l, creds);
    expect(await call(controller, "Shutdown")).toEqual({});
    expect(await l.exited).toBe(0);
    expect(existsSync(l.fields[3])).toBe(false);
    for (const c of [provider, health, controller]) c.close();
  });

  it("GIVEN a client without terraform's certificate WHEN it calls THEN the TLS handshake is refused", async () => {
    const l = await launch(baseEnv);
    const other = await generate([{ name: "commonName", value: "localhost" }], { keyType: "ec", curve: "P-256", algorithm: "sha256" });
    const creds = grpc.credentials.createSsl(Buffer.from(pemFromDer(l.fields[5])), Buffer.from(other.private), Buffer.from(other.cert));
    const provider = client("tfplugin6.Provider", l, creds);
    await expect(call(provider, "GetProviderSchema")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    provider.close();
    l.child.kill("SIGTERM");
    expect(await l.exited).toBe(0);
  });

  it("GIVEN a second launch WHEN it handshakes THEN it serves the cached certificate (no new key per launch)", async () => {
    const a = await launch(baseEnv);
    a.child.kill("SIGTERM");
    await a.exited;
    const b = await launch(baseEnv);
    b.child.kill("SIGTERM");
    await b.exited;
    expect(b.fields[5]).toBe(a.fields[5]);
    const cached = readFileSync(join(cacheDir, "server-tls.pem"), "utf8");
    // it holds the private key: owner-only
    expect(statSync(join(cacheDir, "server-tls.pem")).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(cached).raw.toString("base64").replace(/=+$/, "")).toBe(a.fields[5]);
  });

  it("GIVEN TF_DISABLE_PLUGIN_TLS (no PLUGIN_CLIENT_CERT) WHEN launched THEN it serves plaintext and the cert field is empty", async () => {
    const { PLUGIN_CLIENT_CERT: _omit, ...env } = baseEnv;
    const l = await launch(env, "yandex");
    expect(l.handshake).toMatch(/^1\|6\|unix\|\S+\|grpc\|$/);
    const provider = client("tfplugin6.Provider", l, grpc.credentials.createInsecure());
    const schema = await call(provider, "GetProviderSchema");
    expect(Object.keys(schema.resource_schemas).sort()).toEqual(
      definitionsOf("yandex", "resource")
        .map((d) => d.type)
        .sort(),
    );
    expect(schema.provider.block.attributes.find((a: Message) => a.name === "token")).toMatchObject({ optional: true, sensitive: true });
    // the StopProvider response field is capitalised
    expect(await call(provider, "StopProvider")).toEqual({});
    const validate = await call(provider, "ValidateResourceConfig", {
      type_name: "null_resource",
      config: { msgpack: Buffer.from([0xc0]) },
    });
    expect(validate.diagnostics[0]).toMatchObject({ severity: 1, summary: "Unsupported resource type" });
    provider.close();
    const controller = client("plugin.GRPCController", l, grpc.credentials.createInsecure());
    await call(controller, "Shutdown");
    expect(await l.exited).toBe(0);
    controller.close();
  });

  it("GIVEN no magic cookie WHEN run directly THEN it explains that it is a plugin, prints nothing on stdout, and exits 1", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", ENTRY, "null"], { env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("This binary is a plugin. These are not meant to be executed directly.");
  });
});

describe("launch environment checks (before serving)", () => {
  it("GIVEN terraform offering only protocol 5 WHEN checked THEN the error says this provider speaks 6", async () => {
    const { checkLaunchEnvironment } = await import("../../src/tfplugin/server.js");
    expect(() => checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5" })).toThrowError(
      "terraform offers plugin protocol versions 5; this provider speaks only 6 (terraform >= 1.0 needed).",
    );
  });

  it("GIVEN versions in any order WHEN 6 is among them THEN it is accepted", async () => {
    const { checkLaunchEnvironment } = await import("../../src/tfplugin/server.js");
    expect(checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "6,5" })).toBeUndefined();
  });
});

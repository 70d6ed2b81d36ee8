// The real cloud's endpoints, offline: in a network namespace with only loopback, /etc/hosts maps
// the API host names of the SDK's endpoint map to 127.0.0.1, where `oslogin serve` listens on port
// 443 with a certificate from a test CA. The clients are given nothing but a service-account key
// file and NODE_EXTRA_CA_CERTS (no endpoint, no root_certs, no insecure): `oslogin apply`/`plan
// --cloud yandex`, the real terraform with our provider at its defaults, and the inventory with
// `cloud: yandex` each find every service at its own host and trust the certificate.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICES, type ServiceName } from "../../src/cloud/api/grpc/catalog.js";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { tlsPaths } from "../../src/cloud/tls.js";
import { writeStack } from "../engine/fixtures.js";
import { startApiNamespace, type ApiNamespace } from "./harness/api-namespace.js";
import { requireBinary } from "./harness/binaries.js";
import { QUICKSTART as Q, enableOsLogin, seedQuickstart } from "./harness/cloud.js";
import { CLI, requireTerraform, TERRAFORM, terraformEnv } from "./harness/terraform.js";

const SLOW = { timeout: 300_000 };
let work: string;
let ns: ApiNamespace;
let env: NodeJS.ProcessEnv;
const keyFile = () => join(work, "runner-key.json");

/** The hosts the SDK's map sends our services to (compute, iam, operation, organization-manager, resource-manager). */
function apiHosts(): string[] {
  const client = new GrpcCloudClient({ iamToken: "unused" });
  return [...new Set((Object.keys(SERVICES) as ServiceName[]).map((s) => client.endpointOf(s).replace(/:443$/, "")))].sort();
}

/** A test CA and a certificate it signs for every API host, made with openssl. */
function makeCertificates(dir: string, hosts: string[]): void {
  const openssl = requireBinary("openssl");
  const run = (args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=oslogin-kit test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=api.cloud.yandex.net"]);
  writeFileSync(join(dir, "server.ext"), `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${hosts.map((h) => `DNS:${h}`).join(",")}\n`);
  run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"]);
}

async function seedCloud(dataDir: string): Promise<void> {
  const model = CloudModel.open({ dataDir });
  try {
    seedQuickstart(model);
    const admin = new InProcessCloudClient(model);
    await enableOsLogin(admin, Q.organizationId, { keys: true, certificates: true });
    const runner = await admin.createServiceAccount({ folderId: Q.folderId, name: "runner" });
    await admin.updateAccessBindings({ kind: "organization", id: Q.organizationId }, [{ action: "ADD", accessBinding: { roleId: "admin", subject: { type: "serviceAccount", id: runner.id } } }]);
    await admin.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: runner.id, login: "yc-sa-runner" });
    writeAuthorizedKeyFile(keyFile(), authorizedKeyFileOf(await admin.createKey({ serviceAccountId: runner.id })));
  } finally {
    model.close();
  }
}

describe("GIVEN the API host names leading to the emulator on loopback port 443 in a namespace", SLOW, () => {
  beforeAll(async () => {
    requireTerraform();
    work = mkdtempSync(join(tmpdir(), "oslogin-real-endpoints-"));
    const hosts = apiHosts();
    makeCertificates(work, hosts);
    const dataDir = join(work, "cloud");
    await seedCloud(dataDir);
    // The emulator serves the CA-signed certificate (it keeps the TLS files it finds).
    const tls = tlsPaths(dataDir);
    mkdirSync(tls.dir, { recursive: true });
    execFileSync("cp", [join(work, "server.pem"), tls.certPath]);
    execFileSync("install", ["-m", "0600", join(work, "server.key"), tls.keyPath]);

    ns = await startApiNamespace(join(work, "ns"), hosts);
    const serve = ns.start([process.execPath, CLI, "serve", "--data-dir", dataDir, "--grpc-port", "443", "--rest-port", "0", "--json"], process.env);
    const ready = await new Promise<string>((resolve, reject) => {
      let err = "";
      serve.stderr!.on("data", (d) => (err += d));
      serve.once("exit", (code) => reject(new Error(`oslogin serve exited ${code}: ${err}`)));
      createInterface({ input: serve.stdout! }).once("line", resolve);
    });
    expect(JSON.parse(ready).grpcEndpoint).toBe("127.0.0.1:443");
    // Nothing but the key file (passed per tool) and the test CA.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: join(work, "ca.pem") };
  });

  afterAll(async () => {
    await ns?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("THEN the SDK's map names the five API hosts", () => {
    expect(apiHosts()).toEqual([
      "compute.api.cloud.yandex.net",
      "iam.api.cloud.yandex.net",
      "operation.api.cloud.yandex.net",
      "organization-manager.api.cloud.yandex.net",
      "resource-manager.api.cloud.yandex.net",
    ]);
  });

  it("WHEN oslogin apply and plan run with --cloud yandex and a key file THEN the stack is made and a plan has no changes", async () => {
    const dir = join(work, "engine");
    mkdirSync(dir);
    writeStack(dir, {
      provider: { yandex: [{ organization_id: Q.organizationId, folder_id: Q.folderId }] },
      terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
      resource: {
        yandex_organizationmanager_os_login_profile: { alice: { organization_id: Q.organizationId, subject_id: Q.alice, login: "alice-real" } },
        yandex_compute_instance: {
          web: {
            name: "web-real",
            zone: "ru-central1-a",
            metadata: { "enable-oslogin": "true" },
            resources: { cores: 2, memory: 2 },
            boot_disk: { initialize_params: { image_id: "fd8ubuntu2204lts", size: 10 } },
            network_interface: [{ subnet_id: "e9bdefaultsubnet0001", nat: true }],
          },
        },
      },
    });
    const oslogin = (args: string[], extraEnv: NodeJS.ProcessEnv = env) =>
      ns.exec([process.execPath, CLI, ...args, "--cloud", "yandex", "--service-account-key-file", keyFile(), "--no-color"], { cwd: dir, env: extraEnv, timeoutMs: 120_000 });

    // Without the test CA the certificate is not trusted, and the error says how to trust it.
    const untrusted = await oslogin(["apply", "--auto-approve"], { PATH: env.PATH, HOME: env.HOME });
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr + untrusted.stdout).toContain("is not trusted (");
    expect(untrusted.stderr + untrusted.stdout).toContain("trust its CA with root_certs, NODE_EXTRA_CA_CERTS or SSL_CERT_FILE");

    const applied = await oslogin(["apply", "--auto-approve"]);
    expect(applied.stderr).toBe("");
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    const again = await oslogin(["plan", "--detailed-exitcode"]);
    expect([again.status, again.stdout.includes("No changes.")]).toEqual([0, true]);
  });

  it("WHEN terraform with our provider runs with only service_account_key_file THEN apply works and a plan has no changes", async () => {
    const dir = join(work, "terraform");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        provider: { yandex: [{ service_account_key_file: keyFile(), organization_id: Q.organizationId, folder_id: Q.folderId }] },
        terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
        resource: { yandex_iam_service_account: { deployer: { name: "tf-deployer" } } },
      }),
    );
    const tfEnv = terraformEnv(work, { NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS! });
    const tf = (args: string[]) => ns.exec([TERRAFORM, ...args, "-no-color"], { cwd: dir, env: tfEnv, timeoutMs: 240_000 });
    const init = await tf(["init", "-input=false"]);
    expect(init.stdout + init.stderr).toContain("Terraform has been successfully initialized!");
    const applied = await tf(["apply", "-input=false", "-auto-approve"]);
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    const again = await tf(["plan", "-input=false", "-detailed-exitcode"]);
    expect([again.status, again.stdout.includes("No changes. Your infrastructure matches the configuration.")]).toEqual([0, true]);
  });

  it("WHEN the inventory runs with cloud: yandex and the key file THEN it lists the VM the engine made", async () => {
    const config = join(work, "inventory.yml");
    writeFileSync(config, [`cloud: yandex`, `service_account_key_file: ${keyFile()}`, `organization_id: ${Q.organizationId}`, `folders: [${Q.folderId}]`, `cache_dir: ${join(work, "cache")}`, ""].join("\n"));
    const r = await ns.exec([process.execPath, CLI, "inventory", "--list", "--config", config], { env, timeoutMs: 60_000 });
    // This VM is a record with no sshd, so it has published no host keys: said once, not an error.
    expect(r.stderr).toBe("VM web-real: publishes no SSH host keys on its serial console yet; ssh will refuse it\n");
    expect(r.status).toBe(0);
    const inventory = JSON.parse(r.stdout);
    expect(Object.keys(inventory._meta.hostvars)).toEqual(["web-real"]);
    expect(inventory._meta.hostvars["web-real"].ansible_user).toBe("yc-sa-runner");
  });
});

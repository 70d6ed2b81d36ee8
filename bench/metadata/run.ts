// Metadata endpoint throughput and latency with 100k OS Login profiles stored: users?username and
// authorize (the two requests every SSH login makes), over keep-alive loopback connections from a
// second process (bench/metadata/load.ts) to `oslogin metadata` running as its own process (with 1
// and 2 worker processes), at several concurrencies.
// Data: one organization holding 100,000 members, each with a profile and a key, bulk-loaded with
// SQL in the model's document shapes (the API's 4,000-profiles-per-organization quota would
// otherwise forbid it; the lookups are what is measured, not the loading). Every user holds
// compute.osLogin through the organization's all-users subject bound on the folder, so each
// authorize walks the full hierarchy and group membership. The server reads SQLite on every request.
// Run: npx tsx bench/metadata/run.ts [seconds per row, default 4]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { MetadataEndpoint } from "../../src/cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../src/cloud/metadata/guest-directory.js";
import { join } from "node:path";
import { organizationUsersSubjectId } from "../../src/cloud/model/access.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN, type Instance } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { parsePublicKey } from "../../src/ssh/public-key.js";
import { encodeJson } from "../../src/cloud/store/json.js";

const SECONDS = Number(process.argv[2] ?? 4);
const USERS = 100_000;
const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";
const CONCURRENCY = [1, 8, 32];
const WORKERS = [1, 2];
const CLI = join(import.meta.dirname, "../../src/cli/main.ts");

/** `oslogin metadata` as its own process, as on a VM; resolves once it prints where it listens. */
function startEndpoint(dataDir: string, instanceId: string, workers: number): Promise<{ port: number; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, "metadata", "--instance", instanceId, "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--workers", String(workers), "--json"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`oslogin metadata exited with ${code}: ${out}`)));
    child.stdout.on("data", (d) => {
      out += d;
      if (!out.includes("\n")) return;
      const port = Number(new URL(JSON.parse(out.split("\n")[0]).url).port);
      resolve({
        port,
        stop: () => new Promise((done) => (child.removeAllListeners("exit"), child.once("exit", () => done()), child.kill("SIGTERM"))),
      });
    });
  });
}

function bulkLoad(model: CloudModel): void {
  const key = generateEd25519KeyPair("bench").publicKey;
  const fingerprint = parsePublicKey(key).fingerprint;
  const db = model.ctx.db;
  const user = db.prepare("INSERT INTO users (id, organization_id, email, doc) VALUES (?, ?, ?, ?)");
  const profile = db.prepare("INSERT INTO os_login_profiles (id, organization_id, subject_id, login, uid, is_default, doc) VALUES (?, ?, ?, ?, ?, 1, ?)");
  const sshKey = db.prepare("INSERT INTO user_ssh_keys (id, organization_id, subject_id, fingerprint, doc) VALUES (?, ?, ?, ?, ?)");
  model.ctx.store.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const id = `ajebench${String(i).padStart(12, "0")}`;
      const email = `u${i}@bench.example`;
      const login = `u${i}`;
      const uid = 100_000n + BigInt(i);
      user.run(id, ORG, email, encodeJson({ id, organizationId: ORG, name: login, email }));
      const pid = `olpbench${String(i).padStart(12, "0")}`;
      profile.run(pid, ORG, id, login, uid, encodeJson({ id: pid, organizationId: ORG, subjectId: id, login, uid, isDefault: true, homeDirectory: `/home/${login}`, shell: "/bin/bash" }));
      const kid = `uskbench${String(i).padStart(12, "0")}`;
      sshKey.run(kid, ORG, id, fingerprint, encodeJson({ id: kid, subjectId: id, data: key, name: "k", fingerprint, organizationId: ORG, createdAt: "2026-01-01T00:00:00.000Z" }));
    }
  });
}

function runLoad(port: number, connections: number): Promise<{ connections: number; requests: number; perSecond: number; p50: number; p99: number; max: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, "load.ts"), "127.0.0.1", String(port), String(connections), String(SECONDS), String(USERS)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "bench-metadata-"));
const model = CloudModel.open({ dataDir });
try {
  model.directory.seedFromYaml(readFileSync(join(import.meta.dirname, "../../examples/quickstart/seed.yaml"), "utf8"));
  model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, sshCertificateSettings: { enabled: true } });
  const t0 = Date.now();
  bulkLoad(model);
  const loadMs = Date.now() - t0;
  const instance = model.instances.create(ADMIN, {
    folderId: FOLDER,
    name: "bench",
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n } },
    networkInterfaceSpecs: [{ subnetId: "e9bbenchsubnet000001" }],
    metadata: { "enable-oslogin": "true" },
  }).response!.value as Instance;
  model.access.updateAccessBindings(ADMIN, {
    resource: { kind: "folder", id: FOLDER },
    accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: { type: "system", id: organizationUsersSubjectId(ORG) } } }],
  });
  const profiles = model.ctx.db.prepare("SELECT COUNT(*) AS n FROM os_login_profiles").get() as { n: number };
  // The endpoint's own CPU cost per request (no HTTP, no second process), same data and mix.
  const reader = CloudModel.open({ dataDir });
  reader.ctx.store.tuneForRandomReads(); // as `oslogin metadata` does
  const endpoint = new MetadataEndpoint(new GuestDirectory(reader, instance.id));
  let handled = 0;
  const hStart = process.hrtime.bigint();
  const hEnd = hStart + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < hEnd) {
    for (let k = 0; k < 100; k++, handled++) {
      const i = Math.floor(Math.random() * USERS);
      const target = handled % 2 === 0 ? `/computeMetadata/v1/oslogin/users?username=u${i}` : `/computeMetadata/v1/oslogin/authorize?email=u${i}%40bench.example&policy=login`;
      if (endpoint.handle("GET", target, "Google").status !== 200) throw new Error(`unexpected answer for ${target}`);
    }
  }
  const handlerUs = Number(process.hrtime.bigint() - hStart) / 1e3 / handled;
  reader.close();

  const rows = [];
  for (const workers of WORKERS) {
    const endpoint = await startEndpoint(dataDir, instance.id, workers);
    try {
      for (const c of CONCURRENCY) rows.push({ workers, ...(await runLoad(endpoint.port, c)) });
    } finally {
      await endpoint.stop();
    }
  }
  console.log(`${profiles.n.toLocaleString("en-US")} profiles stored (bulk load ${loadMs} ms); ${SECONDS} s per row after 1 s warm-up; users?username and authorize alternating`);
  console.log(`endpoint logic alone (in process, no HTTP): ${handlerUs.toFixed(1)} µs per request = ${Math.round(1e6 / handlerUs).toLocaleString("en-US")}/s on one core; load average at the end ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
  console.log("| endpoint processes | connections | requests/s | p50 ms | p99 ms | max ms | non-200 |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.workers} | ${r.connections} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} | ${r.errors} |`);
  }
} finally {
  model.close();
  rmSync(dataDir, { recursive: true, force: true });
}

// Metadata endpoint throughput and latency with 100k OS Login profiles stored: users?username and
// authorize (the two requests every SSH login makes), over keep-alive loopback connections from a
// second process (bench/metadata/load.ts), at several concurrencies.
// Data: one organization holding 100,000 members, each with a profile and a key, bulk-loaded with
// SQL in the model's document shapes (the API's 4,000-profiles-per-organization quota would
// otherwise forbid it; the lookups are what is measured, not the loading). Every user holds
// compute.osLogin through the organization's all-users subject bound on the folder, so each
// authorize walks the full hierarchy and group membership. The server reads SQLite on every request.
// Run: npx tsx bench/metadata/run.ts [seconds per row, default 4]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetadataEndpoint } from "../../src/cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../src/cloud/metadata/guest-directory.js";
import { startMetadataServer } from "../../src/cloud/metadata/server.js";
import { organizationUsersSubjectId } from "../../src/cloud/model/access.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN, type Instance } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/cloud/ssh/keypair.js";
import { parsePublicKey } from "../../src/cloud/ssh/public-key.js";
import { encodeJson } from "../../src/cloud/store/json.js";

const SECONDS = Number(process.argv[2] ?? 4);
const USERS = 100_000;
const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";
const CONCURRENCY = [1, 8, 32];

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
  // The server gets its own connection, as `oslogin metadata` in another process would.
  const reader = CloudModel.open({ dataDir });
  const server = await startMetadataServer(new MetadataEndpoint(new GuestDirectory(reader, instance.id)), { host: "127.0.0.1", port: 0 });
  try {
    const rows = [];
    for (const c of CONCURRENCY) rows.push(await runLoad(server.port, c));
    console.log(`${profiles.n.toLocaleString("en-US")} profiles stored (bulk load ${loadMs} ms); ${SECONDS} s per row after 1 s warm-up; users?username and authorize alternating\n`);
    console.log("| connections | requests/s | p50 ms | p99 ms | max ms | non-200 |");
    console.log("|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
      console.log(`| ${r.connections} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} | ${r.errors} |`);
    }
  } finally {
    await server.close();
    reader.close();
  }
} finally {
  model.close();
  rmSync(dataDir, { recursive: true, force: true });
}

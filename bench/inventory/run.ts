// Inventory benchmark: `oslogin-inventory --list` (the process Ansible runs) over an embedded cloud
// holding HOSTS OS Login instances (default 10,000), cold (no cached certificate: key pair +
// certificate issued) and warm (certificate reused). Each run is a fresh process, as under Ansible;
// the table shows medians of RUNS (default 5) of wall time and the process's peak RSS.
// Usage: npx tsc -p . && npx tsx bench/inventory/run.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ADMIN, type ServiceAccount } from "../../src/cloud/model/types.js";
import { readFileSync } from "node:fs";

const hosts = Number(process.env.HOSTS ?? 10_000);
const runs = Number(process.env.RUNS ?? 5);
const script = fileURLToPath(new URL("../../dist/src/cli/inventory-script.js", import.meta.url));
if (!existsSync(script)) throw new Error(`build first (npx tsc -p .): ${script} is missing`);
const seedYaml = readFileSync(fileURLToPath(new URL("../../examples/quickstart/seed.yaml", import.meta.url)), "utf8");

const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";
// Prints the process's peak RSS when it exits, without touching the program measured.
const RSS_HOOK = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss-kb "+process.resourceUsage().maxRSS+"\\n"))`;

async function setUp(dir: string): Promise<string> {
  const model = CloudModel.open({ dataDir: join(dir, "cloud") });
  try {
    model.directory.seedFromYaml(seedYaml);
    model.osLogin.updateSettings(ADMIN, { organizationId: ORG, userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, sshCertificateSettings: { enabled: true } });
    const sa = model.serviceAccounts.create(ADMIN, { folderId: FOLDER, name: "ansible" }).response!.value as ServiceAccount;
    model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: sa.id, login: "yc-sa-ansible" });
    writeAuthorizedKeyFile(join(dir, "key.json"), authorizedKeyFileOf(await model.keys.create(ADMIN, { serviceAccountId: sa.id })));
    for (const role of ["viewer", "compute.osAdminLogin"]) {
      model.access.updateAccessBindings(ADMIN, {
        resource: { kind: "folder", id: FOLDER },
        accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: role, subject: { type: "serviceAccount", id: sa.id } } }],
      });
    }
    model.ctx.store.transaction(() => {
      for (let i = 0; i < hosts; i++) {
        model.instances.create(ADMIN, {
          folderId: FOLDER,
          name: `vm-${i}`,
          zoneId: ["ru-central1-a", "ru-central1-b", "ru-central1-d"][i % 3],
          platformId: "standard-v3",
          labels: { role: i % 2 ? "web" : "db" },
          resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
          bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8ubuntu2204lts" } },
          networkInterfaceSpecs: [{ subnetId: "e9bbenchsubnet000001", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" } } }],
          metadata: { "enable-oslogin": "true" },
        });
      }
    });
  } finally {
    model.close();
  }
  const config = join(dir, "oslogin-inventory.yml");
  writeFileSync(
    config,
    `data_dir: cloud\nservice_account_key_file: key.json\norganization_id: ${ORG}\nfolders: [${FOLDER}]\ncache_dir: cache\ngroup_by: { labels: [role] }\n`,
  );
  return config;
}

interface Sample {
  wallMs: number;
  rssMb: number;
  hosts: number;
}

function list(config: string): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", RSS_HOOK, script, "--list"], {
    encoding: "utf8",
    env: { ...process.env, OSLOGIN_INVENTORY_CONFIG: config },
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`inventory failed: ${r.stderr}`);
  const rssKb = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1]);
  return { wallMs, rssMb: rssKb / 1024, hosts: Object.keys(JSON.parse(r.stdout)._meta.hostvars).length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), "bench-inventory-"));
try {
  const t0 = performance.now();
  const config = await setUp(dir);
  console.error(`set up ${hosts} instances in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const cold: Sample[] = [];
  const warm: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(join(dir, "cache"), { recursive: true, force: true });
    cold.push(list(config));
    warm.push(list(config));
  }
  if (cold.some((s) => s.hosts !== hosts) || warm.some((s) => s.hosts !== hosts)) throw new Error("inventory did not list every host");
  const row = (name: string, s: Sample[], goal: string) =>
    `| ${name} | ${hosts} | ${median(s.map((x) => x.wallMs)).toFixed(0)} | ${median(s.map((x) => x.rssMb)).toFixed(0)} | ${goal} |`;
  console.log(`Inventory --list, embedded cloud, median of ${runs} fresh processes (node ${process.version})\n`);
  console.log("| run | hosts | wall ms | peak RSS MB | goal |\n|---|---|---|---|---|");
  console.log(row("warm (cached certificate)", warm, "<= 1000 ms"));
  console.log(row("cold (new key + certificate)", cold, "<= 2000 ms"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

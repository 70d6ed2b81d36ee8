// bench/authorizer: the cost of the access check that runs on every API call and every metadata
// login (AccessService.holdsPermission: one SQL statement over the covering index
// access_bindings_lookup), plus instance creates/s (address allocation included), against a
// realistically populated emulator on disk (SQLite WAL):
//   1 organization, M members, 100 groups of 10, 1 cloud, 10 folders, N instances,
//   1,000 organization-level bindings (the documented per-org quota is 2,000),
//   one compute.osLogin binding per instance, one group binding per folder.
// Prints a markdown table.
//
//   npx tsx bench/authorizer/run.ts [--instances 10000] [--members 10000] [--checks 200000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN, type AccessBindingDelta, type Instance, type Subject } from "../../src/cloud/model/types.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1]!);
const INSTANCES = Number(args.get("instances") ?? 10_000);
const MEMBERS = Number(args.get("members") ?? 10_000);
const CHECKS = Number(args.get("checks") ?? 200_000);

const ORG = "bpfbenchauthz0000001";
const CLOUD = "b1gbenchauthz0000001";
const folder = (i: number) => `b1fbenchauthz${String(i).padStart(7, "0")}`;
const member = (i: number) => `ajebench${String(i).padStart(12, "0")}`;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

function timed(label: string, n: number, fn: (i: number) => void): { label: string; n: number; perSecond: number; usPerOp: number } {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    fn(i);
    if (i % 1000 === 0) sampleRss();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { label, n, perSecond: n / seconds, usPerOp: (seconds * 1e6) / n };
}

const dir = mkdtempSync(join(tmpdir(), "bench-authz-"));
const model = CloudModel.open({ dataDir: dir });
try {
  model.directory.seed({
    organizations: [
      {
        id: ORG,
        name: "bench",
        members: Array.from({ length: MEMBERS }, (_, i) => ({ id: member(i), name: `Member ${i}`, email: `m${i}@bench.example` })),
        groups: Array.from({ length: 100 }, (_, g) => ({
          id: `ajgbench${String(g).padStart(12, "0")}`,
          name: `group-${g}`,
          members: Array.from({ length: 10 }, (_, k) => member((g * 10 + k) % MEMBERS)),
        })),
        clouds: [{ id: CLOUD, name: "bench", folders: Array.from({ length: 10 }, (_, i) => ({ id: folder(i), name: `f${i}` })) }],
      },
    ],
  });

  const spec = (i: number) => ({
    folderId: folder(i % 10),
    name: `vm-${i}`,
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2147483648n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10737418240n } },
    networkInterfaceSpecs: [{ subnetId: `e9bsubnet${i % 10}`, primaryV4AddressSpec: { oneToOneNatSpec: {} } }],
    metadata: { "enable-oslogin": "true" },
  });
  const ids: string[] = [];
  const creates = timed("instance creates (NAT + internal address allocation)", INSTANCES, (i) => {
    ids.push((model.instances.create(ADMIN, spec(i)).response!.value as Instance).id);
  });

  const add = (kind: "organization" | "folder" | "instance", id: string, deltas: AccessBindingDelta[]) =>
    model.access.updateAccessBindings(ADMIN, { resource: { kind, id }, accessBindingDeltas: deltas });
  const user = (i: number): Subject => ({ type: "userAccount", id: member(i % MEMBERS) });
  add("organization", ORG, Array.from({ length: 1000 }, (_, i) => ({ action: "ADD" as const, accessBinding: { roleId: "viewer", subject: user(i) } })));
  const bindings = timed("access binding updates (one ADD each)", INSTANCES, (i) =>
    add("instance", ids[i]!, [{ action: "ADD", accessBinding: { roleId: "compute.osLogin", subject: user(i) } }]),
  );
  for (let f = 0; f < 10; f++) {
    add("folder", folder(f), [{ action: "ADD", accessBinding: { roleId: "compute.osAdminLogin", subject: { type: "group", id: `ajgbench${String(f).padStart(12, "0")}` } } }]);
  }

  const instanceOf = (i: number) => ({ kind: "instance" as const, id: ids[i % ids.length]! });
  let allowed = 0;
  const direct = timed("holdsPermission, allowed (direct binding on the VM)", CHECKS, (i) => {
    if (model.access.holdsPermission(user(i % INSTANCES), "compute.instances.osLogin", instanceOf(i))) allowed++;
  });
  const viaGroup = timed("holdsPermission, allowed via group on the folder", CHECKS, (i) => {
    // member k of group f (f < 10) holds osAdminLogin on every VM of folder f
    const f = i % 10;
    const vm = (Math.floor(i / 10) * 10 + f) % ids.length;
    if (model.access.holdsPermission({ type: "userAccount", id: member(f * 10 + (i % 10)) }, "compute.instances.osAdminLogin", instanceOf(vm))) allowed++;
  });
  const denied = timed("holdsPermission, denied (walks instance, folder, cloud, org)", CHECKS, (i) => {
    if (model.access.holdsPermission(user(i + 1), "compute.instances.osAdminLogin", instanceOf(i + 7))) allowed++;
  });
  const gets = timed("instances.get as a member (authorize + read)", CHECKS / 4, (i) => {
    model.instances.get({ kind: "subject", subject: user(1) }, { instanceId: ids[(i * 10 + 1) % ids.length]! }); // viewer via org
  });
  sampleRss();

  console.log(`\n### Authorizer and instances (${INSTANCES} instances, ${MEMBERS} members, 100 groups, ${INSTANCES + 1010} bindings; SQLite WAL on disk)\n`);
  console.log("| operation | count | ops/s | µs/op |");
  console.log("|---|---:|---:|---:|");
  for (const r of [creates, bindings, direct, viaGroup, denied, gets]) {
    console.log(`| ${r.label} | ${r.n} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${r.usPerOp.toFixed(1)} |`);
  }
  console.log(`\npeak RSS: ${Math.round(peakRss / 2 ** 20)} MiB; allowed checks: ${allowed} (sanity: ${2 * CHECKS} expected allowed from the first two rows plus the denied row's accidental grants)`);
} finally {
  model.close();
  rmSync(dir, { recursive: true, force: true });
}

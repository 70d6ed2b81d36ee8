// Soak: the engine against `oslogin serve`'s gRPC endpoint in realistic mode (latency, faults,
// unfinished operations, IAM tokens shorter-lived than the run), signed in as a service account with
// nothing but its key. Each cycle applies a stack, changes it, applies again, destroys it; after each
// apply a plan must say "no changes" and the cloud must hold exactly the stack's objects (no
// duplicates), and after destroy none of them (no orphans). The vitest short form
// (test/cloud/realism/soak.test.ts) runs one small cycle; the long form prints a markdown table:
//   npx tsx bench/realcloud/soak.ts [--cycles N] [--size N] [--realism SPEC]
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { listAll } from "../../src/contract/cloud-client.js";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { retrying } from "../../src/cloud/client/retrying.js";
import { authorizedKeyFileOf } from "../../src/contract/key-file.js";
import { parseRealism } from "../../src/cloud/realism/options.js";
import { startCloudServer } from "../../src/cloud/server.js";
import { formatDiagnostic, hasErrors } from "../../src/engine/diagnostics.js";
import { Engine } from "../../src/engine/engine.js";
import { findDefinition } from "../../src/resources/registry.js";
import { writeStack } from "../../test/engine/fixtures.js";

const ORG = "bpfquickstartorg0001";
const ALICE = "ajealice000000000001";
const FOLDER = "b1gquickstartfolder1";
const SEED = path.join(import.meta.dirname, "../../examples/quickstart/seed.yaml");

export const SOAK_REALISM = "latency=50ms,jitter=20ms,operations=200ms,faults=0.05,token-lifetime=4s,seed=19";

export interface SoakOptions {
  cycles: number;
  /** Objects of each type in the stack (profiles, service accounts with a key each, VMs). */
  size: number;
  realism: string;
  parallelism?: number;
}

export interface SoakResult {
  cycles: number;
  objects: number;
  seconds: number;
  retries: number;
  /** Tokens issued to the service account: more than one means it renewed across expiries. */
  tokens: number;
  duplicates: number;
  orphans: number;
  /** Plans after apply that still wanted changes. */
  unconverged: number;
}

/** The soak's stack: `size` of each type; variant 1 changes an attribute of every object in place. */
export function soakStack(size: number, variant: number, provider: Record<string, unknown> = {}) {
  const n = { count: size };
  return {
    provider: { yandex: [{ organization_id: ORG, folder_id: FOLDER, ...provider }] },
    terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
    resource: {
      yandex_organizationmanager_os_login_profile: {
        p: { ...n, organization_id: ORG, subject_id: ALICE, login: "soak-${count.index}", shell: variant ? "/bin/zsh" : "/bin/bash" },
      },
      yandex_iam_service_account: { sa: { ...n, name: "soak-sa-${count.index}", description: `variant ${variant}` } },
      yandex_iam_service_account_key: { k: { ...n, service_account_id: "${yandex_iam_service_account.sa[count.index].id}" } },
      yandex_compute_instance: {
        vm: {
          ...n,
          name: "soak-vm-${count.index}",
          zone: "ru-central1-a",
          labels: { variant: String(variant) },
          resources: { cores: 2, memory: 2 },
          boot_disk: { initialize_params: { image_id: "fd8soakimage00000001", size: 10 } },
          network_interface: [{ subnet_id: "e9bsoaksubnet0000001" }],
        },
      },
      yandex_resourcemanager_folder_iam_member: {
        m: { ...n, folder_id: FOLDER, role: "compute.osLogin", member: "serviceAccount:${yandex_iam_service_account.sa[count.index].id}" },
      },
    },
  };
}

/** The realistic server, seeded, with a runner service account (admin on the organization) known by its key. */
export async function startSoakCloud(realism: string) {
  const server = await startCloudServer({ realism: parseRealism(realism) });
  try {
    server.model.directory.seed(parseYaml(readFileSync(SEED, "utf8")));
    const admin = new InProcessCloudClient(server.model);
    const runner = await admin.createServiceAccount({ folderId: FOLDER, name: "soak-runner" });
    await admin.updateAccessBindings({ kind: "organization", id: ORG }, [{ action: "ADD", accessBinding: { roleId: "admin", subject: { type: "serviceAccount", id: runner.id } } }]);
    const keyFile = authorizedKeyFileOf(await admin.createKey({ serviceAccountId: runner.id }));

    /** What the soak stack owns, per type, counted out of band (not through the faulted endpoint). */
    const owned = async (): Promise<number[]> => {
      const sas = (await listAll((t) => admin.listServiceAccounts({ folderId: FOLDER, pageToken: t }))).filter((s) => s.name.startsWith("soak-sa-"));
      const keys = (await Promise.all(sas.map((s) => admin.listKeys({ serviceAccountId: s.id })))).flatMap((p) => p.items);
      const folderMembers = (await listAll((t) => admin.listAccessBindings({ kind: "folder", id: FOLDER }, { pageToken: t }))).filter(
        (b) => b.roleId === "compute.osLogin" && sas.some((s) => s.id === b.subject.id),
      );
      return [
        (await listAll((t) => admin.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => p.login.startsWith("soak-")).length,
        sas.length,
        keys.length,
        (await listAll((t) => admin.listInstances({ folderId: FOLDER, pageToken: t }))).filter((i) => i.name.startsWith("soak-vm-")).length,
        folderMembers.length,
      ];
    };

    /** IAM tokens issued to the runner: more than one means its client renewed across expiries. */
    const tokensIssued = async () =>
      (await listAll(async (t) => server.model.audit.list({ kind: "admin" }, { pageToken: t }))).filter(
        (e) => e.action === "iam.IamTokenService.Create" && e.resourceId === runner.id,
      ).length;

    return { server, keyFile, owned, tokensIssued };
  } catch (e) {
    await server.close();
    throw e;
  }
}

export async function engineSoak(opts: SoakOptions, log: (line: string) => void = () => {}): Promise<SoakResult> {
  const { server, keyFile, owned, tokensIssued } = await startSoakCloud(opts.realism);
  const started = performance.now();
  let grpc: GrpcCloudClient | undefined;
  try {
    grpc = await GrpcCloudClient.fromAuthorizedKey({ endpoint: server.grpcEndpoint, rootCertPem: server.caCertPem, keyFile, operationTimeoutMs: 30_000 });
    let retries = 0;
    const cloud = retrying(grpc, { onRetry: () => retries++ });
    const dir = mkdtempSync(path.join(tmpdir(), "oslogin-soak-"));
    const engine = new Engine({ cloud, definitions: (t, k) => findDefinition(t, k), dataDir: path.join(dir, ".oslogin"), parallelism: opts.parallelism ?? 10 });

    const result: SoakResult = { cycles: opts.cycles, objects: opts.size * 5, seconds: 0, retries: 0, tokens: 0, duplicates: 0, orphans: 0, unconverged: 0 };
    for (let cycle = 0; cycle < opts.cycles; cycle++) {
      for (const variant of [0, 1]) {
        const out = writeStack(dir, soakStack(opts.size, variant), "soak");
        const r = await engine.run({ outDir: out });
        if (hasErrors(r.diagnostics)) throw new Error(`cycle ${cycle} apply ${variant}:\n${r.diagnostics.map(formatDiagnostic).join("\n")}`);
        const counts = await owned();
        result.duplicates += counts.reduce((sum, c) => sum + Math.max(0, c - opts.size), 0);
        const again = await engine.plan({ outDir: out });
        if (hasErrors(again.diagnostics)) throw new Error(again.diagnostics.map(formatDiagnostic).join("\n"));
        if (again.plan!.changes.some((c) => c.action !== "noop" && !c.readDuringPlan)) result.unconverged++;
        log(`cycle ${cycle} apply ${variant}: ${counts.join("/")} objects, ${retries} retries so far`);
      }
      const d = await engine.run({ outDir: path.join(dir, "cdktf.out"), mode: "destroy" });
      if (hasErrors(d.diagnostics)) throw new Error(`cycle ${cycle} destroy:\n${d.diagnostics.map(formatDiagnostic).join("\n")}`);
      result.orphans += (await owned()).reduce((a, b) => a + b, 0);
    }
    result.seconds = (performance.now() - started) / 1000;
    result.retries = retries;
    result.tokens = await tokensIssued();
    return result;
  } finally {
    await grpc?.close();
    await server.close();
  }
}

export function soakTable(rows: { label: string; r: SoakResult }[]): string {
  const head = "| run | cycles | objects per apply | seconds | retries | IAM tokens issued | duplicates | orphans | plans after apply with changes |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  return [head, ...rows.map(({ label, r }) => `| ${label} | ${r.cycles} | ${r.objects} | ${r.seconds.toFixed(1)} | ${r.retries} | ${r.tokens} | ${r.duplicates} | ${r.orphans} | ${r.unconverged} |`)].join("\n");
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const opts = { cycles: Number(arg("cycles", "5")), size: Number(arg("size", "20")), realism: arg("realism", SOAK_REALISM) };
  const r = await engineSoak(opts, (l) => console.error(l));
  console.log(`realism: ${opts.realism}\n`);
  console.log(soakTable([{ label: "engine over gRPC as a service account", r }]));
}

// A generator of large stacks for benchmarks: FLEET_SIZE (N) OS Login VMs and N service accounts,
// each with an OS Login profile, an authorized key and osLogin on its own VM: 5N + 1 resources
// (N = 2000 gives 10,001). Run: `FLEET_SIZE=2000 node dist/examples/fleet/main.js`.
import { pathToFileURL } from "node:url";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { OsLoginInstance, OsLoginOrganization, OsLoginServiceAccount, YandexProvider } from "../../constructs/index.js";
import { SEED } from "../quickstart/main.js";
import { PlainFleetStack } from "./plain-cdktf.js";

/** Resources a fleet of `size` synthesizes (VM, account, profile, key, binding each, plus settings). */
export const fleetResourceCount = (size: number): number => 5 * size + 1;

export interface FleetProps {
  readonly size: number;
}

export class FleetStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    new YandexProvider(this, "yandex", { organizationId: SEED.organizationId, folderId: SEED.folderId, zone: SEED.zone });
    const organization = new OsLoginOrganization(this, "org", { organizationId: SEED.organizationId });
    for (let i = 0; i < props.size; i++) {
      const n = String(i).padStart(5, "0");
      const account = new OsLoginServiceAccount(this, `sa-${n}`, {
        organization,
        name: `fleet-sa-${n}`,
        uid: 100000 + i,
      });
      const vm = new OsLoginInstance(this, `vm-${n}`, {
        name: `fleet-vm-${n}`,
        subnetId: SEED.subnetId,
        imageId: SEED.imageId,
        nat: false,
        labels: { fleet: "bench" },
      });
      vm.grantLogin(account);
    }
  }
}

export function fleetSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLEET_SIZE ?? "100";
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 0) throw new Error(`FLEET_SIZE must be a whole number >= 0, got ${JSON.stringify(raw)}`);
  return size;
}

/**
 * Synthesizes the fleet into `outdir` with our constructs ("ours") or with bare cdktf ("plain", the
 * benchmark's baseline); returns the milliseconds spent building the tree and synthesizing.
 */
export function synthFleet(variant: "ours" | "plain", size: number, outdir: string): { constructMs: number; synthMs: number } {
  const started = performance.now();
  const app = new App({ outdir });
  if (variant === "ours") new FleetStack(app, "fleet", { size });
  else new PlainFleetStack(app, "fleet", size);
  const built = performance.now();
  app.synth();
  return { constructMs: Math.round(built - started), synthMs: Math.round(performance.now() - built) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = new App();
  new FleetStack(app, "fleet", { size: fleetSizeFromEnv() });
  app.synth();
}

// A generator of large stacks for benchmarks: FLEET_SIZE (N) OS Login VMs and N service accounts,
// each with an OS Login profile and osLogin on its own VM, and one credential each: every hundredth
// account (one per team of 100, the one Ansible runs as) an authorized key for OS Login
// certificates, the others an SSH key. That is 5N + 1 resources (N = 2000 gives 10,001).
// Why not an authorized key each: the cloud generates an RSA-2048 pair per key (~40-80 ms of CPU),
// so a fleet of them measures RSA key generation, not the engine; `AUTHORIZED_KEY_EVERY=1` builds
// that variant. Run: `FLEET_SIZE=2000 node dist/examples/fleet/main.js`.
import { pathToFileURL } from "node:url";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { OsLoginInstance, OsLoginOrganization, OsLoginServiceAccount, YandexProvider } from "../../constructs/index.js";
import { SEED } from "../quickstart/main.js";
import { PlainFleetStack } from "./plain-cdktf.js";
import { fleetSshPublicKey } from "./ssh-key.js";

/** Resources a fleet of `size` synthesizes (VM, account, profile, credential, binding each, plus settings). */
export const fleetResourceCount = (size: number): number => 5 * size + 1;

export interface FleetProps {
  readonly size: number;
  /**
   * Every how many accounts one gets an authorized key instead of an SSH key.
   * @default 100
   */
  readonly authorizedKeyEvery?: number;
}

export class FleetStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    new YandexProvider(this, "yandex", { organizationId: SEED.organizationId, folderId: SEED.folderId, zone: SEED.zone });
    const organization = new OsLoginOrganization(this, "org", { organizationId: SEED.organizationId });
    const every = props.authorizedKeyEvery ?? 100;
    for (let i = 0; i < props.size; i++) {
      const n = String(i).padStart(5, "0");
      const authorizedKey = i % every === 0;
      const account = new OsLoginServiceAccount(this, `sa-${n}`, {
        organization,
        name: `fleet-sa-${n}`,
        uid: 100000 + i,
        authorizedKey,
        sshPublicKey: authorizedKey ? undefined : fleetSshPublicKey(`fleet-sa-${n}`),
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

function wholeNumberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name] ?? String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export function fleetSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberFromEnv(env, "FLEET_SIZE", 100, 0);
}

export function fleetPropsFromEnv(env: NodeJS.ProcessEnv = process.env): FleetProps {
  return { size: fleetSizeFromEnv(env), authorizedKeyEvery: wholeNumberFromEnv(env, "AUTHORIZED_KEY_EVERY", 100, 1) };
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
  new FleetStack(app, "fleet", fleetPropsFromEnv());
  app.synth();
}

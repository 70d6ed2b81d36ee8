// InstanceService.GetSerialPortOutput, for what OS Login clients read from it: the VM's SSH host keys.
// On the real cloud, cloud-init prints them to the serial console once, late in the first boot
// (its keys_to_console module): a fingerprint block sent through `logger -s`, so each line carries a
// syslog prefix, then the public keys themselves between BEGIN/END SSH HOST KEY KEYS markers.
// There is no hypervisor here, so nothing boots: the emulator admin tells the cloud which host keys a
// VM has (the e2e harness sends its sshd's real keys), and the console text is rendered from them.
// A VM without recorded host keys has an empty console, as one still booting has.
import { errors } from "../../contract/errors.js";
import { parsePublicKey } from "../../ssh/public-key.js";
import type { ModelContext } from "./context.js";
import { requireDoc } from "./doc-rows.js";
import { ID_MAX } from "../../contract/rules.js";
import type { Caller, Instance } from "./types.js";
import { requireString } from "./validate.js";

/** The ports a VM has; the API takes 1–4 and answers port 1 when the request leaves it 0. */
const PORTS = { min: 1, max: 4 } as const;
/** cloud-init writes to /dev/console, which is the first serial port. */
const CONSOLE_PORT = 1;
const MAX_HOST_KEYS = 8;

export interface SetHostKeysRequest {
  instanceId: string;
  /** OpenSSH public key lines, as in /etc/ssh/ssh_host_*_key.pub. */
  hostKeys: string[];
}

export class SerialPortService {
  constructor(private readonly ctx: ModelContext) {}

  getOutput(caller: Caller, req: { instanceId: string; port?: number | bigint }): { contents: string } {
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    const port = Number(req.port ?? 0) || CONSOLE_PORT;
    if (!Number.isInteger(port) || port < PORTS.min || port > PORTS.max) {
      throw errors.invalidArgument("port", `must be between ${PORTS.min} and ${PORTS.max}`);
    }
    const instance = requireDoc<Instance>(this.ctx, "instances", "Instance", id);
    // Emulator choice: reading the console needs what reading the instance needs (compute.instances.get).
    this.ctx.authorize(caller, "compute.instances.get", { kind: "instance", id });
    if (port !== CONSOLE_PORT) return { contents: "" };
    const row = this.ctx.sql("SELECT keys, booted_at FROM instance_host_keys WHERE instance_id = ?").get(id) as
      | { keys: string; booted_at: string }
      | undefined;
    if (!row) return { contents: "" };
    return { contents: consoleText(instance, JSON.parse(row.keys) as string[], new Date(row.booted_at)) };
  }

  /** Emulator-only: records the VM's host keys (replacing earlier ones, as a re-created VM's would). */
  setHostKeys(caller: Caller, req: SetHostKeysRequest): { instanceId: string; fingerprints: string[] } {
    if (caller.kind !== "admin") {
      throw errors.permissionDenied("setting a VM's host keys is emulator-only and needs the emulator admin token");
    }
    const id = requireString(req.instanceId, "instance_id", ID_MAX);
    if (!Array.isArray(req.hostKeys) || req.hostKeys.length === 0) {
      throw errors.invalidArgument("host_keys", "must list at least one OpenSSH public key");
    }
    if (req.hostKeys.length > MAX_HOST_KEYS) throw errors.invalidArgument("host_keys", `at most ${MAX_HOST_KEYS} keys`);
    const parsed = req.hostKeys.map((line, i) => {
      try {
        return parsePublicKey(String(line));
      } catch (e) {
        throw errors.invalidArgument(`host_keys[${i}]`, (e as Error).message);
      }
    });
    requireDoc<Instance>(this.ctx, "instances", "Instance", id);
    const lines = parsed.map((k) => `${k.type} ${k.blob}${k.comment ? ` ${k.comment}` : ""}`);
    this.ctx
      .sql("INSERT INTO instance_host_keys (instance_id, keys, booted_at) VALUES (?, ?, ?) ON CONFLICT (instance_id) DO UPDATE SET keys = excluded.keys, booted_at = excluded.booted_at")
      .run(id, JSON.stringify(lines), this.ctx.timestamp());
    return { instanceId: id, fingerprints: parsed.map((k) => k.fingerprint) };
  }
}

const KEY_NAMES: Record<string, string> = { ed25519: "ED25519", rsa: "RSA", ecdsa: "ECDSA", dsa: "DSA" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The console of a booted VM as far as OS Login cares: cloud-init's fingerprint block, then its keys block. */
function consoleText(instance: Instance, keys: string[], bootedAt: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[bootedAt.getUTCMonth()]} ${String(bootedAt.getUTCDate()).padStart(2, " ")} ${two(bootedAt.getUTCHours())}:${two(bootedAt.getUTCMinutes())}:${two(bootedAt.getUTCSeconds())}`;
  const logged = (line: string) => `<14>${stamp} cloud-init: ${line}`;
  const rule = "#".repeat(61);
  const host = instance.fqdn.split(".")[0];
  const fingerprints = keys.map((line) => {
    const k = parsePublicKey(line);
    return `${k.bits} ${k.fingerprint} root@${host} (${KEY_NAMES[k.algorithm] ?? k.algorithm.toUpperCase()})`;
  });
  return [
    `Cloud-init v. 22.4.2 running 'modules:final' at ${bootedAt.toUTCString()}.`,
    ...[rule, "-----BEGIN SSH HOST KEY FINGERPRINTS-----", ...fingerprints, "-----END SSH HOST KEY FINGERPRINTS-----", rule].map(logged),
    "-----BEGIN SSH HOST KEY KEYS-----",
    ...keys,
    "-----END SSH HOST KEY KEYS-----",
    `Cloud-init v. 22.4.2 finished at ${bootedAt.toUTCString()}. Datasource DataSourceEc2.`,
    "",
  ].join("\n");
}

// An emulated VM for end-to-end tests, built only from real parts: a network namespace whose
// loopback also owns 169.254.169.254, where `oslogin metadata` answers for one instance, and a
// private mount namespace set up as an OS Login VM is (docs/vm-setup.md): the guest agent's own
// `google_oslogin_control activate` run over overlays of /etc and /var (NSS `cache_oslogin oslogin`,
// the pam_oslogin_login / pam_oslogin_admin lines in pam.d/sshd, the sudoers include of
// /var/google-sudoers.d, AuthorizedKeysCommand google_authorized_keys), sshd with UsePAM, plus our
// additions: TrustedUserCAKeys and the fail-closed AuthorizedPrincipalsCommand. tmpfs over /home and
// /run (sshd's privsep dir; also hides any host nscd socket so every lookup reaches the endpoint).
// Nothing on the host changes: the overlays and tmpfs exist only inside the namespace, the
// namespace dies with its holder process, and stop() kills every process started here.
// All paths are absolute (nsenter changes directories). Needs root.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { requireVmBinaries } from "./binaries.js";
import { principalsCommandScript } from "../../../src/vm/principals-command.js";
import { PRINCIPALS_COMMAND_PATH, SSHD_DROP_IN_PATH, TRUSTED_CA_KEYS_PATH, sshdDropIn } from "../../../src/vm/sshd-drop-in.js";
import { REPO_ROOT } from "./paths.js";
import { runProcess, type ProcessResult } from "./process.js";

const TSX_LOADER = join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs");
const CLI = join(REPO_ROOT, "src/cli/main.ts");

export interface VmOptions {
  /** A label for logs and file names. */
  name: string;
  /** The instance the metadata endpoint answers for. */
  instanceId: string;
  /** The emulator data directory (cloud.db) the endpoint reads. */
  dataDir: string;
  /** Scratch directory for this VM's files (absolute; created). */
  workDir: string;
  /** Lines for TrustedUserCAKeys (the organization CA); omitted = no certificate logins. */
  trustedCaKeys?: string[];
  /** sshd port inside the namespace (default 22). */
  sshPort?: number;
  /** sshd's ListenAddress (default 127.0.0.1; 0.0.0.0 to be reachable over links added later). */
  listenAddress?: string;
  /**
   * sshd's AuthorizedPrincipalsCommand is our fail-closed script (the documented set-up; default).
   * false: only what google_oslogin_control configures plus TrustedUserCAKeys, so certificates are
   * judged by the agent's PAM modules alone.
   */
  principalsCommand?: boolean;
}

export interface SshOptions {
  user: string;
  identity: string;
  /** A certificate file for the identity; "none" to offer the bare key. */
  certificate?: string;
  command?: string;
  timeoutMs?: number;
}

export interface Vm {
  readonly name: string;
  readonly instanceId: string;
  /** The namespace holder's pid (nsenter -t). */
  readonly pid: number;
  /** Runs a command inside the VM's network and mount namespaces (absolute paths; env is added). */
  exec(argv: string[], opts?: { timeoutMs?: number; env?: Record<string, string> }): Promise<ProcessResult>;
  /** The real ssh client, run inside the VM's namespaces against its sshd; never multiplexed. */
  ssh(opts: SshOptions): Promise<ProcessResult>;
  /** GET on the metadata endpoint from inside the VM, as the agent would (header included by default). */
  metadata(pathAndQuery: string, opts?: { flavor?: string | null }): Promise<{ status: number; body: string }>;
  /** Creates /home/<login> (on the VM's tmpfs), owned by uid:uid, as a provisioning agent would. */
  addHome(login: string, uid: bigint | number): Promise<void>;
  /** Replaces the TrustedUserCAKeys file (sshd reads it per connection: no restart). */
  setTrustedCaKeys(lines: string[]): void;
  /** Runs the agent's cache refresher inside the VM, as its timer does (writes /etc/oslogin_*.cache). */
  refreshNssCache(): Promise<ProcessResult>;
  /** sshd's public host keys (ssh_host_*_key.pub lines): what cloud-init would print to the console. */
  hostPublicKeys(): string[];
  /**
   * A new host key in place of the old one, as a re-created VM has. OpenSSH 9.2's sshd re-executes
   * for every connection and loads its host keys then, so the next connection shows the new key.
   */
  replaceHostKey(): Promise<void>;
  sshdLog(): string;
  metadataLog(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Last resort if a test run dies without stop(): leave no namespace holder, sshd or endpoint behind.
process.once("exit", () => {
  for (const p of live) if (p.exitCode === null && p.pid) try { process.kill(p.pid, "SIGKILL"); } catch { /* gone */ }
});

function track(p: ChildProcess): ChildProcess {
  live.add(p);
  p.once("exit", () => live.delete(p));
  return p;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function terminate(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null || !p.pid) return;
  const exited = new Promise<void>((r) => p.once("exit", () => r()));
  p.kill("SIGTERM");
  const timer = setTimeout(() => p.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

export async function startVm(opts: VmOptions): Promise<Vm> {
  const bin = requireVmBinaries();
  const work = resolve(opts.workDir);
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const port = opts.sshPort ?? 22;
  const f = (name: string) => join(work, name);

  writeFileSync(f("trusted-ca.pub"), (opts.trustedCaKeys ?? []).join("\n") + "\n");
  const listen = opts.listenAddress ?? "127.0.0.1";
  const principals = opts.principalsCommand ?? true;
  for (const d of ["etc-upper", "etc-work", "var-upper", "var-work"]) mkdirSync(f(d), { recursive: true });

  // sshd's own settings for this VM; google_oslogin_control then edits this file in place.
  mkdirSync(f("sshd"), { mode: 0o700, recursive: true });
  if (!existsSync(f("sshd/ssh_host_ed25519_key"))) {
    const k = await runProcess(bin["ssh-keygen"], ["-q", "-t", "ed25519", "-N", "", "-f", f("sshd/ssh_host_ed25519_key")]);
    if (k.status !== 0) throw new Error(`ssh-keygen: ${k.stderr}`);
  }
  writeFileSync(
    f("sshd/sshd_config.base"),
    [
      // As Debian's own sshd_config begins: drop-ins first, so they come before the agent's block.
      "Include /etc/ssh/sshd_config.d/*.conf",
      `Port ${port}`,
      `ListenAddress ${listen}`,
      `HostKey ${f("sshd/ssh_host_ed25519_key")}`,
      `PidFile ${f("sshd/sshd.pid")}`,
      "UsePAM yes",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "AuthorizedKeysFile none",
      "PermitRootLogin no",
      "LogLevel VERBOSE",
      `Subsystem sftp ${bin["sftp-server"]}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  // What docs/vm-setup.md adds: the drop-in `oslogin vm sshd-config` prints (or only the CA line) and
  // the script `oslogin vm principals-command` prints.
  // The CA file is a link to this work dir's copy, so setTrustedCaKeys can replace it from outside.
  writeFileSync(f("sshd/oslogin-kit.conf"), principals ? sshdDropIn() : `TrustedUserCAKeys ${TRUSTED_CA_KEYS_PATH}\n`);
  if (principals) writeFileSync(f("oslogin_authorized_principals"), principalsCommandScript());
  // google_oslogin_control restarts nscd, cron, logind and sshd when it finds them running. The VM's
  // daemons are this harness's own processes and the host's must never be touched, so its service
  // tools answer "not running" here; every file it edits is the real script's work.
  mkdirSync(f("no-restart"), { recursive: true });
  writeFileSync(f("no-restart/systemctl"), "#!/bin/sh\nexit 3\n", { mode: 0o755 });
  writeFileSync(f("no-restart/service"), '#!/bin/sh\necho "$1: unrecognized service"\nexit 1\n', { mode: 0o755 });

  // The holder: sets up both namespaces, then sleeps; its death ends them (--kill-child).
  // /etc and /var are overlays (the host's stay untouched): the agent's set-up script edits
  // nsswitch.conf, pam.d/sshd, pam.d/su, security/group.conf and ssh/sshd_config there, and makes
  // /var/google-users.d, /var/google-sudoers.d and /etc/sudoers.d/google-oslogin.
  writeFileSync(
    f("holder.sh"),
    `#!/bin/sh
set -e
mount --make-rprivate /
${bin.ip} link set lo up
${bin.ip} addr add 169.254.169.254/32 dev lo
mount -t overlay overlay -o lowerdir=/etc,upperdir=${f("etc-upper")},workdir=${f("etc-work")} /etc
mount -t overlay overlay -o lowerdir=/var,upperdir=${f("var-upper")},workdir=${f("var-work")} /var
mount -t tmpfs -o mode=755 tmpfs /home
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -m 755 /run/sshd
install -m 600 ${f("sshd/sshd_config.base")} /etc/ssh/sshd_config
PATH=${f("no-restart")}:$PATH ${bin.google_oslogin_control} activate --norestartsshd > ${f("oslogin-control.log")} 2>&1
install -m 644 ${f("sshd/oslogin-kit.conf")} ${SSHD_DROP_IN_PATH}
ln -s ${f("trusted-ca.pub")} ${TRUSTED_CA_KEYS_PATH}
${principals ? `mount -t tmpfs -o mode=755 tmpfs ${dirname(PRINCIPALS_COMMAND_PATH)}
install -m 755 ${f("oslogin_authorized_principals")} ${PRINCIPALS_COMMAND_PATH}` : ""}
echo $$ > ${f("holder.pid")}
exec sleep infinity
`,
    { mode: 0o700 },
  );
  const holder = track(
    spawn(bin.unshare, ["--net", "--mount", "--propagation", "private", "--fork", "--kill-child", f("holder.sh")], {
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  let holderErr = "";
  holder.stderr!.on("data", (d) => (holderErr += d));
  // The holder runs the agent's set-up script first: seconds on a loaded machine.
  const pid = await waitFor(`the namespace holder of ${opts.name} (${holderErr})`, 30_000, () => {
    if (holder.exitCode !== null) throw new Error(`namespace setup for ${opts.name} failed: ${holderErr}`);
    return existsSync(f("holder.pid")) && Number(readFileSync(f("holder.pid"), "utf8").trim());
  });
  const enter = (mount: boolean) => ["-t", String(pid), "-n", ...(mount ? ["-m"] : []), "--"];

  const processes: ChildProcess[] = [];
  let mdLog = "";
  let sshdLogText = "";
  const vm: Vm = {
    name: opts.name,
    instanceId: opts.instanceId,
    pid,
    exec: (argv, o) => runProcess(bin.nsenter, [...enter(true), ...argv], { timeoutMs: o?.timeoutMs, env: o?.env }),
    ssh: (o) =>
      runProcess(
        bin.nsenter,
        [
          ...enter(true),
          bin.ssh,
          "-F", "/dev/null",
          "-o", "StrictHostKeyChecking=no",
          "-o", "UserKnownHostsFile=/dev/null",
          "-o", "BatchMode=yes",
          "-o", "IdentitiesOnly=yes",
          "-o", "ControlMaster=no",
          "-o", "ControlPath=none",
          "-o", "ConnectTimeout=5",
          "-o", "LogLevel=ERROR",
          "-i", o.identity,
          ...(o.certificate ? ["-o", `CertificateFile=${o.certificate}`] : []),
          "-p", String(port),
          `${o.user}@127.0.0.1`,
          o.command ?? "true",
        ],
        { timeoutMs: o.timeoutMs ?? 15_000 },
      ),
    async metadata(pathAndQuery, o = {}) {
      const flavor = o.flavor === undefined ? "Google" : o.flavor;
      const script = `fetch(${JSON.stringify(`http://169.254.169.254${pathAndQuery}`)}, {headers: ${JSON.stringify(flavor === null ? {} : { "Metadata-Flavor": flavor })}})
        .then(async (r) => process.stdout.write(JSON.stringify({status: r.status, body: await r.text()})))`;
      const r = await runProcess(bin.nsenter, [...enter(false), process.execPath, "-e", script], { timeoutMs: 10_000 });
      if (r.status !== 0) throw new Error(`metadata GET ${pathAndQuery} failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { status: number; body: string };
    },
    async addHome(login, uid) {
      const home = `/home/${login}`;
      const r = await runProcess(bin.nsenter, [...enter(true), "sh", "-c", 'mkdir -p -m 700 "$1" && chown "$2:$2" "$1"', "sh", home, String(uid)]);
      if (r.status !== 0) throw new Error(`creating ${home} in ${opts.name} failed: ${r.stderr}`);
    },
    setTrustedCaKeys(lines) {
      writeFileSync(f("trusted-ca.pub"), lines.join("\n") + "\n");
    },
    refreshNssCache: () => runProcess(bin.nsenter, [...enter(true), bin.google_oslogin_nss_cache]),
    hostPublicKeys: () => [readFileSync(f("sshd/ssh_host_ed25519_key.pub"), "utf8").trim()],
    async replaceHostKey() {
      for (const suffix of ["", ".pub"]) rmSync(f(`sshd/ssh_host_ed25519_key${suffix}`), { force: true });
      const k = await runProcess(bin["ssh-keygen"], ["-q", "-t", "ed25519", "-N", "", "-f", f("sshd/ssh_host_ed25519_key")]);
      if (k.status !== 0) throw new Error(`ssh-keygen: ${k.stderr}`);
    },
    sshdLog: () => (existsSync(f("sshd.log")) ? readFileSync(f("sshd.log"), "utf8") : sshdLogText),
    metadataLog: () => mdLog,
    async stop() {
      for (const p of processes.reverse()) await terminate(p);
      await terminate(holder);
      // the holder's child (sleep) dies with unshare (--kill-child); make sure of it
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    },
  };

  try {
    // The metadata endpoint, inside the network namespace only (it reads the data dir on the host fs).
    const md = track(
      spawn(
        bin.nsenter,
        [...enter(false), process.execPath, "--import", TSX_LOADER, CLI, "metadata", "--instance", opts.instanceId, "--listen", "169.254.169.254:80", "--data-dir", resolve(opts.dataDir), "--verbose"],
        { stdio: ["ignore", "pipe", "pipe"], cwd: REPO_ROOT },
      ),
    );
    processes.push(md);
    md.stdout!.on("data", (d) => (mdLog += d));
    md.stderr!.on("data", (d) => (mdLog += d));
    await waitFor(`the metadata endpoint of ${opts.name}`, 45_000, () => {
      if (md.exitCode !== null) throw new Error(`oslogin metadata exited: ${mdLog}`);
      return mdLog.includes("listening on");
    });

    // sshd reads the config the agent's script edited (/etc/ssh/sshd_config in the VM's /etc); its pid
    // is the spawned pid (nsenter without --fork execs the program).
    const check = await runProcess(bin.nsenter, [...enter(true), bin.sshd, "-t"]);
    if (check.status !== 0) throw new Error(`sshd -t rejected the config: ${check.stderr}`);
    if (principals) {
      const effective = await runProcess(bin.nsenter, [...enter(true), bin.sshd, "-T"]);
      if (!effective.stdout.includes(`\nauthorizedprincipalscommand ${PRINCIPALS_COMMAND_PATH} %u\n`)) {
        throw new Error(`sshd ignores the AuthorizedPrincipalsCommand of ${opts.name}: ${effective.stdout}${effective.stderr}`);
      }
    }
    const sshd = track(
      spawn(bin.nsenter, [...enter(true), bin.sshd, "-D", "-E", f("sshd.log")], {
        stdio: ["ignore", "ignore", "pipe"],
      }),
    );
    processes.push(sshd);
    sshd.stderr!.on("data", (d) => (sshdLogText += d));
    await waitFor(`sshd of ${opts.name}`, 10_000, () => {
      if (sshd.exitCode !== null) throw new Error(`sshd exited: ${sshdLogText} ${vm.sshdLog()}`);
      return vm.sshdLog().includes(`Server listening on ${listen} port ${port}`);
    });
  } catch (e) {
    await vm.stop();
    throw e;
  }
  return vm;
}

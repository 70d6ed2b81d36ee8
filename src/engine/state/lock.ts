// The state lock: a file created with O_EXCL that names its holder (Terraform's LockInfo fields).
// Node has no flock, so a holder that died (same host, pid gone) is detected and its lock taken
// over with a warning; a live holder makes us wait up to --lock-timeout, then fail naming it.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import path from "node:path";

export interface LockInfo {
  ID: string;
  Operation: string;
  Info: string;
  Who: string;
  Version: string;
  Created: string;
  Path: string;
  /** Ours: lets another process on this host see that the holder died. */
  Pid: number;
  Host: string;
}

export type LockResult =
  | { ok: true; lock: HeldLock; tookOverFrom?: LockInfo }
  | { ok: false; holder?: LockInfo; reason: string };

export interface HeldLock {
  info: LockInfo;
  /** A database lock is released over its connection: wait for it before the next lock. */
  release(): void | Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readHolder(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function describeHolder(h: LockInfo): string {
  // terraform writes the same file for its local backend, without our Pid and Host
  const where = typeof h.Pid === "number" ? `pid ${h.Pid} on ${h.Host}` : `terraform ${h.Version}`;
  return `${h.Who} (${where}, operation ${h.Operation}, since ${h.Created}, lock ID ${h.ID})`;
}

export async function acquireLock(file: string, operation: string, timeoutMs: number, onWait?: (holder: string) => void): Promise<LockResult> {
  mkdirSync(path.dirname(file), { recursive: true });
  const info: LockInfo = {
    ID: randomUUID(),
    Operation: operation,
    Info: "",
    Who: `${safeUser()}@${hostname()}`,
    Version: "oslogin-kit 0.1.0",
    Created: new Date().toISOString(),
    Path: path.dirname(file),
    Pid: process.pid,
    Host: hostname(),
  };
  const deadline = Date.now() + timeoutMs;
  let tookOverFrom: LockInfo | undefined;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      writeFileSync(file, JSON.stringify(info, null, 2), { flag: "wx", mode: 0o600 });
      return { ok: true, lock: { info, release: () => release(file, info.ID) }, tookOverFrom };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") return { ok: false, reason: `cannot create the lock file ${file}: ${(e as Error).message}` };
    }
    const holder = readHolder(file);
    if (holder && holder.Host === hostname() && typeof holder.Pid === "number" && holder.Pid !== process.pid && !alive(holder.Pid)) {
      // The holder was killed: its lock protects nothing any more.
      tookOverFrom = holder;
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first; loop and compete again
      }
      continue;
    }
    if (Date.now() >= deadline) {
      return { ok: false, holder, reason: holder ? `the state is locked by ${describeHolder(holder)}` : `the state is locked (${file})` };
    }
    if (delay === 50 && holder) onWait?.(describeHolder(holder));
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}

function release(file: string, id: string): void {
  const holder = readHolder(file);
  if (holder && holder.ID !== id) return; // force-unlocked and taken by someone else: not ours to remove
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** force-unlock: removes the lock only when the given ID matches (as terraform force-unlock). */
export function forceUnlock(file: string, id: string): { ok: true; holder: LockInfo } | { ok: false; reason: string } {
  const holder = readHolder(file);
  if (!holder) return { ok: false, reason: "the state is not locked" };
  if (holder.ID !== id) return { ok: false, reason: `the lock ID does not match: the state is locked by ${describeHolder(holder)}` };
  unlinkSync(file);
  return { ok: true, holder };
}

export function currentHolder(file: string): LockInfo | undefined {
  return readHolder(file);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

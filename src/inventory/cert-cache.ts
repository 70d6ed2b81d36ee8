// The certificate cache: one key pair and certificate per (organization, login), named as the yc
// CLI names them (yc-organization-id-<org>-<login>, ...-cert.pub), mode 0600. Ansible starts the
// inventory several times at once, so renewal happens under a lock file and every file is written
// whole (temp file, fsync, rename); a reader that sees a pair that does not match, has expired, or
// does not parse, renews it instead of trusting it. A caller may instead keep one key pair of its own
// (`keyFile`, a member's): then only the certificate next to it is renewed, and the key is reused.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseCertificate } from "../ssh/certificate-info.js";
import { publicBlobOfOpenSshPrivateKey } from "../ssh/wire.js";
import { writeSecretFileAtomic } from "../util/atomic-file.js";

export interface CertCacheOptions {
  cacheDir: string;
  organizationId: string;
  login: string;
  /**
   * A kept key pair (made on first use, mode 0600) to certify; its certificate is `<keyFile>-cert.pub`.
   * Without it the pair lives in cacheDir and every renewal makes a fresh one.
   */
  keyFile?: string;
  /** Renew when less than this is left before the certificate expires. */
  marginSeconds: number;
  now?: () => Date;
  /** Asks the cloud to certify this public key; resolves to the certificate line. */
  issue(publicKey: string): Promise<string>;
  /** How long to wait for another process renewing the same pair. */
  lockTimeoutMs?: number;
}

export interface CachedCertificate {
  privateKeyFile: string;
  certificateFile: string;
  validBefore: Date;
  /** True when this call asked the cloud for a new certificate. */
  renewed: boolean;
}

export function cacheFileBase(cacheDir: string, organizationId: string, login: string): string {
  return join(cacheDir, `yc-organization-id-${organizationId}-${login}`);
}

/** The cached pair if it is whole, matching, for this login, and valid for longer than the margin. */
export function readValidPair(base: string, login: string, marginSeconds: number, now: Date): CachedCertificate | null {
  try {
    const cert = parseCertificate(readFileSync(`${base}-cert.pub`, "utf8"));
    const pubBlob = publicBlobOfOpenSshPrivateKey(readFileSync(base, "utf8"));
    const fresh = cert.validBefore.getTime() - now.getTime() > marginSeconds * 1000;
    if (cert.publicKeyBlob !== pubBlob || !cert.principals.includes(login) || !fresh) return null;
    return { privateKeyFile: base, certificateFile: `${base}-cert.pub`, validBefore: cert.validBefore, renewed: false };
  } catch {
    return null; // missing or corrupt: renew
  }
}

export async function ensureCertificate(o: CertCacheOptions): Promise<CachedCertificate> {
  const now = o.now ?? (() => new Date());
  const base = o.keyFile ?? cacheFileBase(o.cacheDir, o.organizationId, o.login);
  mkdirSync(dirname(base), { recursive: true, mode: 0o700 }); // the lock file goes there first
  const cached = readValidPair(base, o.login, o.marginSeconds, now());
  if (cached) return cached;

  const release = await acquireLock(`${base}.lock`, o.lockTimeoutMs ?? 15_000);
  try {
    // Another invocation may have renewed while we waited for the lock.
    const renewedMeanwhile = readValidPair(base, o.login, o.marginSeconds, now());
    if (renewedMeanwhile) return renewedMeanwhile;
    // Loaded only when renewing: the warm path (every Ansible run within the hour) stays light.
    const { ensureEd25519KeyPair, generateEd25519KeyPair } = await import("../ssh/keypair.js");
    const comment = `${o.login}@${o.organizationId}`;
    // A kept pair is written (once) before it is certified; a fresh one only with its certificate.
    const pair = o.keyFile ? { publicKey: ensureEd25519KeyPair(o.keyFile, comment) } : generateEd25519KeyPair(comment);
    const certLine = (await o.issue(pair.publicKey)).trim();
    const info = parseCertificate(certLine); // refuse to cache something that does not parse
    if ("privateKey" in pair) writeSecretFileAtomic(base, pair.privateKey);
    writeSecretFileAtomic(`${base}-cert.pub`, certLine + "\n");
    return { privateKeyFile: base, certificateFile: `${base}-cert.pub`, validBefore: info.validBefore, renewed: true };
  } finally {
    release();
  }
}

const STALE_LOCK_MS = 60_000;

async function acquireLock(path: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    try {
      // A holder that crashed leaves its lock behind; after a minute it cannot still be renewing.
      if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) rmSync(path, { force: true });
    } catch {
      /* the holder just released it */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the certificate cache lock ${path}`);
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
  }
}

// TLS material for the emulator's gRPC endpoint. The official SDK's Session always dials TLS and
// checks the endpoint host against the certificate's SAN (no target-name override), so the
// certificate names both `localhost` and `127.0.0.1`; clients trust it by passing certPem as
// `ssl.rootCerts`. With a data directory the material is made once and reused across restarts
// (clients keep a copy of the cert); in memory it is made once per process.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeSecretFileAtomic } from "../util/atomic-file.js";

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
}

/** Where a data directory keeps its TLS files (the CLI prints certPath so clients can trust it). */
export function tlsPaths(dataDir: string): { dir: string; certPath: string; keyPath: string } {
  const dir = join(dataDir, "tls");
  return { dir, certPath: join(dir, "cert.pem"), keyPath: join(dir, "key.pem") };
}

// Long enough that a local data directory never needs attention; an expired one is simply replaced.
const VALIDITY_DAYS = 3650;

async function generateMaterial(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock differences
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 86_400_000);
  // Loaded only to make a certificate (selfsigned pulls in ~200 modules): a client that just reads
  // the data dir's certificate, like `oslogin plan --endpoint`, starts without them.
  const { generate } = await import("selfsigned");
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

/** The stored material if it is whole, matching, and not expired; undefined means "make new". */
function loadUsable(certPath: string, keyPath: string): TlsMaterial | undefined {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certPath, "utf8");
    keyPem = readFileSync(keyPath, "utf8");
  } catch {
    return undefined;
  }
  try {
    const cert = new X509Certificate(certPem);
    // Two processes starting at once could each write one file; a key that does not belong to
    // the cert (or an expired cert) is replaced instead of failing every handshake later.
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (Date.parse(cert.validTo) <= Date.now()) return undefined;
  } catch {
    return undefined;
  }
  return { certPem, keyPem };
}

let inMemory: Promise<TlsMaterial> | undefined;

/**
 * The emulator's TLS certificate and key. With dataDir: <dataDir>/tls/{cert,key}.pem, made on first
 * use (key mode 0600); without: generated once per process and kept in memory.
 */
export async function ensureTlsMaterial(dataDir?: string): Promise<TlsMaterial> {
  if (!dataDir) {
    inMemory ??= generateMaterial();
    return inMemory;
  }
  const { dir, certPath, keyPath } = tlsPaths(dataDir);
  const existing = loadUsable(certPath, keyPath);
  if (existing) return existing;
  const made = await generateMaterial();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Key first: a reader that sees the new cert with the old key rejects the pair as mismatched.
  // Atomic writes so a crash never leaves a half-written PEM behind.
  writeSecretFileAtomic(keyPath, made.keyPem);
  writeSecretFileAtomic(certPath, made.certPem, 0o644);
  return made;
}

// The provider's AutoMTLS server certificate (go-plugin: terraform trusts exactly the certificate we
// print in the handshake and checks it against the host name "localhost").
//
// Generating a key pair and certificate costs ~70 ms and terraform starts the provider 3-5 times per
// command, so the material is cached on disk: one file holding key and certificate (one file, so two
// providers starting at once can never pair one's key with the other's certificate), written
// atomically, mode 0600. Reusing it is safe because terraform pins whatever certificate the handshake
// line names, and it is only ever served on a private unix socket.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface ServerTls {
  certPem: string;
  keyPem: string;
  /** DER of the certificate, standard base64 WITHOUT padding (Go's RawStdEncoding; padding is rejected). */
  certDerBase64: string;
}

const FILE = "server-tls.pem";
// Stays usable for years; a certificate that is about to expire is simply replaced.
const VALIDITY_DAYS = 3650;
const RENEW_BEFORE_MS = 7 * 86_400_000;

/** Where the cache lives: $OSLOGIN_TFPLUGIN_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache /oslogin-kit/terraform-provider. */
export function tlsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OSLOGIN_TFPLUGIN_CACHE_DIR) return env.OSLOGIN_TFPLUGIN_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "oslogin-kit", "terraform-provider");
}

export async function serverTls(cacheDir: string): Promise<ServerTls> {
  const path = join(cacheDir, FILE);
  const cached = readUsable(path);
  if (cached) return cached;
  const made = await generate();
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, made.keyPem + made.certPem, { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // A read-only home is not fatal: we serve the fresh material, only the next start pays again.
  }
  return made;
}

function readUsable(path: string): ServerTls | undefined {
  try {
    const text = readFileSync(path, "utf8");
    const keyPem = text.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\r?\n?/)?.[0];
    const certPem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/)?.[0];
    if (!keyPem || !certPem) return undefined;
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) - RENEW_BEFORE_MS <= Date.now()) return undefined;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return withDer(certPem, keyPem, cert);
  } catch {
    return undefined; // missing or corrupt: make new material
  }
}

function withDer(certPem: string, keyPem: string, cert = new X509Certificate(certPem)): ServerTls {
  return { certPem, keyPem, certDerBase64: cert.raw.toString("base64").replace(/=+$/, "") };
}

async function generate(): Promise<ServerTls> {
  // Loaded lazily: selfsigned is only needed on a cache miss.
  const { generate: selfsigned } = await import("selfsigned");
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 86_400_000);
  // go-plugin's own profile: CA:true (the client verifies it as its own root), both EKUs, SAN localhost.
  const pems = await selfsigned([{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "oslogin-kit" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyAgreement: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
  return withDer(pems.cert.endsWith("\n") ? pems.cert : pems.cert + "\n", pems.private.endsWith("\n") ? pems.private : pems.private + "\n");
}

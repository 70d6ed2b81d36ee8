// Which certificate authorities a gRPC client trusts when none is named: what a client of the real
// cloud (certificates from public CAs) or of a corporate TLS proxy needs. grpc-js, given no roots,
// trusts only Node's bundled Mozilla list; so the roots are gathered here: that list, the system
// store (SSL_CERT_FILE when set, else the distribution's bundle), and NODE_EXTRA_CA_CERTS, which
// Node honours for https but grpc-js does not.
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";

/** Where Debian/Ubuntu, Fedora/RHEL and Alpine keep the system bundle. */
const SYSTEM_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

function readIfPresent(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The PEM bundle to trust: bundled roots + system store + NODE_EXTRA_CA_CERTS. */
export function defaultTrustedRoots(env: NodeJS.ProcessEnv = process.env): Buffer {
  const system = env.SSL_CERT_FILE ? readIfPresent(env.SSL_CERT_FILE) : SYSTEM_BUNDLES.map((p) => readIfPresent(p)).find((pem) => pem !== undefined);
  const parts = [...rootCertificates, system, readIfPresent(env.NODE_EXTRA_CA_CERTS)].filter((p): p is string => !!p);
  return Buffer.from(parts.join("\n"));
}

// The fleet's SSH keys: deterministic, so that re-synthesizing the same fleet plans no changes.
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";

/** PKCS#8 DER header of an ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * The same ed25519 public key (OpenSSH format) for the same name on every synth, so that
 * re-synthesizing the fleet plans no changes: the key pair is derived from a hash of the name.
 */
export function fleetSshPublicKey(name: string): string {
  const seed = createHash("sha256").update(`oslogin-kit fleet ${name}`).digest();
  const publicKey = createPublicKey(createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" }));
  const x = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(x)]).toString("base64")} ${name}`;
}

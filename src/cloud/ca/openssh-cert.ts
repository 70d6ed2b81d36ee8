// A small OpenSSH user-certificate encoder (PROTOCOL.certkeys) that signs with node:crypto.
// Why not sshpk: its ed25519 is pure JS (~140 certificates/s); node:crypto's OpenSSL ed25519 signs
// ~200x faster, and the encoding itself is a dozen length-prefixed fields.
//
// Layout of the signed part, in order: string cert type, string nonce, <the user key's own fields>,
// uint64 serial, uint32 type (1 = user), string key id, string principals, uint64 valid after,
// uint64 valid before, string critical options, string extensions, string reserved,
// string signature key (the CA's public key blob). Then: string signature.
// "<the user key's own fields>" are exactly the public key blob minus its leading type string
// (ed25519: pk; RSA: e, n; ECDSA: curve, Q; sk-*: those plus the application), so one code path
// serves every key type OpenSSH can certify.
import { randomFillSync, sign, type KeyObject } from "node:crypto";

/** Plain key type → its certificate type. DSA is absent on purpose (OpenSSH removed ssh-dss). */
export const CERT_TYPES: Readonly<Record<string, string>> = {
  "ssh-ed25519": "ssh-ed25519-cert-v01@openssh.com",
  "ssh-rsa": "ssh-rsa-cert-v01@openssh.com",
  "ecdsa-sha2-nistp256": "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384": "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521": "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "sk-ssh-ed25519@openssh.com": "sk-ssh-ed25519-cert-v01@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com": "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
};

/** What sshd needs for an interactive session to behave like a normal key login. */
export const DEFAULT_EXTENSIONS: readonly string[] = [
  "permit-X11-forwarding",
  "permit-agent-forwarding",
  "permit-port-forwarding",
  "permit-pty",
  "permit-user-rc",
];

export interface UserCertificateSpec {
  /** The user's public key blob (the base64-decoded second field of an authorized_keys line). */
  publicKeyBlob: Buffer;
  serial: bigint;
  keyId: string;
  principals: readonly string[];
  /** Unix seconds. */
  validAfter: bigint;
  validBefore: bigint;
  /** Extension names (no values); written sorted, as PROTOCOL.certkeys asks. */
  extensions?: readonly string[];
  /** Critical options (name → value); written sorted. */
  criticalOptions?: Readonly<Record<string, string>>;
}

export interface Ed25519Ca {
  privateKey: KeyObject;
  /** The raw 32-byte public key. */
  publicKeyRaw: Buffer;
}

const EMPTY = Buffer.alloc(0);

// Nonces come from a pool refilled 256 at a time: one randomFillSync per 256 certificates instead
// of one per certificate (a measurable share of issuing cost, see bench/certs).
const NONCE = 32;
const noncePool = Buffer.alloc(NONCE * 256);
let nonceOffset = noncePool.length;

function nonce(): Buffer {
  if (nonceOffset >= noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const out = Buffer.from(noncePool.subarray(nonceOffset, nonceOffset + NONCE));
  nonceOffset += NONCE;
  return out;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function u64(v: bigint): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64BE(v);
  return out;
}

function u32(v: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(v);
  return out;
}

/** The blob of an ed25519 public key: string "ssh-ed25519", string pk. */
export function ed25519PublicBlob(raw32: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(raw32)]);
}

/**
 * Splits a public key blob into its type and the key fields after it; throws when the blob is not
 * a well-formed "string type, ..." sequence or the type cannot be certified.
 */
export function splitKeyBlob(blob: Buffer): { keyType: string; certType: string; keyFields: Buffer } {
  if (blob.length < 4) throw new Error("key blob is truncated");
  const n = blob.readUInt32BE(0);
  if (4 + n > blob.length) throw new Error("key blob is truncated");
  const keyType = blob.subarray(4, 4 + n).toString("latin1");
  const certType = CERT_TYPES[keyType];
  if (!certType) throw new Error(`key type ${JSON.stringify(keyType)} cannot be certified (use ed25519, ECDSA or RSA)`);
  // Walk the remaining strings so a truncated or padded blob is rejected, not signed.
  let off = 4 + n;
  while (off < blob.length) {
    if (off + 4 > blob.length) throw new Error("key blob is truncated");
    off += 4 + blob.readUInt32BE(off);
  }
  if (off !== blob.length) throw new Error("key blob is truncated");
  return { keyType, certType, keyFields: blob.subarray(4 + n) };
}

/** Encodes and signs a user certificate; returns the one-line "<cert type> <base64>" form. */
export function signUserCertificate(ca: Ed25519Ca, spec: UserCertificateSpec): string {
  const { certType, keyFields } = splitKeyBlob(spec.publicKeyBlob);
  const critical = Object.entries(spec.criticalOptions ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => Buffer.concat([sshString(name), sshString(sshString(value))]));
  const extensions = [...(spec.extensions ?? DEFAULT_EXTENSIONS)]
    .sort()
    .map((name) => Buffer.concat([sshString(name), sshString(EMPTY)]));
  const body = Buffer.concat([
    sshString(certType),
    sshString(nonce()),
    keyFields,
    u64(spec.serial),
    u32(1), // SSH_CERT_TYPE_USER
    sshString(spec.keyId),
    sshString(Buffer.concat(spec.principals.map((p) => sshString(p)))),
    u64(spec.validAfter),
    u64(spec.validBefore),
    sshString(Buffer.concat(critical)),
    sshString(Buffer.concat(extensions)),
    sshString(EMPTY), // reserved
    sshString(ed25519PublicBlob(ca.publicKeyRaw)),
  ]);
  const signature = sign(null, body, ca.privateKey);
  const cert = Buffer.concat([body, sshString(Buffer.concat([sshString("ssh-ed25519"), sshString(signature)]))]);
  return `${certType} ${cert.toString("base64")}`;
}

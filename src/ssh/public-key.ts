// Parsing of OpenSSH public keys ("authorized_keys" lines), shared by the emulator's UserSshKey
// service and by resource checks. The fingerprint is computed exactly as `ssh-keygen -lf` prints it:
// "SHA256:" + unpadded base64 of sha256(key blob).
// The blob is read here (RFC 4253 section 6.6, RFC 5656, RFC 8709) rather than with sshpk: loading
// sshpk and parsing with it cost more than the rest of planning a key (2,000 keys in a 10k no-op plan).
import { createHash } from "node:crypto";
import { SshReader } from "./wire.js";

export interface ParsedPublicKey {
  /** The OpenSSH type name, e.g. "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256". */
  type: string;
  /** The algorithm family: "ed25519", "rsa", "ecdsa", "dsa". */
  algorithm: string;
  bits: number;
  fingerprint: string;
  comment: string;
  /** The key blob, base64, as it stands in the line. */
  blob: string;
}

/** ECDSA key types: the curve name inside the blob and the size of the uncompressed point (0x04 || X || Y). */
const ECDSA: Record<string, { curve: string; bits: number; pointBytes: number }> = {
  "ecdsa-sha2-nistp256": { curve: "nistp256", bits: 256, pointBytes: 65 },
  "ecdsa-sha2-nistp384": { curve: "nistp384", bits: 384, pointBytes: 97 },
  "ecdsa-sha2-nistp521": { curve: "nistp521", bits: 521, pointBytes: 133 },
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Bits of an SSH mpint (big-endian, two's complement; a leading zero byte keeps it positive). */
function mpintBits(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length || (i === 0 && b[0]! & 0x80)) throw new Error("not a positive integer");
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** The algorithm family and size of a key blob whose type is `type`; throws if the blob is not such a key. */
function readBlob(type: string, blob: Buffer): { algorithm: string; bits: number } {
  const r = new SshReader(blob);
  if (r.string() !== type) throw new Error("the key type and the blob disagree");
  let key: { algorithm: string; bits: number };
  if (type === "ssh-ed25519") {
    if (r.bytes().length !== 32) throw new Error("an ed25519 key is 32 bytes");
    key = { algorithm: "ed25519", bits: 256 };
  } else if (type === "ssh-rsa") {
    mpintBits(r.bytes()); // e
    key = { algorithm: "rsa", bits: mpintBits(r.bytes()) };
  } else if (type === "ssh-dss") {
    const p = mpintBits(r.bytes());
    for (let i = 0; i < 3; i++) mpintBits(r.bytes()); // q, g, y
    key = { algorithm: "dsa", bits: p };
  } else if (ECDSA[type]) {
    const { curve, bits, pointBytes } = ECDSA[type];
    if (r.string() !== curve) throw new Error("the curve does not match the key type");
    const q = r.bytes();
    if (q.length !== pointBytes || q[0] !== 0x04) throw new Error("not an uncompressed curve point");
    key = { algorithm: "ecdsa", bits };
  } else {
    throw new Error(`unsupported key type ${type}`);
  }
  if (!r.done) throw new Error("trailing data after the key");
  return key;
}

/** Parses one public key line; throws an Error whose message says why the key is not valid. */
export function parsePublicKey(line: string): ParsedPublicKey {
  const text = line.trim();
  if (text.includes("\n")) throw new Error("must be a single OpenSSH public key line");
  if (/PRIVATE KEY/.test(text)) throw new Error("looks like a private key; give the public key (.pub) only");
  const fields = text.split(/\s+/);
  if (fields.length < 2) throw new Error("must look like '<type> <base64> [comment]'");
  const [type, blob] = fields as [string, string];
  const bytes = BASE64.test(blob) ? Buffer.from(blob, "base64") : undefined;
  let key: { algorithm: string; bits: number };
  try {
    if (!bytes) throw new Error("not base64");
    key = readBlob(type, bytes);
  } catch {
    // Never the reason's details: the message must not echo any of the text (it might be a secret).
    throw new Error("is not a parseable OpenSSH public key");
  }
  const fingerprint = "SHA256:" + createHash("sha256").update(bytes).digest("base64").replace(/=+$/, "");
  return {
    type,
    algorithm: key.algorithm,
    bits: key.bits,
    fingerprint,
    comment: fields.slice(2).join(" "),
    blob,
  };
}

/** Keys we refuse to manage: DSA (removed from OpenSSH) and RSA shorter than 2048 bits. Null = fine. */
export function weakKeyReason(key: ParsedPublicKey): string | null {
  if (key.algorithm === "dsa") return "DSA keys are not accepted (OpenSSH disabled ssh-dss); use ed25519 or RSA >= 2048";
  if (key.algorithm === "rsa" && key.bits < 2048) return `RSA keys must be at least 2048 bits, this one has ${key.bits}`;
  return null;
}

// Parsing of OpenSSH public keys ("authorized_keys" lines), shared by the emulator's UserSshKey
// service and by resource checks. The fingerprint is computed exactly as `ssh-keygen -lf` prints it:
// "SHA256:" + unpadded base64 of sha256(key blob).
import { createHash } from "node:crypto";
import sshpk from "sshpk";

export interface ParsedPublicKey {
  /** The OpenSSH type name, e.g. "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256". */
  type: string;
  /** sshpk's algorithm family: "ed25519", "rsa", "ecdsa", "dsa". */
  algorithm: string;
  bits: number;
  fingerprint: string;
  comment: string;
  /** The key blob, base64, as it stands in the line. */
  blob: string;
}

/** Parses one public key line; throws an Error whose message says why the key is not valid. */
export function parsePublicKey(line: string): ParsedPublicKey {
  const text = line.trim();
  if (text.includes("\n")) throw new Error("must be a single OpenSSH public key line");
  if (/PRIVATE KEY/.test(text)) throw new Error("looks like a private key; give the public key (.pub) only");
  const fields = text.split(/\s+/);
  if (fields.length < 2) throw new Error("must look like '<type> <base64> [comment]'");
  let key: sshpk.Key;
  try {
    key = sshpk.parseKey(text, "ssh");
  } catch {
    throw new Error("is not a parseable OpenSSH public key");
  }
  const blob = fields[1];
  const fingerprint = "SHA256:" + createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "");
  return {
    type: fields[0],
    algorithm: key.type,
    bits: key.size,
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

// Reads the fields of an OpenSSH certificate that clients decide on (PROTOCOL.certkeys): who it is
// for, until when, and which public key it certifies. Used to reuse or renew cached certificates;
// anything that does not parse is reported as an Error, so callers replace rather than trust it.
import { SshReader, sshString } from "./wire.js";

export interface CertificateInfo {
  type: string;
  /** The certified public key as an authorized_keys blob (base64), to match against the private key. */
  publicKeyBlob: string;
  serial: bigint;
  certType: "user" | "host";
  keyId: string;
  principals: string[];
  validAfter: Date;
  validBefore: Date;
}

// How many length-prefixed fields of key material each certificate type carries after the nonce.
const KEY_FIELDS: Record<string, number> = {
  "ssh-ed25519-cert-v01@openssh.com": 1,
  "ssh-rsa-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp256-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp384-cert-v01@openssh.com": 2,
  "ecdsa-sha2-nistp521-cert-v01@openssh.com": 2,
};

export function parseCertificate(line: string): CertificateInfo {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64 || !(type in KEY_FIELDS)) throw new Error("not an OpenSSH user certificate line");
  const r = new SshReader(Buffer.from(b64, "base64"));
  if (r.string() !== type) throw new Error("certificate type does not match its line");
  r.bytes(); // nonce
  const keyParts: Buffer[] = [];
  for (let i = 0; i < KEY_FIELDS[type]; i++) keyParts.push(r.bytes());
  const plainType = type.replace("-cert-v01@openssh.com", "");
  const publicKeyBlob = Buffer.concat([sshString(Buffer.from(plainType)), ...keyParts.map(sshString)]).toString("base64");
  const serial = r.u64();
  const certType = r.u32() === 1 ? "user" : "host";
  const keyId = r.string();
  const principalsReader = new SshReader(r.bytes());
  const principals: string[] = [];
  while (!principalsReader.done) principals.push(principalsReader.string());
  const validAfter = r.u64();
  const validBefore = r.u64();
  const toDate = (s: bigint) => new Date(s > 253402300799n ? 253402300799000 : Number(s) * 1000);
  return { type, publicKeyBlob, serial, certType, keyId, principals, validAfter: toDate(validAfter), validBefore: toDate(validBefore) };
}

// Fresh ed25519 key pairs in the formats OpenSSH reads: the private key in OpenSSH's own format
// (what ssh-keygen writes; ssh and Ansible accept it) and the public key as an authorized_keys line.
import { generateKeyPairSync } from "node:crypto";
import sshpk from "sshpk";

export interface SshKeyPair {
  /** "-----BEGIN OPENSSH PRIVATE KEY-----..." — a secret: write it 0600, never log it. */
  privateKey: string;
  /** "ssh-ed25519 AAAA... <comment>" */
  publicKey: string;
}

export function generateEd25519KeyPair(comment: string): SshKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = sshpk.parsePrivateKey(pem, "pem");
  key.comment = comment; // sshpk writes "(unnamed)" otherwise
  const pub = key.toPublic();
  pub.comment = comment;
  return { privateKey: key.toString("ssh"), publicKey: pub.toString("ssh").trim() };
}

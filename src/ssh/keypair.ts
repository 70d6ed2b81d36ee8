// Fresh ed25519 key pairs in the formats OpenSSH reads: the private key in OpenSSH's own format
// (what ssh-keygen writes; ssh and Ansible accept it) and the public key as an authorized_keys line.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import sshpk from "sshpk";
import { writeSecretFileAtomic } from "../util/atomic-file.js";

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

/**
 * The key pair at `privatePath` (and `<privatePath>.pub`), generated on first use: what an app does
 * for a member or robot whose key it manages. Returns the public key line; the private key is
 * written 0600 (atomically, so a crash never leaves half a key) and never returned.
 */
export function ensureEd25519KeyPair(privatePath: string, comment: string): string {
  const publicPath = `${privatePath}.pub`;
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    mkdirSync(dirname(privatePath), { recursive: true, mode: 0o700 });
    const pair = generateEd25519KeyPair(comment);
    writeSecretFileAtomic(privatePath, pair.privateKey);
    writeSecretFileAtomic(publicPath, pair.publicKey + "\n", 0o644);
  }
  return readFileSync(publicPath, "utf8").trim();
}

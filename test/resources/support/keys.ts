// Real OpenSSH public keys of each kind the checks must judge, made with node:crypto + sshpk.
import { generateKeyPairSync } from "node:crypto";
import sshpk from "sshpk";

function publicLine(pem: string, comment: string): string {
  const key = sshpk.parseKey(pem, "pem");
  key.comment = comment;
  return key.toString("ssh").trim();
}

export const ed25519Public = (comment = "test@example"): string =>
  publicLine(generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString(), comment);

export const rsaPublic = (bits: number, comment = "rsa@example"): string =>
  publicLine(generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "pem" }).toString(), comment);

export const dsaPublic = (comment = "dsa@example"): string =>
  publicLine(
    generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).publicKey.export({ type: "spki", format: "pem" }).toString(),
    comment,
  );

// A key pair certified by the organization's CA, written as `oslogin cert export` writes it (identity
// 0600 next to <identity>-cert.pub), straight from a model: for tests that need a certificate from
// another moment (the model's clock) or many of them without starting the CLI each time.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../../src/ssh/keypair.js";

export interface CertificateFiles {
  identity: string;
  certificate: string;
}

export function writeCertificateFiles(model: CloudModel, organizationId: string, login: string, dir: string, name: string): CertificateFiles {
  const pair = generateEd25519KeyPair(name);
  const { signedCertificate } = model.certificates.generate(ADMIN, { organizationId, osLogin: login, publicKey: pair.publicKey });
  const identity = join(dir, name);
  writeFileSync(identity, pair.privateKey, { mode: 0o600 });
  writeFileSync(`${identity}-cert.pub`, signedCertificate + "\n", { mode: 0o600 });
  return { identity, certificate: `${identity}-cert.pub` };
}

// Certificate issuance throughput, next to the raw ed25519 signature rate measured in the same run
// (the ceiling: each certificate is one signature). Rows:
//   - raw crypto.sign over a 300-byte message (node:crypto / OpenSSL ed25519)
//   - the encoder alone (src/cloud/ca/openssh-cert.ts: encode + sign)
//   - SshCertificateService.generate end to end on a WAL data directory: validation, profile and
//     settings lookups, the per-organization serial (block-reserved), encode + sign
// Run: npx tsx bench/certs/run.ts [seconds per row, default 2]
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { signUserCertificate } from "../../src/cloud/ca/openssh-cert.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN, type Caller } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";

const SECONDS = Number(process.argv[2] ?? 2);
const ORG = "bpfquickstartorg0001";
const ALICE: Caller = { kind: "subject", subject: { type: "userAccount", id: "ajealice000000000001" } };

function rate(label: string, fn: () => void): { label: string; perSecond: number; usPerOp: number } {
  for (let i = 0; i < 500; i++) fn(); // warm-up (JIT, statement cache, CA key parse)
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(SECONDS * 1e9);
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  return { label, perSecond: n / seconds, usPerOp: (seconds * 1e6) / n };
}

const dataDir = mkdtempSync(join(tmpdir(), "bench-certs-"));
const model = CloudModel.open({ dataDir });
try {
  model.directory.seedFromYaml(readFileSync(join(import.meta.dirname, "../../examples/quickstart/seed.yaml"), "utf8"));
  model.osLogin.updateSettings(ADMIN, { organizationId: ORG, sshCertificateSettings: { enabled: true } });
  const userKey = generateEd25519KeyPair("bench").publicKey;
  const userBlob = Buffer.from(userKey.split(" ")[1], "base64");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const ca = { privateKey, publicKeyRaw: publicKey.export({ type: "spki", format: "der" }).subarray(-32) };
  const message = randomBytes(300);

  const rows = [
    rate("raw ed25519 signature (crypto.sign, 300 B)", () => sign(null, message, privateKey)),
    rate("certificate encoder + signature", () =>
      signUserCertificate(ca, { publicKeyBlob: userBlob, serial: 1n, keyId: "k", principals: ["alice"], validAfter: 0n, validBefore: 1n })),
    rate("SshCertificateService.generate (WAL data dir, end to end)", () =>
      model.certificates.generate(ALICE, { organizationId: ORG, publicKey: userKey })),
  ];
  console.log(`| operation | per second | µs each |`);
  console.log(`|---|---:|---:|`);
  for (const r of rows) console.log(`| ${r.label} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${r.usPerOp.toFixed(1)} |`);
  const generated = rows[2].perSecond;
  console.log(`\nload average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  console.log(`goal >= 10,000 certificates/s: ${generated >= 10_000 ? "met" : "NOT met"} (${Math.round((generated / rows[0].perSecond) * 100)}% of the raw signature rate)`);
} finally {
  model.close();
  rmSync(dataDir, { recursive: true, force: true });
}

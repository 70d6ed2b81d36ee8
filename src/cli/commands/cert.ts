// `oslogin cert export`: a fresh ed25519 key pair plus a 1-hour certificate from the organization's
// CA, written as the yc CLI writes them (yc-organization-id-<org>-<login> and ...-cert.pub, 0600),
// so `ssh -i <identity> <login>@<vm>` picks the certificate up next to the key.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseCertificate } from "../../ssh/certificate-info.js";
import { generateEd25519KeyPair } from "../../ssh/keypair.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { DEFAULT_DATA_DIR, openCloud } from "../engine-session.js";
import { cloudFailure, requireDataDir } from "../checks.js";
import { printJsonResult } from "../views/json.js";

const HELP = `Usage: oslogin cert export (--organization-id ID | --cloud-id ID) [--login L | --subject-id S] [flags]

Generates a new ed25519 key pair, asks the organization's SSH CA for a certificate (valid 1 hour,
principal = the OS Login login) and writes both files, mode 0600:
  <directory>/yc-organization-id-<org>-<login>          the private key (identity)
  <directory>/yc-organization-id-<org>-<login>-cert.pub the certificate
(yc-cloud-id-<cloud>-<login>... with --cloud-id). The private key is never printed.

Flags:
  --organization-id ID   organization whose CA signs (or --cloud-id ID for a cloud of it)
  --cloud-id ID          cloud scope instead of the organization
  --login L              the OS Login profile (login) to certify
  --subject-id S         certify S's default profile instead
  --directory D          where to write the files (default: ~/.ssh)
  --data-dir D           the emulator's data directory, used in-process as the emulator admin
                         (default: ./.oslogin); the admin must name --login or --subject-id
  --endpoint H:P         ask a running \`oslogin serve\` over gRPC (TLS, the official SDK) instead
  --json                 print {identity, certificate, login, validBefore} in the JSON envelope

Example:
  oslogin cert export --organization-id bpfquickstartorg0001 --login alice --directory /tmp/keys
  ssh -i /tmp/keys/yc-organization-id-bpfquickstartorg0001-alice alice@<vm address>`;

const command: Command = {
  name: "cert",
  summary: "Export a 1-hour SSH certificate and key pair from the organization CA",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "export") throw new UsageError(`expected the subcommand "export" (see --help)`);
    const a = parseArgs(rest, {
      "organization-id": { value: true },
      "cloud-id": { value: true },
      login: { value: true },
      "subject-id": { value: true },
      directory: { value: true },
      "data-dir": { value: true },
      endpoint: { value: true },
      json: {},
    });
    if (a.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
    const organizationId = str(a, "organization-id");
    const cloudId = str(a, "cloud-id");
    if (!organizationId === !cloudId) throw new UsageError("give exactly one of --organization-id or --cloud-id");
    const login = str(a, "login");
    const subjectId = str(a, "subject-id");
    if (login && subjectId) throw new UsageError("give at most one of --login or --subject-id");
    if (!login && !subjectId) {
      throw new UsageError("--login or --subject-id is required: this command acts as the emulator admin (in process on --data-dir, or with its admin token over --endpoint), who has no profile of its own");
    }
    const directory = resolve(str(a, "directory") ?? resolve(process.env.HOME ?? ".", ".ssh"));

    const dataDir = resolve(str(a, "data-dir") ?? DEFAULT_DATA_DIR);
    const endpoint = str(a, "endpoint");
    if (!endpoint) requireDataDir(dataDir);
    const { cloud, close } = await openCloud(dataDir, endpoint);
    try {
      const pair = generateEd25519KeyPair(`${login ?? subjectId}@${organizationId ?? cloudId}`);
      let certificate: string;
      try {
        ({ signedCertificate: certificate } = await cloud.generateSshCertificate({
          organizationId,
          cloudId,
          osLogin: login,
          subjectId,
          publicKey: pair.publicKey,
        }));
      } catch (e) {
        throw cloudFailure(e, endpoint) ?? e;
      }
      const info = parseCertificate(certificate);
      const certLogin = info.principals[0];
      const base = resolve(directory, `yc-${organizationId ? "organization" : "cloud"}-id-${organizationId ?? cloudId}-${certLogin}`);
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      writeSecretFileAtomic(base, pair.privateKey);
      writeSecretFileAtomic(`${base}-cert.pub`, certificate + "\n");
      if (bool(a, "json")) {
        printJsonResult("cert export", { identity: base, certificate: `${base}-cert.pub`, login: certLogin, validBefore: info.validBefore.toISOString() });
      } else {
        console.log(`Identity: ${base}`);
        console.log(`Certificate: ${base}-cert.pub`);
        console.log(`Valid until: ${info.validBefore.toISOString()} (serial ${info.serial})`);
        console.log(`Connect with: ssh -i ${base} ${certLogin}@<VM address>`);
      }
      return 0;
    } finally {
      await close();
    }
  },
};

export default command;

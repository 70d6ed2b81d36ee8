// `oslogin ca public-key`: the organization's SSH CA public key, for sshd's TrustedUserCAKeys.
import { resolve } from "node:path";
import { CloudModel } from "../../cloud/model/cloud-model.js";
import { ADMIN } from "../../cloud/model/types.js";
import { bool, parseArgs, str, UsageError } from "../args.js";
import type { Command } from "../command.js";
import { cloudFailure, requireDataDir } from "../checks.js";
import { DEFAULT_DATA_DIR } from "../engine-session.js";
import { printJsonResult } from "../views/json.js";

const HELP = `Usage: oslogin ca public-key --organization-id ID [--data-dir D] [--json]

Prints the organization's SSH certificate authority public key (one authorized_keys line), creating
the CA on first use. Put it in the file sshd's TrustedUserCAKeys names so certificates from
\`oslogin cert export\` (and SshCertificateService.Generate) log in.

Flags:
  --organization-id ID   the organization
  --data-dir D           the emulator's data directory (default: ./.oslogin)
  --json                 print {organizationId, publicKey, createdAt} in the JSON envelope

Example:
  oslogin ca public-key --organization-id bpfquickstartorg0001 > /etc/ssh/oslogin_trusted_ca.pub`;

const command: Command = {
  name: "ca",
  summary: "Print an organization's SSH CA public key (for TrustedUserCAKeys)",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "public-key") throw new UsageError(`expected the subcommand "public-key" (see --help)`);
    const a = parseArgs(rest, { "organization-id": { value: true }, "data-dir": { value: true }, json: {} });
    if (a.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(a.positionals[0])}`);
    const organizationId = str(a, "organization-id");
    if (!organizationId) throw new UsageError("--organization-id is required");
    const dataDir = resolve(str(a, "data-dir") ?? DEFAULT_DATA_DIR);
    requireDataDir(dataDir);
    const model = CloudModel.open({ dataDir });
    try {
      const ca = model.certificates.getAuthorityPublicKey(ADMIN, organizationId);
      if (bool(a, "json")) printJsonResult("ca public-key", { ...ca });
      else console.log(ca.publicKey);
      return 0;
    } catch (e) {
      throw cloudFailure(e, undefined) ?? e;
    } finally {
      model.close();
    }
  },
};

export default command;

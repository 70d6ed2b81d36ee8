// What `oslogin ssh` and `oslogin scp` share: their identity flags (the inventory config, a member to
// act as, a registered key), and turning `[LOGIN@]VM` into a checked SshTarget: the VM found, the login
// role pre-checked, the certificate (or key) ready and the host key recorded.
import { loadInventoryConfig } from "../inventory/config.js";
import { connectAsConfigured } from "../inventory/connect.js";
import { memberKeyFile, prepareSshLogin, type SshTarget } from "../inventory/ssh-login.js";
import { bool, str, type FlagSpec, type ParsedArgs } from "./args.js";
import { InventoryError } from "../inventory/gather.js";
import { resolve } from "node:path";

export const SSH_IDENTITY_FLAGS: Record<string, FlagSpec> = {
  config: { value: true },
  member: { value: true },
  identity: { value: true, aliases: ["-i"] },
  print: {},
};

export const SSH_IDENTITY_HELP = `  --config F        the inventory config (default ./oslogin-inventory.yml or $OSLOGIN_INVENTORY_CONFIG)
  --member M        log in as member M of the organization (e-mail or user id) instead of the config's
                    service account (or the config's member: key, or $OSLOGIN_MEMBER). With data_dir
                    (alone, or with the endpoint of the oslogin serve that serves it) the holder acts
                    as the member; otherwise $YC_TOKEN must be the member's own IAM token (name
                    yourself by user id). The member's key pair is kept in ~/.oslogin/members/<org>/<id>/
                    (0600, reused) and certified for an hour at a time
  -i, --identity F  a private key whose public half is registered on the profile: used as is, without a
                    certificate (refused before ssh when it is not registered)
  --print           print the command line instead of running it`;

/**
 * The checked target for `[LOGIN@]VM`. Throws InventoryConfigError / InventoryError / CloudError for
 * the caller to report (reportFailure), before any ssh runs.
 */
export async function resolveSshTarget(args: ParsedArgs, login: string | undefined, vm: string, warn: (line: string) => void): Promise<SshTarget> {
  const configPath = str(args, "config");
  const member = str(args, "member");
  const env = { ...process.env };
  if (configPath) env.OSLOGIN_INVENTORY_CONFIG = configPath;
  if (member) env.OSLOGIN_MEMBER = member;
  const config = loadInventoryConfig(env);
  if (login) config.login = login;
  const identity = str(args, "identity");
  const conn = await connectAsConfigured(config);
  try {
    const asMember = conn.subject.type === "userAccount";
    const target = await prepareSshLogin(
      {
        client: conn.client,
        config,
        subject: conn.subject,
        who: conn.who,
        identityFile: identity ? resolve(identity) : undefined,
        keptKeyFile: asMember ? memberKeyFile(config.organizationId, conn.subject.id) : undefined,
      },
      vm,
    );
    // ssh would connect only to refuse the VM's key (or wait for an address that answers nothing):
    // said here instead, before anything runs; --print still shows the command line.
    if (target.hostKeyProblem) {
      if (!bool(args, "print")) throw new InventoryError(target.hostKeyProblem);
      warn(target.hostKeyProblem);
    }
    return target;
  } finally {
    await conn.close();
  }
}

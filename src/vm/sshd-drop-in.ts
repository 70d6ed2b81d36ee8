// What oslogin-kit adds to an OS Login VM's sshd, next to what the guest agent's
// google_oslogin_control writes (docs/vm-setup.md): the organization CA for certificates, and our
// AuthorizedPrincipalsCommand so each certificate login is asked of the metadata server.
//
// It is a drop-in for /etc/ssh/sshd_config.d/, which Debian's sshd_config includes on its first
// line, because OpenSSH 9.2 keeps an AuthorizedPrincipalsCommand only when no AuthorizedKeysCommand
// came before it in the file (it checks the wrong field), and the agent appends its
// AuthorizedKeysCommand block at the end of sshd_config. Placed after that block, the command is
// silently dropped (`sshd -T` shows `authorizedprincipalscommand none`) and certificates fall back
// to "principal = login", unchecked.

/** Where docs/vm-setup.md installs the command (root-owned path: sshd refuses anything else). */
export const PRINCIPALS_COMMAND_PATH = "/usr/local/sbin/oslogin_authorized_principals";
/** Where the organization CA's public key goes (`oslogin ca public-key`). */
export const TRUSTED_CA_KEYS_PATH = "/etc/ssh/oslogin_trusted_ca.pub";
/** The drop-in's own path. */
export const SSHD_DROP_IN_PATH = "/etc/ssh/sshd_config.d/oslogin-kit.conf";

export interface SshdDropInOptions {
  trustedCaKeys?: string;
  principalsCommand?: string;
}

export function sshdDropIn(opts: SshdDropInOptions = {}): string {
  return [
    "# oslogin-kit: certificates from the organization CA, each login asked of the metadata server.",
    "# Must come before the guest agent's AuthorizedKeysCommand block (sshd 9.2 ignores it otherwise).",
    `TrustedUserCAKeys ${opts.trustedCaKeys ?? TRUSTED_CA_KEYS_PATH}`,
    `AuthorizedPrincipalsCommand ${opts.principalsCommand ?? PRINCIPALS_COMMAND_PATH} %u`,
    // Least privilege: the command only makes two HTTP requests.
    "AuthorizedPrincipalsCommandUser nobody",
    "",
  ].join("\n");
}

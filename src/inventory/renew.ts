// Renewal per ssh connection (the `oslogin-ssh` wrapper Ansible runs as its ssh): the cached
// certificate named by the connection's CertificateFile option is checked, and renewed in place
// through the same cache and credentials path as the inventory when it is due.
import { readFileSync } from "node:fs";
import { parseCertificate } from "../ssh/certificate-info.js";
import { readValidPair } from "./cert-cache.js";
import { loadInventoryConfig } from "./config.js";
import { connectAsServiceAccount } from "./connect.js";
import { credentialsFor, resolveLogin } from "./gather.js";

/** The CertificateFile option among ssh's arguments ("-o CertificateFile=F", "-oCertificateFile=F"). */
export function certificateFileOf(argv: string[]): string | undefined {
  const opts = argv.flatMap((a, i) => (a === "-o" ? [argv[i + 1] ?? ""] : a.startsWith("-o") ? [a.slice(2)] : []));
  const found = opts.map((o) => /^CertificateFile[= ]\s*(.+)$/i.exec(o.trim())?.[1]).filter((f) => f !== undefined);
  return found.at(-1);
}

/** Renews the cached pair behind `certificateFile` when it is missing, corrupt or near expiry. */
export async function renewIfDue(certificateFile: string): Promise<void> {
  const config = loadInventoryConfig();
  const base = certificateFile.replace(/-cert\.pub$/, "");
  let login: string | undefined;
  try {
    login = parseCertificate(readFileSync(certificateFile, "utf8")).principals[0];
  } catch {
    /* missing or corrupt: renew below */
  }
  if (login !== undefined && readValidPair(base, login, config.renewMarginSeconds, new Date())) return;
  const conn = await connectAsServiceAccount(config);
  try {
    const ctx = { client: conn.client, config, subject: conn.subject, who: conn.who };
    await credentialsFor(ctx, await resolveLogin(ctx));
  } finally {
    await conn.close();
  }
}


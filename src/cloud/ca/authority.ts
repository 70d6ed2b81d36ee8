// The organization SSH certificate authorities: one ed25519 key pair per organization, created the
// first time anything asks for it and kept in SQLite (ssh_certificate_authorities) for good, since
// every VM trusts its public key. Creation is race-safe across processes (`oslogin serve` and a
// metadata endpoint share one database): INSERT OR IGNORE, then read back whichever row won.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import type Database from "better-sqlite3";
import { ed25519PublicBlob, type Ed25519Ca } from "./openssh-cert.js";

export interface StoredAuthority {
  organizationId: string;
  /** authorized_keys form, e.g. "ssh-ed25519 AAAA... oslogin-ca-<org>" (what sshd's TrustedUserCAKeys reads). */
  publicKey: string;
  createdAt: string;
}

interface Row {
  organization_id: string;
  private_key: string;
  public_key: string;
  created_at: string;
}

export class CertificateAuthorities {
  // A CA row never changes once written (nothing updates or deletes it), so the parsed key is kept
  // per organization: issuing then costs no read and no PEM parse.
  private readonly loaded = new Map<string, StoredAuthority & { ca: Ed25519Ca }>();
  private readonly select: Database.Statement<[string], Row>;
  private readonly insert: Database.Statement<[string, string, string, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.select = db.prepare("SELECT * FROM ssh_certificate_authorities WHERE organization_id = ?");
    this.insert = db.prepare(
      "INSERT OR IGNORE INTO ssh_certificate_authorities (organization_id, private_key, public_key, created_at) VALUES (?, ?, ?, ?)",
    );
  }

  /** The organization's CA, created now if it has none. The organization must exist (foreign key). */
  ensure(organizationId: string): StoredAuthority & { ca: Ed25519Ca } {
    const known = this.loaded.get(organizationId);
    if (known) return known;
    let row = this.select.get(organizationId);
    if (!row) {
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const raw = publicKey.export({ type: "spki", format: "der" }).subarray(-32);
      const line = `ssh-ed25519 ${ed25519PublicBlob(raw).toString("base64")} oslogin-ca-${organizationId}`;
      const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      this.insert.run(organizationId, pem, line, this.now().toISOString());
      row = this.select.get(organizationId)!;
    }
    const authority = { ...toStored(row), ca: { privateKey: createPrivateKey(row.private_key), publicKeyRaw: rawOf(row.public_key) } };
    this.loaded.set(organizationId, authority);
    return authority;
  }

  /** The CA public key line, or undefined when the organization has none yet (never creates). */
  peek(organizationId: string): StoredAuthority | undefined {
    const row = this.select.get(organizationId);
    return row && toStored(row);
  }

}

function toStored(row: Row): StoredAuthority {
  return { organizationId: row.organization_id, publicKey: row.public_key, createdAt: row.created_at };
}

/** The raw 32-byte key inside an "ssh-ed25519 <blob>" line (the blob's last 32 bytes). */
function rawOf(line: string): Buffer {
  return Buffer.from(line.split(" ")[1], "base64").subarray(-32);
}

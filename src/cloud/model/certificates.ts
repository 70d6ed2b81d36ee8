// SshCertificateService.Generate: short-lived OpenSSH user certificates signed by the organization's
// CA (src/cloud/ca). The certificate's only principal is the OS Login profile's login, so sshd with
// `TrustedUserCAKeys <org CA>` lets it in as exactly that local user and nobody else.
//
// Who may ask: a subject for its own profiles; anyone else needs
// organization-manager.sshCertificates.generateForOthers on the organization (the API's "special
// permission"). The check happens before revealing whether a login or subject has a profile.
//
// Validity: CERTIFICATE_VALIDITY_SECONDS (1 h) from now (shorter with $OSLOGIN_CERTIFICATE_VALIDITY_SECONDS); valid_after is CLOCK_SKEW_SECONDS in the
// past so a VM whose clock runs slightly behind the emulator still accepts a fresh certificate.
import { CertificateAuthorities, type StoredAuthority } from "../ca/authority.js";
import { DEFAULT_EXTENSIONS, signUserCertificate } from "../ca/openssh-cert.js";
import { errors } from "../../contract/errors.js";
import { parsePublicKey, weakKeyReason } from "../../ssh/public-key.js";
import type { ModelContext } from "./context.js";
import { OsLoginService } from "./os-login.js";
import { certificateValiditySeconds, ID_MAX, LOGIN_PATTERN } from "../../contract/rules.js";
import { requireOrganization } from "./subjects.js";
import type { Caller, GenerateSshCertificateRequest, OsLoginProfile } from "./types.js";

export const CLOCK_SKEW_SECONDS = 60;
/** GenerateSshCertificateRequest.public_key [<=15000]. */
export const CERT_PUBLIC_KEY_MAX = 15000;
/** Serials reserved per database write (see nextSerial). */
export const SERIAL_BLOCK = 1000;
export const GENERATE_FOR_OTHERS = "organization-manager.sshCertificates.generateForOthers";

export interface GenerateSshCertificateResponse {
  signedCertificate: string;
}

export class SshCertificateService {
  readonly authorities: CertificateAuthorities;
  private readonly serialBlocks = new Map<string, { next: bigint; end: bigint }>();

  /** Settings and profile lookups are OsLoginService's (stateless over the same context). */
  private readonly osLogin: OsLoginService;
  /** Read once, when the model opens: a bad value stops the emulator at start, not at the first login. */
  private readonly validitySeconds = certificateValiditySeconds();

  constructor(private readonly ctx: ModelContext) {
    this.authorities = new CertificateAuthorities(ctx.db, ctx.now);
    this.osLogin = new OsLoginService(ctx);
  }

  /**
   * The organization's CA public key (authorized_keys line), creating the CA on first use.
   * Readable by anyone who may read the organization: VMs need it, and it is not a secret.
   */
  getAuthorityPublicKey(caller: Caller, organizationId: string): StoredAuthority {
    if (!organizationId) throw errors.required("organization_id");
    if (organizationId.length > ID_MAX) throw errors.invalidArgument("organization_id", `must be at most ${ID_MAX} characters`);
    this.ctx.authorize(caller, "organization-manager.organizations.get", { kind: "organization", id: organizationId });
    requireOrganization(this.ctx, organizationId);
    const { ca: _ca, ...stored } = this.ctx.store.transaction(() => this.authorities.ensure(organizationId));
    return stored;
  }

  generate(caller: Caller, req: GenerateSshCertificateRequest): GenerateSshCertificateResponse {
    const key = this.validate(req);
    const organizationId = req.organizationId || this.organizationOfCloud(req.cloudId!);
    if (!this.certificatesEnabled(organizationId)) {
      // Settings exist only for an existing organization, so the existence check is needed only here.
      requireOrganization(this.ctx, organizationId);
      throw errors.failedPrecondition(
        `SSH certificates are disabled in organization ${organizationId}: turn on ssh_certificate_settings.enabled first`,
      );
    }
    const profile = this.resolveProfile(caller, organizationId, req);
    const nowSeconds = BigInt(Math.floor(this.ctx.now().getTime() / 1000));
    // Not an Operation and no audit event: Generate is synchronous and changes no entity (the
    // serial block reservation below is the only write). The key id and serial identify each
    // certificate in sshd's log ("Accepted certificate ID ... serial N").
    const serial = this.nextSerial(organizationId);
    const { ca } = this.authorities.ensure(organizationId);
    const signedCertificate = signUserCertificate(ca, {
      publicKeyBlob: Buffer.from(key.blob, "base64"),
      serial,
      keyId: `${profile.subjectId}@${organizationId} serial ${serial}`,
      principals: [profile.login],
      validAfter: nowSeconds - BigInt(CLOCK_SKEW_SECONDS),
      validBefore: nowSeconds + BigInt(this.validitySeconds),
      extensions: DEFAULT_EXTENSIONS,
    });
    return { signedCertificate };
  }

  private validate(req: GenerateSshCertificateRequest) {
    const has = (v: string | undefined) => v !== undefined && v !== "";
    if (has(req.organizationId) === has(req.cloudId)) {
      throw errors.invalidArgument("scope", "exactly one of organization_id or cloud_id must be set");
    }
    for (const [field, value] of [["organization_id", req.organizationId], ["cloud_id", req.cloudId], ["subject_id", req.subjectId]] as const) {
      if (value && value.length > ID_MAX) throw errors.invalidArgument(field, `must be at most ${ID_MAX} characters`);
    }
    if (has(req.subjectId) && has(req.osLogin)) {
      throw errors.invalidArgument("subject", "at most one of subject_id or os_login may be set");
    }
    if (has(req.osLogin) && !LOGIN_PATTERN.test(req.osLogin!)) {
      throw errors.invalidArgument("os_login", "must be an OS Login login (^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$)");
    }
    if (!req.publicKey) throw errors.required("public_key");
    if (req.publicKey.length > CERT_PUBLIC_KEY_MAX) {
      throw errors.invalidArgument("public_key", `must be at most ${CERT_PUBLIC_KEY_MAX} characters`);
    }
    let key;
    try {
      key = parsePublicKey(req.publicKey);
    } catch (e) {
      throw errors.invalidArgument("public_key", (e as Error).message);
    }
    const weak = weakKeyReason(key);
    if (weak) throw errors.invalidArgument("public_key", weak);
    if (key.type.includes("-cert-v01@openssh.com")) {
      throw errors.invalidArgument("public_key", "is a certificate; give the plain public key to certify");
    }
    return key;
  }

  /** Picks the profile to certify, enforcing "yourself, or generateForOthers" before revealing anything. */
  private resolveProfile(caller: Caller, organizationId: string, req: GenerateSshCertificateRequest): Pick<OsLoginProfile, "subjectId" | "login"> {
    const callerId = caller.kind === "subject" ? caller.subject.id : undefined;
    const forOthers = () =>
      this.ctx.authorize(caller, GENERATE_FOR_OTHERS, { kind: "organization", id: organizationId });
    if (req.osLogin) {
      const profile = this.osLogin.findProfileByLogin(organizationId, req.osLogin);
      if (!profile || profile.subjectId !== callerId) forOthers();
      if (!profile) throw errors.notFound("OS Login profile with login", req.osLogin);
      return profile;
    }
    const subjectId = req.subjectId || callerId;
    if (!subjectId) {
      throw errors.invalidArgument("subject", "subject_id or os_login is required when the caller is not a subject (emulator admin)");
    }
    if (subjectId !== callerId) forOthers();
    const profile = this.defaultProfile(organizationId, subjectId);
    if (!profile) {
      throw errors.failedPrecondition(`subject ${subjectId} has no default OS Login profile in organization ${organizationId}`);
    }
    return profile;
  }

  // The two lookups every request makes read only the columns they need (no document decode):
  // issuing is a hot path with a throughput goal (bench/certs).

  private certificatesEnabled(organizationId: string): boolean {
    const row = this.ctx
      .sql("SELECT json_extract(doc, '$.sshCertificateSettings.enabled') AS enabled FROM os_login_settings WHERE organization_id = ?")
      .get(organizationId) as { enabled: number | null } | undefined;
    return row?.enabled === 1;
  }

  private defaultProfile(organizationId: string, subjectId: string): Pick<OsLoginProfile, "subjectId" | "login"> | undefined {
    return this.ctx
      .sql("SELECT subject_id AS subjectId, login FROM os_login_profiles WHERE organization_id = ? AND subject_id = ? AND is_default = 1")
      .get(organizationId, subjectId) as Pick<OsLoginProfile, "subjectId" | "login"> | undefined;
  }

  private organizationOfCloud(cloudId: string): string {
    const row = this.ctx.sql("SELECT organization_id FROM clouds WHERE id = ?").get(cloudId) as
      | { organization_id: string }
      | undefined;
    if (!row) throw errors.notFound("Cloud", cloudId);
    if (!row.organization_id) throw errors.failedPrecondition(`cloud ${cloudId} is not attached to an organization`);
    return row.organization_id;
  }

  /**
   * The organization's next serial. Serials are unique per organization across every process that
   * opens the database: a process reserves SERIAL_BLOCK of them in one write and hands them out
   * from memory, so issuing costs no write per certificate (bench/certs). Gaps appear when a
   * process exits with part of its block unused; serials only need to be unique.
   */
  private nextSerial(organizationId: string): bigint {
    let block = this.serialBlocks.get(organizationId);
    if (!block || block.next >= block.end) {
      const row = this.ctx
        .sql(
          `INSERT INTO ssh_certificate_serials (organization_id, next_serial) VALUES (@org, 1 + @n)
           ON CONFLICT (organization_id) DO UPDATE SET next_serial = next_serial + @n
           RETURNING next_serial AS end`,
        )
        .safeIntegers(true)
        .get({ org: organizationId, n: BigInt(SERIAL_BLOCK) }) as { end: bigint };
      block = { next: row.end - BigInt(SERIAL_BLOCK), end: row.end };
      this.serialBlocks.set(organizationId, block);
    }
    return block.next++;
  }
}

// IamTokenService (iam.v1): a service account proves who it is with a JWT signed by one of its
// authorized keys and gets an IAM token (12 h), exactly as with the real cloud
// (https://yandex.cloud/docs/iam/operations/iam-token/create-for-sa): header {typ: JWT, alg: PS256,
// kid: <key id>}, payload {iss: <service account id>, aud: IAM_TOKEN_AUDIENCE, iat, exp} with
// exp - iat <= 1 h, signed RSA-PSS/SHA-256 with a 32-byte salt. Every rejected JWT is
// UNAUTHENTICATED with a message saying which rule failed (never echoing the JWT); only a missing
// jwt field is INVALID_ARGUMENT.
//
// Tokens are stored only as SHA-256 hashes: the database never holds a usable token. `resolve`
// is what the servers call on every request (Authorization: Bearer <token>) to learn the caller.
import { createHash, createPrivateKey, constants, randomBytes, sign, verify } from "node:crypto";
import { CloudError, errors } from "../../contract/errors.js";
import type { ModelContext } from "./context.js";
import type { KeyService } from "./keys.js";
import type { AuthorizedKeyFile, Caller, Subject, Timestamp } from "./types.js";

export const IAM_TOKEN_AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";
/** The longest JWT the endpoint accepts (exp - iat). */
export const JWT_MAX_LIFETIME_SECONDS = 3600;
/** Tolerated difference between the signer's clock and the emulator's for `iat`. */
export const JWT_CLOCK_SKEW_SECONDS = 60;
export const IAM_TOKEN_LIFETIME_SECONDS = 12 * 3600;

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
/** How often expired token hashes are swept (they are useless, but should not pile up). */
const SWEEP_INTERVAL_MS = 60_000;

export interface CreateIamTokenResponse {
  iamToken: string;
  expiresAt: Timestamp;
}

// ---------- client side: what a service account runs to get a token ----------

/** A signed JWT for the IAM tokens endpoint, valid for one hour from `now`. */
export function signServiceAccountJwt(keyFile: AuthorizedKeyFile, now: Date = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = { typ: "JWT", alg: "PS256", kid: keyFile.id };
  const payload = { iss: keyFile.service_account_id, aud: IAM_TOKEN_AUDIENCE, iat, exp: iat + JWT_MAX_LIFETIME_SECONDS };
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  // The key file's private_key starts with the "PLEASE DO NOT REMOVE THIS LINE!" line; the PEM follows.
  const pem = keyFile.private_key.slice(Math.max(0, keyFile.private_key.indexOf("-----BEGIN")));
  const signature = sign("sha256", Buffer.from(signingInput), { key: createPrivateKey(pem), ...PSS });
  return `${signingInput}.${signature.toString("base64url")}`;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

// ---------- server side ----------

export class IamTokenService {
  private lastSweep = 0;
  /** Lifetime of the tokens issued from now on; the realistic mode sets it short to test renewal. */
  lifetimeSeconds = IAM_TOKEN_LIFETIME_SECONDS;

  constructor(
    private readonly ctx: ModelContext,
    private readonly keys: KeyService,
  ) {}

  /** IamTokenService.Create with a JWT (no caller: the JWT is the credential). */
  create(req: { jwt: string }): CreateIamTokenResponse {
    const jwt = parseJwt(req.jwt);
    const key = this.keys.find(jwt.header.kid);
    if (!key) {
      throw errors.unauthenticated(`the JWT names key ${JSON.stringify(jwt.header.kid)} (kid), which does not exist or was deleted`);
    }
    if (!verify("sha256", Buffer.from(jwt.signingInput), { key: key.publicKey, ...PSS }, jwt.signature)) {
      throw errors.unauthenticated(`the JWT signature does not verify with key ${JSON.stringify(key.id)} (PS256 expected)`);
    }
    if (jwt.payload.iss !== key.serviceAccountId) {
      throw errors.unauthenticated(`the JWT iss ${JSON.stringify(jwt.payload.iss)} is not the service account of key ${JSON.stringify(key.id)}`);
    }
    const now = Math.floor(this.ctx.now().getTime() / 1000);
    if (jwt.payload.exp <= now) {
      throw errors.unauthenticated(`the JWT expired at ${new Date(jwt.payload.exp * 1000).toISOString()}; sign a new one`);
    }
    if (jwt.payload.iat > now + JWT_CLOCK_SKEW_SECONDS) {
      throw errors.unauthenticated(
        `the JWT iat ${new Date(jwt.payload.iat * 1000).toISOString()} is in the future; check the signer's clock`,
      );
    }
    const subject: Subject = { type: "serviceAccount", id: key.serviceAccountId };
    return this.issue({ kind: "subject", subject }, subject, `key ${key.id}`);
  }

  /**
   * Emulator-only: a token for a member or service account without a JWT (tests, `oslogin` acting
   * as a member). Only the emulator admin may call it.
   */
  issueFor(caller: Caller, req: { subject: Subject }): CreateIamTokenResponse {
    if (caller.kind !== "admin") throw errors.permissionDenied("only the emulator admin may issue IAM tokens for a subject");
    const { type, id } = req.subject ?? {};
    if (!id) throw errors.required("subject.id");
    const table = type === "userAccount" ? "users" : type === "serviceAccount" ? "service_accounts" : undefined;
    if (!table) throw errors.invalidArgument("subject.type", `${JSON.stringify(type)} must be userAccount or serviceAccount`);
    if (!this.ctx.sql(`SELECT 1 FROM ${table} WHERE id = ?`).get(id)) {
      throw errors.notFound(type === "userAccount" ? "User" : "Service account", id);
    }
    return this.issue(caller, { type, id }, "emulator admin");
  }

  /** The subject an IAM token stands for, or null when it is unknown or expired. */
  resolve(token: string): Subject | null {
    if (!token) return null;
    const row = this.ctx
      .sql("SELECT subject_type, subject_id, expires_at FROM iam_tokens WHERE token_hash = ?")
      .get(hashToken(token)) as { subject_type: string; subject_id: string; expires_at: string } | undefined;
    if (!row || row.expires_at <= this.ctx.timestamp()) return null;
    return { type: row.subject_type, id: row.subject_id };
  }

  private issue(caller: Caller, subject: Subject, via: string): CreateIamTokenResponse {
    const now = this.ctx.now();
    const iamToken = `t1.${randomBytes(32).toString("base64url")}`;
    const expiresAt = new Date(now.getTime() + this.lifetimeSeconds * 1000).toISOString();
    this.ctx.mutate({ caller, action: "iam.IamTokenService.Create", description: "Create IAM token" }, () => {
      this.sweep(now);
      this.ctx
        .sql("INSERT INTO iam_tokens (token_hash, subject_type, subject_id, expires_at) VALUES (?, ?, ?, ?)")
        .run(hashToken(iamToken), subject.type, subject.id, expiresAt);
      // The audit event says who got a token until when, and how; never the token.
      return { resourceType: subject.type, resourceId: subject.id, before: undefined, after: { iamToken: "<redacted>", expiresAt, via } };
    });
    return { iamToken, expiresAt };
  }

  private sweep(now: Date): void {
    if (now.getTime() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now.getTime();
    this.ctx.sql("DELETE FROM iam_tokens WHERE expires_at <= ?").run(now.toISOString());
  }
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

interface ParsedJwt {
  header: { alg: string; kid: string };
  payload: { iss: string; aud: unknown; iat: number; exp: number };
  signingInput: string;
  signature: Buffer;
}

/**
 * Structure checks: what is wrong with the JWT itself, before any key is looked at. The real
 * endpoint answers these UNAUTHENTICATED too (e.g. "The required field 'kid' is missing from the
 * JWT header"): a malformed credential is a failed authentication, not a malformed request.
 */
function parseJwt(jwt: string | undefined): ParsedJwt {
  if (!jwt) throw errors.required("jwt");
  const bad = (rule: string) => new CloudError("UNAUTHENTICATED", `Unauthenticated: invalid JWT: ${rule}`, "jwt");
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw bad("expected three base64url parts, header.payload.signature");
  }
  const decode = (part: string, what: string): Record<string, unknown> => {
    try {
      const v = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
      if (v !== null && typeof v === "object" && !Array.isArray(v)) return v;
    } catch {
      /* reported below */
    }
    throw bad(`the ${what} is not a base64url-encoded JSON object`);
  };
  const header = decode(parts[0]!, "header");
  const payload = decode(parts[1]!, "payload");
  if (header.alg !== "PS256") throw bad(`header alg ${JSON.stringify(header.alg)} is not supported: the IAM tokens endpoint accepts PS256 only`);
  if (typeof header.kid !== "string" || header.kid === "") throw bad("header kid (the authorized key id) is required");
  if (typeof payload.iss !== "string" || payload.iss === "") throw bad("payload iss (the service account id) is required");
  const aud = payload.aud;
  if (!(aud === IAM_TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(IAM_TOKEN_AUDIENCE)))) {
    throw bad(`payload aud must be ${JSON.stringify(IAM_TOKEN_AUDIENCE)} (got ${JSON.stringify(aud)})`);
  }
  for (const claim of ["iat", "exp"] as const) {
    if (typeof payload[claim] !== "number" || !Number.isInteger(payload[claim])) {
      throw bad(`payload ${claim} must be an integer number of seconds since the epoch`);
    }
  }
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  if (exp <= iat) throw bad("payload exp must be later than iat");
  if (exp - iat > JWT_MAX_LIFETIME_SECONDS) {
    throw bad(`payload exp - iat is ${exp - iat} seconds; a JWT may live at most ${JWT_MAX_LIFETIME_SECONDS} seconds (one hour)`);
  }
  return {
    header: header as ParsedJwt["header"],
    payload: payload as ParsedJwt["payload"],
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2]!, "base64url"),
  };
}

// IAM tokens for a service account, renewed before they expire: the real cloud's last at most 12 h
// (the realistic emulator's can be set to seconds), and a long apply or a long-lived provider
// process outlives one. The token is exchanged for a fresh PS256 JWT from the authorized key when a
// quarter of its lifetime is left, once for all the calls waiting on it.
import { signServiceAccountJwt } from "../model/iam-tokens.js";
import type { AuthorizedKeyFile } from "../model/types.js";

export interface TokenSource {
  /** A token valid now. */
  get(): Promise<string>;
  /** The server rejected the token (revoked, clocks apart): the next get() makes a new one. */
  invalidate(): void;
}

/** A fixed token (YC_TOKEN, the emulator admin token): nothing to renew. */
export const fixedToken = (token: string): TokenSource => ({ get: async () => token, invalidate: () => {} });

/** What renews a token: IamTokenService.Create with a JWT. */
export type TokenExchange = (jwt: string) => Promise<{ iamToken: string; expiresAt: string }>;

export class ServiceAccountTokenSource implements TokenSource {
  private current?: { token: string; renewAt: number };
  private renewing?: Promise<string>;

  constructor(
    private readonly keyFile: AuthorizedKeyFile,
    private readonly exchange: TokenExchange,
    /** The JWT's issue time (tests with a pinned server clock); default: now. */
    private readonly now?: () => Date,
  ) {}

  async get(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return this.current.token;
    return (this.renewing ??= this.renew().finally(() => (this.renewing = undefined)));
  }

  invalidate(): void {
    this.current = undefined;
  }

  private async renew(): Promise<string> {
    const issuedAt = this.now?.() ?? new Date();
    const { iamToken, expiresAt } = await this.exchange(signServiceAccountJwt(this.keyFile, issuedAt));
    // The lifetime by the server's clock, counted from when the answer arrived here.
    const lifetimeMs = Math.max(0, Date.parse(expiresAt) - issuedAt.getTime());
    this.current = { token: iamToken, renewAt: Date.now() + lifetimeMs * 0.75 };
    return iamToken;
  }
}

// Maps an HTTP/gRPC `Authorization` value to the model's Caller. Both wire layers call this one
// function so REST and gRPC agree on who is calling:
// - the emulator admin token (from <dataDir>/admin-token) is the superuser (ADMIN);
// - an IAM token issued by the model's iamTokens service is that token's subject;
// - anything else (missing header, other scheme, unknown or expired token) is UNAUTHENTICATED.
// Error messages never echo the token.
import { timingSafeEqual } from "node:crypto";
import { errors } from "../contract/errors.js";
import type { IamTokenService } from "./model/iam-tokens.js";
import { ADMIN, type Caller } from "./model/types.js";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function resolveCaller(
  // Only the token lookup of CloudModel is needed (so gRPC and REST can pass the model itself).
  model: { iamTokens: Pick<IamTokenService, "resolve"> },
  adminToken: string,
  authorization: string | undefined,
): Caller {
  if (!authorization) throw errors.unauthenticated("the Authorization header is missing; send 'Bearer <token>'");
  const m = BEARER.exec(authorization);
  if (!m) throw errors.unauthenticated("the Authorization header must be 'Bearer <token>'");
  const token = m[1];
  if (sameSecret(token, adminToken)) return ADMIN;
  const subject = model.iamTokens.resolve(token);
  if (!subject) throw errors.unauthenticated("the token is not valid or has expired");
  return { kind: "subject", subject };
}

/** Constant-time comparison, so response timing does not leak how much of the admin token matched. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && b.length > 0 && timingSafeEqual(a, b);
}

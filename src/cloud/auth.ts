// Maps an HTTP/gRPC `Authorization` value to the model's Caller. Both wire layers call this one
// function so REST and gRPC agree on who is calling:
// - the emulator admin token (from <dataDir>/admin-token) is the superuser (ADMIN);
// - an IAM token issued by the model's iamTokens service is that token's subject;
// - anything else (missing header, other scheme, unknown or expired token) is UNAUTHENTICATED.
// Error messages never echo the token.
import { timingSafeEqual } from "node:crypto";
import { errors } from "./errors.js";
import { ADMIN, type Caller } from "./model/types.js";

/**
 * The part of CloudModel this needs. TODO(rest): replace with `CloudModel` from
 * ./model/cloud-model.js once the model-core helper's class lands; the call is already
 * `model.iamTokens.resolve(token)`, so the switch is a type change only.
 */
export interface CallerResolvingModel {
  iamTokens: { resolve(token: string): Caller | undefined };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function resolveCaller(
  model: CallerResolvingModel,
  adminToken: string,
  authorization: string | undefined,
): Caller {
  if (!authorization) throw errors.unauthenticated("the Authorization header is missing; send 'Bearer <token>'");
  const m = BEARER.exec(authorization);
  if (!m) throw errors.unauthenticated("the Authorization header must be 'Bearer <token>'");
  const token = m[1];
  if (sameSecret(token, adminToken)) return ADMIN;
  const caller = model.iamTokens.resolve(token);
  if (!caller) throw errors.unauthenticated("the token is not valid or has expired");
  return caller;
}

/** Constant-time comparison, so response timing does not leak how much of the admin token matched. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && b.length > 0 && timingSafeEqual(a, b);
}

// Literal-value checks shared by resource definitions (and by the constructs' synth-time validation,
// which calls the same functions so the two never disagree). Each returns diagnostics pointing at
// the attribute; UNKNOWN and null values are skipped (unknown now, checked again at apply).
import {
  DESCRIPTION_MAX,
  EXPIRES_AT_MAX,
  LABEL_KEY_PATTERN,
  LABEL_VALUE_PATTERN,
  LABELS_MAX,
  LOGIN_PATTERN,
  LOGIN_RULE,
  PROFILE_PATH_MAX,
  SERVICE_ACCOUNT_NAME_PATTERN,
  SERVICE_ACCOUNT_NAME_RULE,
  SSH_KEY_DATA_MAX,
  SSH_KEY_NAME_MAX,
  UID_MAX,
  UID_MIN,
  UID_RULE,
} from "../contract/rules.js";
import { KNOWN_ROLE_IDS } from "../contract/roles.js";
import { parsePublicKey, weakKeyReason } from "../ssh/public-key.js";
import { diag, type AttributePath, type Diagnostic, type Value } from "./define.js";

const given = (v: Value | undefined): v is string => typeof v === "string";

export function checkLogin(v: Value | undefined, path: AttributePath): Diagnostic[] {
  if (!given(v) || LOGIN_PATTERN.test(v)) return [];
  return [diag.error(`Invalid login ${JSON.stringify(v)}`, path, `The login ${LOGIN_RULE}.`)];
}

/** uid is an int64 attribute: a decimal string. */
export function checkUid(v: Value | undefined, path: AttributePath): Diagnostic[] {
  if (!given(v)) return [];
  const n = /^-?\d+$/.test(v) ? BigInt(v) : null;
  if (n !== null && n >= UID_MIN && n <= UID_MAX) return [];
  return [diag.error(`Invalid uid ${v}`, path, `The uid ${UID_RULE}; omit it to let the cloud allocate one.`)];
}

export function checkSshPublicKey(v: Value | undefined, path: AttributePath): Diagnostic[] {
  if (!given(v)) return [];
  if (v.length > SSH_KEY_DATA_MAX) {
    return [diag.error("SSH public key too long", path, `The key must be at most ${SSH_KEY_DATA_MAX} characters.`)];
  }
  let reason: string | null;
  try {
    reason = weakKeyReason(parsePublicKey(v));
  } catch (e) {
    // parsePublicKey's message describes the text, never echoes it (it might be a private key).
    return [diag.error("Invalid SSH public key", path, `The key ${(e as Error).message}.`)];
  }
  return reason ? [diag.error("Weak SSH public key", path, `${reason}.`)] : [];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC3339 timestamp within the API's range; `future` also requires it to be after `now`. */
export function checkTimestamp(
  v: Value | undefined,
  path: AttributePath,
  opts: { future?: boolean; now?: Date } = {},
): Diagnostic[] {
  if (!given(v)) return [];
  const t = RFC3339.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) {
    return [diag.error(`Invalid timestamp ${JSON.stringify(v)}`, path, "The value must be an RFC3339 timestamp, e.g. 2030-01-31T23:59:59Z.")];
  }
  if (t > Date.parse(EXPIRES_AT_MAX)) {
    return [diag.error(`Timestamp ${v} is out of range`, path, `The value must not be after ${EXPIRES_AT_MAX}.`)];
  }
  const now = opts.now ?? new Date();
  if (opts.future && t <= now.getTime()) {
    return [diag.error(`Expiry ${v} is in the past`, path, "An expiry must be in the future; remove it for a key that does not expire.")];
  }
  return [];
}

export function checkRole(v: Value | undefined, path: AttributePath): Diagnostic[] {
  if (!given(v) || KNOWN_ROLE_IDS.includes(v)) return [];
  const hint = KNOWN_ROLE_IDS.find((r) => r.toLowerCase() === v.toLowerCase());
  return [
    diag.error(
      `Unknown role ${JSON.stringify(v)}`,
      path,
      hint ? `Did you mean "${hint}"? Role ids are case-sensitive.` : `Known roles: ${KNOWN_ROLE_IDS.join(", ")}.`,
    ),
  ];
}

export const MEMBER_TYPES = ["userAccount", "serviceAccount", "federatedUser", "group", "system"] as const;

export function checkMember(v: Value | undefined, path: AttributePath): Diagnostic[] {
  if (!given(v)) return [];
  const i = v.indexOf(":");
  const type = i > 0 ? v.slice(0, i) : "";
  if (i > 0 && i < v.length - 1 && (MEMBER_TYPES as readonly string[]).includes(type)) return [];
  return [
    diag.error(
      `Invalid member ${JSON.stringify(v)}`,
      path,
      `A member must be "TYPE:ID" with TYPE one of ${MEMBER_TYPES.join(", ")}, e.g. "serviceAccount:ajs0123456789abcdefg".`,
    ),
  ];
}

export function checkMaxLength(v: Value | undefined, path: AttributePath, max: number): Diagnostic[] {
  if (!given(v) || v.length <= max) return [];
  return [diag.error(`Value too long`, path, `The value must be at most ${max} characters (it has ${v.length}).`)];
}

export const checkProfilePath = (v: Value | undefined, path: AttributePath) => checkMaxLength(v, path, PROFILE_PATH_MAX);
export const checkKeyName = (v: Value | undefined, path: AttributePath) => checkMaxLength(v, path, SSH_KEY_NAME_MAX);
export const checkDescription = (v: Value | undefined, path: AttributePath) => checkMaxLength(v, path, DESCRIPTION_MAX);

export function checkPattern(v: Value | undefined, path: AttributePath, pattern: RegExp, what: string, rule: string): Diagnostic[] {
  if (!given(v) || pattern.test(v)) return [];
  return [diag.error(`Invalid ${what} ${JSON.stringify(v)}`, path, `The ${what} ${rule}.`)];
}

export const checkServiceAccountName = (v: Value | undefined, path: AttributePath) =>
  checkPattern(v, path, SERVICE_ACCOUNT_NAME_PATTERN, "service account name", SERVICE_ACCOUNT_NAME_RULE);

export function checkLabels(
  v: Value | undefined,
  path: AttributePath,
  keyPattern: RegExp = LABEL_KEY_PATTERN,
  valuePattern: RegExp = LABEL_VALUE_PATTERN,
): Diagnostic[] {
  if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v)) return [];
  const out: Diagnostic[] = [];
  const entries = Object.entries(v);
  if (entries.length > LABELS_MAX) out.push(diag.error("Too many labels", path, `At most ${LABELS_MAX} labels are allowed.`));
  for (const [k, e] of entries) {
    if (!keyPattern.test(k)) out.push(diag.error(`Invalid label key ${JSON.stringify(k)}`, [...path, k], `Label keys must match ${keyPattern.source}.`));
    if (typeof e === "string" && !valuePattern.test(e)) {
      out.push(diag.error(`Invalid label value ${JSON.stringify(e)}`, [...path, k], `Label values must match ${valuePattern.source}.`));
    }
  }
  return out;
}

/** For arguments the real provider has but the embedded cloud cannot honour. */
export function checkUnsupported(v: Value | undefined, path: AttributePath, why: string): Diagnostic[] {
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return [];
  return [diag.error(`Argument not supported by oslogin-kit`, path, why)];
}

// The real API's validation rules in one place, shared by the emulator (which enforces them) and
// by resource checks and constructs (which report them before any call). Sources:
// the public protos' annotations and the documentation, summarized in docs/reference.md.

/** OsLoginProfile.login, since the May 2026 proto change. */
export const LOGIN_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$/;
export const LOGIN_RULE = "must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters)";

/**
 * UIDs set by hand must be in the documented range 1002..2^63-1 (the docs reserve lower values for
 * system users; the guest agent itself refuses uid < 1000).
 */
export const UID_MIN = 1002n;
export const UID_MAX = 9223372036854775807n;
export const UID_RULE = "must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand)";
/** Auto-allocated uids start here, well above hand-set ones, and count up per organization. */
export const UID_AUTO_START = 10000n;

export const PROFILE_PATH_MAX = 255; // home_directory, shell
export const PROFILES_PER_ORGANIZATION = 4000;

export const SSH_KEY_DATA_MAX = 20000;
export const SSH_KEY_NAME_MAX = 255;
/** Timestamp range accepted for expires_at. */
export const EXPIRES_AT_MIN = "1970-01-01T00:00:00Z";
export const EXPIRES_AT_MAX = "2105-12-31T23:59:59.999999999Z";

export const ID_MAX = 50;
export const PAGE_SIZE_MAX = 1000;
export const PAGE_SIZE_DEFAULT = 100;

export const SERVICE_ACCOUNT_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const SERVICE_ACCOUNT_NAME_RULE = "must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (lower-case letters, digits and '-', 1-63 characters, starting with a letter)";
export const DESCRIPTION_MAX = 256;
export const LABELS_MAX = 64;
export const LABEL_KEY_PATTERN = /^[a-z][-_0-9a-z]{0,62}$/;
export const LABEL_VALUE_PATTERN = /^[-_0-9a-z]{0,63}$/;

export const INSTANCE_NAME_PATTERN = /^(|[a-z]([-_a-z0-9]{0,61}[a-z0-9])?)$/;
export const INSTANCE_NAME_RULE = "must match |[a-z]([-_a-z0-9]{0,61}[a-z0-9])? (empty, or lower-case letters, digits, '-' and '_', up to 63 characters)";
export const INSTANCE_LABEL_KEY_PATTERN = /^[a-z][-_./\\@0-9a-z]{0,62}$/;
export const INSTANCE_LABEL_VALUE_PATTERN = /^[-_./\\@0-9a-z]{0,63}$/;
export const INSTANCE_MEMORY_MAX = 274877906944n;
export const INSTANCE_CORES = [2n, 4n, 6n, 8n, 10n, 12n, 14n, 16n, 20n, 24n, 28n, 32n, 36n, 40n, 44n, 48n, 52n, 56n, 60n, 64n, 68n, 72n, 76n, 80n];
export const INSTANCE_CORE_FRACTIONS = [0n, 5n, 20n, 50n, 100n];
export const INSTANCE_GPUS = [0n, 1n, 2n, 4n];
/** Hostname: one DNS label (RFC 1035); the instance's fqdn is <hostname>.<region>.internal. */
export const INSTANCE_HOSTNAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const INSTANCE_HOSTNAME_RULE = "must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (a DNS label: lower-case letters, digits and '-', up to 63 characters)";
export const METADATA_VALUE_MAX = 256 * 1024;
export const METADATA_TOTAL_MAX = 512 * 1024;

/** The metadata key that turns OS Login on inside the VM (read by the guest agent with Go's ParseBool). */
export const ENABLE_OSLOGIN_KEY = "enable-oslogin";
/** Go strconv.ParseBool's true spellings. */
export const isTrueMetadata = (v: string | undefined): boolean =>
  v !== undefined && ["1", "t", "T", "TRUE", "true", "True"].includes(v);

export const CERTIFICATE_VALIDITY_SECONDS = 3600;
/** The shortest lifetime the emulator may be told to issue (tests of renewal during long plays). */
export const MIN_CERTIFICATE_VALIDITY_SECONDS = 30;
export const CERTIFICATE_VALIDITY_ENV = "OSLOGIN_CERTIFICATE_VALIDITY_SECONDS";

/**
 * The lifetime of issued certificates: the real cloud's hour, or (emulator only; the API has no
 * lifetime field) a shorter one from $OSLOGIN_CERTIFICATE_VALIDITY_SECONDS, so a test can watch a
 * certificate expire and be renewed within a minute.
 */
export function certificateValiditySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[CERTIFICATE_VALIDITY_ENV];
  if (raw === undefined || raw === "") return CERTIFICATE_VALIDITY_SECONDS;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= MIN_CERTIFICATE_VALIDITY_SECONDS && n <= CERTIFICATE_VALIDITY_SECONDS)) {
    throw new Error(
      `${CERTIFICATE_VALIDITY_ENV} must be a whole number of seconds from ${MIN_CERTIFICATE_VALIDITY_SECONDS} to ${CERTIFICATE_VALIDITY_SECONDS}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

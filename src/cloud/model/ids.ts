// Yandex-style resource ids: 20 lower-case characters, a 3-character prefix that hints the kind
// (as the real cloud's "bpf..." organizations, "aje..." service accounts, "fhm..." instances).
// After the prefix: 10 characters that grow with creation time, then 7 random ones. Ids in creation
// order land at the right edge of every index on them (primary keys, the Operation's id, the audit
// log's resource id), so a burst of creates writes a few B-tree pages instead of one random page per
// id per index: that was a third of the disk cost of a create (bench/cloud).
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuv0123456789"; // 32 symbols: 5 bits each

export const ID_PREFIX = {
  organization: "bpf",
  user: "aje",
  group: "ajg",
  cloud: "b1g",
  folder: "b1f",
  serviceAccount: "ajs",
  key: "ajk",
  profile: "olp",
  userSshKey: "usk",
  instance: "fhm",
  disk: "fhd",
  subnet: "e9b",
  operation: "op0",
} as const;

/** The time part's digits in ASCII order, so that ids compare as their creation times do. */
const ORDERED = "0123456789abcdefghijklmnopqrstuv";
/** Ids per millisecond before the clock part is borrowed from the next millisecond. */
const PER_MS = 512;
let lastMs = 0;
let seq = 0;

/** 10 base-32 digits (50 bits: milliseconds * 512 + a sequence), strictly increasing in this process. */
function timePart(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else if (++seq >= PER_MS) {
    lastMs++;
    seq = 0;
  }
  let v = lastMs * PER_MS + seq; // < 2^50: exact in a double
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ORDERED[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

// Random bytes are drawn in blocks: one randomBytes call per id cost more than the insert it names.
const RANDOM_CHARS = 7;
const POOL_SIZE = RANDOM_CHARS * 256;
let pool = randomBytes(POOL_SIZE);
let used = 0;

export function newId(prefix: string): string {
  if (used + RANDOM_CHARS > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  let out = prefix + timePart();
  for (let i = used; i < used + RANDOM_CHARS; i++) out += ALPHABET[pool[i]! & 31];
  used += RANDOM_CHARS;
  return out;
}

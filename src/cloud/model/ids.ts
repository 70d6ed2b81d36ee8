// Yandex-style resource ids: 20 lower-case characters, a 3-character prefix that hints the kind
// (as the real cloud's "bpf..." organizations, "aje..." service accounts, "fhm..." instances).
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

// Random bytes are drawn in blocks: one randomBytes call per id cost more than the insert it names.
const POOL_SIZE = 17 * 256;
let pool = randomBytes(POOL_SIZE);
let used = 0;

export function newId(prefix: string): string {
  if (used + 17 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  let out = prefix;
  for (let i = used; i < used + 17; i++) out += ALPHABET[pool[i]! & 31];
  used += 17;
  return out;
}

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

export function newId(prefix: string): string {
  const bytes = randomBytes(17);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

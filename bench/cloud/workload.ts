// What bench/cloud creates and reads, shared by the runner and its client workers: the seed (three
// organizations, as the quota is 4,000 profiles each), the requests, and the rate loop.
import { generateKeyPairSync } from "node:crypto";
import { ed25519PublicBlob } from "../../src/cloud/ca/openssh-cert.js";

export const ORGS = [1, 2, 3].map((n) => ({
  id: `bpfbenchorg${n}`,
  name: `bench-${n}`,
  members: Array.from({ length: 10 }, (_, m) => ({ id: `ajebench${n}m${m}`, name: `Member ${n}.${m}`, email: `m${m}@org${n}.example` })),
}));
export const SEED = { organizations: ORGS };

/** Profiles and keys are spread over the organizations and their members round-robin. */
const target = (i: number) => {
  const org = ORGS[i % ORGS.length];
  return { organizationId: org.id, subjectId: org.members[Math.floor(i / ORGS.length) % org.members.length].id };
};
export const profileReq = (i: number) => ({ ...target(i), login: `bench-${i}` });
export const keyReq = (i: number, keys: string[]) => ({ ...target(i), name: `k${i}`, data: keys[i] });

/**
 * Distinct ed25519 public keys in OpenSSH format (one per key create; fingerprints must differ per
 * subject). Exported as DER, not JWK: Node 20's JWK export of an Ed25519 key holds the key's mutex
 * while it allocates, and a GC that finalizes the generating job then waits on the same mutex
 * forever (seen twice as a bench run stuck idle; gdb: ExportJWKEdKey -> GC -> ~KeyGenJob ->
 * pthread_mutex_lock). The DER export takes no lock.
 */
export function sshKeys(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const raw = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "der" }).subarray(-32);
    return `ssh-ed25519 ${ed25519PublicBlob(raw).toString("base64")} bench-${i}`;
  });
}

/** The four measured calls, whatever carries them. */
export interface Calls {
  createProfile(i: number): Promise<string>;
  getProfile(id: string): Promise<void>;
  createKey(i: number): Promise<string>;
  getKey(id: string): Promise<void>;
}

export type Phase = "createProfile" | "getProfile" | "createKey" | "getKey";

/**
 * Runs one phase over the indices [from, to) with at most `width` calls in flight. Creates record
 * the new ids in `ids` (by index); gets read the ids recorded by the matching create.
 */
export async function runPhase(calls: Calls, phase: Phase, from: number, to: number, width: number, ids: Map<Phase, string[]>): Promise<void> {
  const created = (p: Phase) => ids.get(p) ?? ids.set(p, []).get(p)!;
  const one: (i: number) => Promise<unknown> = {
    createProfile: async (i: number) => (created("createProfile")[i] = await calls.createProfile(i)),
    getProfile: (i: number) => calls.getProfile(created("createProfile")[i]),
    createKey: async (i: number) => (created("createKey")[i] = await calls.createKey(i)),
    getKey: (i: number) => calls.getKey(created("createKey")[i]),
  }[phase];
  let next = from;
  const lane = async () => {
    for (let i = next++; i < to; i = next++) await one(i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, to - from)) }, lane));
}

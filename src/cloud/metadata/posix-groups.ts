// Organization groups as POSIX groups on a VM. The API has no gid for a group, so the endpoint
// derives one, with no stored state (a metadata endpoint only reads the database):
//   gid = GROUP_GID_BASE + (first 4 bytes of sha256(group id)) mod GROUP_GID_SPAN
// In the rare case two groups of the organization hash to the same gid, the group with the smaller
// id keeps it and the other takes the next free value (groups visited in id order, so every
// endpoint computes the same answer). The range 2,000,000,000..2,099,999,999 sits far above the
// auto-allocated uids (UID_AUTO_START = 10000 counting up), which are also each user's private gid,
// and below 2^31 so 32-bit gid_t consumers never see a negative value.
// Only groups whose name is a valid POSIX group name are published.
import { createHash } from "node:crypto";

export const GROUP_GID_BASE = 2_000_000_000;
export const GROUP_GID_SPAN = 100_000_000;
/** The group-name rule libnss/pam_oslogin apply to names (same shape as a user name). */
export const POSIX_GROUP_NAME = /^[a-zA-Z0-9._][a-zA-Z0-9._-]{0,31}$/;

export interface GroupRow {
  id: string;
  name: string;
  /** Member user ids. */
  members: string[];
}

export interface PosixGroup extends GroupRow {
  gid: bigint;
}

export function hashedGid(groupId: string): number {
  return GROUP_GID_BASE + (createHash("sha256").update(groupId).digest().readUInt32BE(0) % GROUP_GID_SPAN);
}

/** Assigns gids to an organization's groups (any order in; sorted by gid out). */
export function assignGids(groups: readonly GroupRow[]): PosixGroup[] {
  const taken = new Set<number>();
  const out: PosixGroup[] = [];
  for (const g of [...groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!POSIX_GROUP_NAME.test(g.name)) continue;
    let gid = hashedGid(g.id);
    while (taken.has(gid)) gid = gid + 1 >= GROUP_GID_BASE + GROUP_GID_SPAN ? GROUP_GID_BASE : gid + 1;
    taken.add(gid);
    out.push({ ...g, gid: BigInt(gid) });
  }
  return out.sort((a, b) => (a.gid < b.gid ? -1 : 1));
}

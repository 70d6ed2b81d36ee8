// Deletes of objects that another address keeps. The cloud identifies some objects by content (an
// IAM binding is its scope, role and member; see ResourceDefinition.cloudKey), so two addresses can
// name the same cloud object: after `state mv` of a binding to an undeclared address, the plan
// deletes the old address and creates the declared one, and both are one binding in the cloud.
// Sent to the cloud, that delete removes the binding the create keeps, whichever runs last (run
// together, the delete may land after the create): the member loses access the plan says it keeps.
// Such a delete only forgets its address; apply runs it after the keeping object's create.
import type { DefinitionLookup, ResourceChange } from "../types.js";

const leavesInCloud = (c: ResourceChange): boolean => c.mode === "managed" && !c.deposed && c.action !== "delete" && c.after !== null;
const removesFromCloud = (c: ResourceChange): boolean =>
  c.mode === "managed" && c.before !== null && (c.action === "delete" || (c.action === "replace" && c.createBeforeDestroy));

/** Sets `keptBy` (and says so in the reason) on each delete whose cloud object the plan keeps under another address. */
export function markSharedDeletes(changes: ResourceChange[], definitions: DefinitionLookup): void {
  const keyOf = (c: ResourceChange, v: ResourceChange["before"]): string | undefined => {
    const key = v && definitions(c.type, "resource")?.cloudKey?.(v);
    return key === undefined ? undefined : `${c.type} ${key}`;
  };
  const holders = new Map<string, ResourceChange>();
  for (const c of changes) {
    if (!leavesInCloud(c)) continue;
    const k = keyOf(c, c.after);
    if (k !== undefined && !holders.has(k)) holders.set(k, c);
  }
  if (holders.size === 0) return;
  for (const c of changes) {
    if (!removesFromCloud(c)) continue;
    const k = keyOf(c, c.before);
    const holder = k === undefined ? undefined : holders.get(k);
    // A plain replace at the same address deletes, then creates: the object comes back in order.
    if (!holder || (holder === c && c.action !== "replace")) continue;
    c.keptBy = holder.address;
    const why = holder === c ? "the new object is the same cloud object" : `the same cloud object stays declared as ${holder.address}`;
    c.reason = `${c.reason ? `${c.reason}; ` : ""}${why}: removed from state only, the cloud is not called`;
  }
}

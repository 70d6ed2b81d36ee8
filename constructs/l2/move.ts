// Renaming or re-parenting an L2 construct changes the address of every resource under it. cdktf
// can say "this resource is now that one" per resource (moveTo / addMoveTarget, which synthesize to
// `moved` blocks); this does it for a whole construct, so a rename keeps every cloud object (a
// service account's key, a profile's uid) instead of destroying and creating them again.
import { TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";

const resourcesUnder = (c: IConstruct): TerraformResource[] => c.node.findAll().filter((n): n is TerraformResource => n instanceof TerraformResource);
const relative = (root: IConstruct, n: IConstruct): string => n.node.path.slice(root.node.path.length + 1);

/**
 * Moves every resource of `from` (the construct as it was, still constructed with the same props)
 * to its counterpart in `to` (the construct as it is now). Counterparts are matched by their path
 * inside the construct, then, for ids that embed the construct's own id (grants name their
 * principal), by type in creation order. `from`'s resources are then no longer synthesized.
 */
export function moveConstruct(from: IConstruct, to: IConstruct): void {
  const sources = resourcesUnder(from);
  const targets = resourcesUnder(to);
  const unmatched = new Set(targets);
  const pairs: [TerraformResource, TerraformResource][] = [];
  const rest: TerraformResource[] = [];
  for (const s of sources) {
    const t = targets.find((x) => unmatched.has(x) && relative(to, x) === relative(from, s) && x.terraformResourceType === s.terraformResourceType);
    if (t) {
      unmatched.delete(t);
      pairs.push([s, t]);
    } else rest.push(s);
  }
  for (const s of rest) {
    const t = [...unmatched].find((x) => x.terraformResourceType === s.terraformResourceType);
    if (!t) throw new Error(`moveConstruct: ${s.node.path} (${s.terraformResourceType}) has no counterpart of that type under ${to.node.path}`);
    unmatched.delete(t);
    pairs.push([s, t]);
  }
  for (const [s, t] of pairs) {
    const target = `moveConstruct:${t.node.path}`;
    t.addMoveTarget(target);
    s.moveTo(target);
  }
}

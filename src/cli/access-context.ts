// The cloud-side facts the access review needs beyond the stack: members' names and their default
// OS Login profiles, read once per organization the plan's providers name.
import { listAll, type CloudClient } from "../cloud/client/cloud-client.js";
import type { Plan } from "../engine/types.js";
import { accessDiff, desiredFromPlan, type AccessContext, type AccessRow } from "../review/access-diff.js";

export async function accessContext(cloud: CloudClient, plan: Plan): Promise<AccessContext> {
  const orgs = new Set(Object.values(plan.providerScopes ?? {}).map((s) => s.organization_id).filter((x): x is string => !!x));
  const profiles = new Map<string, { login: string; uid: string }>();
  const names = new Map<string, string>();
  for (const org of orgs) {
    try {
      for (const m of await listAll((pageToken) => cloud.listMembers(org, { pageToken, pageSize: 1000 }))) names.set(m.id, m.name);
      for (const p of await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: org, pageToken, pageSize: 1000n }))) {
        if (p.isDefault || !profiles.has(p.subjectId)) profiles.set(p.subjectId, { login: p.login, uid: p.uid.toString() });
      }
    } catch {
      // The review is advisory: without directory access it shows ids instead of names.
    }
  }
  return { profiles, names, providerScopes: plan.providerScopes };
}

export async function accessRows(cloud: CloudClient, plan: Plan, includeUnchanged = false): Promise<AccessRow[]> {
  const { before, after } = desiredFromPlan(plan);
  return accessDiff(plan.mode === "destroy" ? before : before, plan.mode === "destroy" ? [] : after, await accessContext(cloud, plan), includeUnchanged);
}

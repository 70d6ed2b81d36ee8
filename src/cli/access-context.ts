// The cloud-side facts the access review needs beyond the stack: members' names and their default
// OS Login profiles, read once per organization the plan's providers name.
import { listAll, type CloudClient } from "../contract/cloud-client.js";
import type { Plan } from "../engine/types.js";
import { resourceAddress, type State } from "../engine/state/state.js";
import { accessDiff, desiredFromPlan, type AccessContext, type AccessRow, type DesiredObject } from "../review/access-diff.js";

export async function contextFor(cloud: CloudClient, organizationIds: Iterable<string>, providerScopes?: AccessContext["providerScopes"]): Promise<AccessContext> {
  const orgs = new Set(organizationIds);
  const profiles = new Map<string, { login: string; uid: string }>();
  const names = new Map<string, string>();
  const groups: NonNullable<AccessContext["groups"]> = new Map();
  const organizationUsers = new Map<string, string[]>();
  // Each organization's three listings side by side, and the organizations too: against a real
  // cloud every page is a round trip (50 ms), and one after another they were the idle tail of a
  // 10k-resource plan (bench/realcloud/fleet.ts). The maps are filled as the sequential reads did:
  // in this order, up to the first listing that failed.
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
  const listed = await Promise.all(
    [...orgs].map((org) =>
      Promise.all([
        quiet(listAll((pageToken) => cloud.listMembers(org, { pageToken, pageSize: 1000 }))),
        quiet(listAll((pageToken) => cloud.listGroups(org, { pageToken, pageSize: 1000 }))),
        quiet(listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId: org, pageToken, pageSize: 1000n }))),
      ]),
    ),
  );
  [...orgs].forEach((org, i) => {
    // The review is advisory: without directory access it shows ids instead of names.
    const [members, orgGroups, orgProfiles] = listed[i];
    if (!members) return;
    for (const m of members) names.set(m.id, m.name);
    organizationUsers.set(org, members.map((m) => m.id));
    if (!orgGroups) return;
    for (const g of orgGroups) groups.set(g.id, { name: g.name, members: g.members });
    for (const p of orgProfiles ?? []) {
      if (p.isDefault || !profiles.has(p.subjectId)) profiles.set(p.subjectId, { login: p.login, uid: p.uid.toString() });
    }
  });
  return { profiles, names, providerScopes, groups, organizationUsers };
}

export async function accessRows(cloud: CloudClient, plan: Plan, includeUnchanged = false, early?: EarlyAccessContext): Promise<AccessRow[]> {
  const { before, after, risks } = desiredFromPlan(plan);
  const orgs = planOrganizations(plan);
  const ctx = early && sameSet(early.organizations, orgs) ? { ...(await early.context), providerScopes: plan.providerScopes } : await contextFor(cloud, orgs, plan.providerScopes);
  return accessDiff(before, plan.mode === "destroy" ? [] : after, ctx, includeUnchanged, risks);
}

/** The access context of the organizations a stack's providers name, being read. */
export interface EarlyAccessContext {
  organizations: readonly string[];
  context: Promise<AccessContext>;
}

/**
 * Starts reading the access review's context before the plan, so its listings run beside the
 * refresh instead of after it: against a real cloud they are round trips (a page of profiles per
 * 1,000), about 150 ms at the end of a 10k-resource plan (bench/realcloud/fleet.ts). The review is
 * advisory, so names read a moment before the plan are as good. accessRows uses it only when the
 * plan's providers name the same organizations.
 */
export function readAccessContextEarly(cloud: CloudClient, organizations: readonly string[]): EarlyAccessContext | undefined {
  if (organizations.length === 0) return undefined;
  return { organizations, context: contextFor(cloud, organizations) };
}

const planOrganizations = (plan: Plan): string[] =>
  Object.values(plan.providerScopes ?? {}).map((s) => s.organization_id).filter((x): x is string => !!x);

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/** `provider["registry.terraform.io/yandex-cloud/yandex"].west` -> "yandex.west", the plan's provider key. */
const providerKeyOf = (provider: string): string => {
  const m = /^provider\["(?:[^"]*\/)?([^"/]+)"\](?:\.(.+))?$/.exec(provider);
  return m ? (m[2] ? `${m[1]}.${m[2]}` : m[1]) : provider;
};

/**
 * Who can log in where now: the access matrix of what the state records (the applied objects, with
 * their real ids), with logins, uids and names from the cloud. `oslogin access` and the quickstart's
 * table show these rows.
 */
export async function currentAccessRows(cloud: CloudClient, state: State): Promise<AccessRow[]> {
  const { objs, ctx } = await currentObjects(cloud, state);
  return accessDiff([], objs, ctx, true).filter((r) => r.after !== "none");
}

/** The state's objects as desired objects, with the cloud's facts about their organizations. */
export async function currentObjects(cloud: CloudClient, state: State): Promise<{ objs: DesiredObject[]; ctx: AccessContext }> {
  const objs: DesiredObject[] = [...state.instances.entries()].map(([address, i]) => ({
    address,
    resource: resourceAddress(i.mode, i.type, i.name),
    type: i.type,
    mode: i.mode,
    indexKey: i.indexKey,
    dependencies: i.dependencies,
    value: i.attributes,
    providerKey: providerKeyOf(i.provider),
  }));
  let orgs = objs.map((o) => o.value.organization_id).filter((x): x is string => typeof x === "string");
  // A stack that names its organization only in the provider block: the organizations the caller
  // sees (their groups and members are what a group binding reaches).
  if (orgs.length === 0) orgs = await listAll((pageToken) => cloud.listOrganizations({ pageToken, pageSize: 1000 })).then((l) => l.map((o) => o.id), () => []);
  return { objs, ctx: await contextFor(cloud, orgs) };
}

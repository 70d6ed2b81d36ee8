// What a stack left in the cloud, in a form two clouds can be compared in: every object the OS Login
// resources manage in one organization and folder, with ids the cloud generated replaced by a
// stable name of the object they point at (so "the same objects, ids aside" is a deep equality).
import { listAll, type CloudClient } from "../../../src/contract/cloud-client.js";
import type { ResourceRef } from "../../../src/cloud/model/types.js";

export interface SnapshotScope {
  organizationId: string;
  folderId: string;
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };

// Generated per create (different in two clouds) or derived from a random key pair.
const VOLATILE = new Set(["createdAt", "publicKey", "fqdn", "address", "macAddress", "diskId", "deviceName"]);

export async function cloudSnapshot(cloud: CloudClient, scope: SnapshotScope): Promise<Record<string, Json>> {
  const { organizationId, folderId } = scope;
  const settings = await cloud.getOsLoginSettings(organizationId);
  const profiles = await listAll((pageToken) => cloud.listOsLoginProfiles({ organizationId, pageToken }));
  const sshKeys = await listAll((pageToken) => cloud.listUserSshKeys({ organizationId, pageToken }));
  const serviceAccounts = await listAll((pageToken) => cloud.listServiceAccounts({ folderId, pageToken }));
  const instances = await listAll((pageToken) => cloud.listInstances({ folderId, pageToken, view: "FULL" }));
  const keys = (await Promise.all(serviceAccounts.map((sa) => listAll((pageToken) => cloud.listKeys({ serviceAccountId: sa.id, pageToken }))))).flat();
  const bindingsOf = async (ref: ResourceRef) => listAll((pageToken) => cloud.listAccessBindings(ref, { pageToken }));

  // id -> a name that means the same object in any cloud
  const names = new Map<string, string>();
  for (const sa of serviceAccounts) names.set(sa.id, `serviceAccount:${sa.name}`);
  for (const vm of instances) names.set(vm.id, `instance:${vm.name}`);
  for (const p of profiles) names.set(p.id, `profile:${p.login}`);
  for (const k of sshKeys) names.set(k.id, `sshKey:${k.name}`);
  for (const k of keys) names.set(k.id, `key:${names.get(k.serviceAccountId)}:${k.description}`);

  const bindings: Record<string, Json> = {
    [`organization:${organizationId}`]: await bindingsOf({ kind: "organization", id: organizationId }),
    [`folder:${folderId}`]: await bindingsOf({ kind: "folder", id: folderId }),
  } as unknown as Record<string, Json>; // AccessBinding objects are plain JSON data
  for (const vm of instances) bindings[`instance:${vm.name}`] = (await bindingsOf({ kind: "instance", id: vm.id })) as unknown as Json;
  for (const sa of serviceAccounts) bindings[`serviceAccount:${sa.name}`] = (await bindingsOf({ kind: "serviceAccount", id: sa.id })) as unknown as Json;

  const byName = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));
  const raw = {
    settings,
    profiles: byName(profiles, (p) => p.login),
    sshKeys: byName(sshKeys, (k) => `${k.subjectId}:${k.name}`),
    serviceAccounts: byName(serviceAccounts, (s) => s.name),
    keys: byName(keys, (k) => `${names.get(k.serviceAccountId)}:${k.description}`),
    instances: byName(instances, (i) => i.name),
    bindings,
  };
  return normalize(raw, names) as Record<string, Json>;
}

function normalize(v: unknown, names: Map<string, string>): Json {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return names.get(v) ?? v;
  if (v === null || v === undefined || typeof v !== "object") return (v ?? null) as Json;
  if (Array.isArray(v)) {
    const items = v.map((e) => normalize(e, names));
    // bindings and similar sets: order is not meaningful
    return items.every((e) => e !== null && typeof e === "object") ? items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : items;
  }
  const out: Record<string, Json> = {};
  for (const [k, e] of Object.entries(v)) {
    if (VOLATILE.has(k) || k === "id") continue;
    out[k] = normalize(e, names);
  }
  return out;
}

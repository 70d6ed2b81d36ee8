// Cloud-side setup shared by the VM-access tests (and the inventory e2e): the quickstart
// organization seeded into a model, then OS Login settings, instances with OS Login on and role
// grants through a CloudClient (the API as any client sees it; in process by default).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudClient } from "../../../src/contract/cloud-client.js";
import type { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import type { Caller, Instance, ResourceRef, Subject } from "../../../src/cloud/model/types.js";
import { REPO_ROOT } from "./paths.js";

export const QUICKSTART = {
  organizationId: "bpfquickstartorg0001",
  cloudId: "b1gquickstartcloud01",
  folderId: "b1gquickstartfolder1",
  alice: "ajealice000000000001",
  bob: "ajebob00000000000002",
  devsGroup: "ajgdevs0000000000001",
} as const;

/** Members and groups come from a directory, not the API: the emulator seeds them from YAML. */
export const seedQuickstart = (model: CloudModel) =>
  model.directory.seedFromYaml(readFileSync(join(REPO_ROOT, "examples/quickstart/seed.yaml"), "utf8"));

export const userCaller = (id: string): Caller => ({ kind: "subject", subject: { type: "userAccount", id } });
export const user = (id: string): Subject => ({ type: "userAccount", id });
export const serviceAccount = (id: string): Subject => ({ type: "serviceAccount", id });

export async function enableOsLogin(cloud: CloudClient, organizationId: string, modes: { keys?: boolean; certificates?: boolean } = {}): Promise<void> {
  const keys = modes.keys ?? true;
  await cloud.updateOsLoginSettings({
    organizationId,
    userSshKeySettings: { enabled: keys, allowManageOwnKeys: keys },
    sshCertificateSettings: { enabled: modes.certificates ?? true },
  });
}

/** A small VM in the folder; OS Login on unless metadata says otherwise. */
export function createInstance(cloud: CloudClient, folderId: string, name: string, metadata: Record<string, string> = { "enable-oslogin": "true" }): Promise<Instance> {
  return cloud.createInstance({
    folderId,
    name,
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8ubuntu2204lts" } },
    networkInterfaceSpecs: [{ subnetId: "e9bdefaultsubnet0001" }],
    metadata,
  });
}

export async function grant(cloud: CloudClient, resource: ResourceRef, roleId: string, subject: Subject): Promise<void> {
  await cloud.updateAccessBindings(resource, [{ action: "ADD", accessBinding: { roleId, subject } }]);
}

export async function revoke(cloud: CloudClient, resource: ResourceRef, roleId: string, subject: Subject): Promise<void> {
  await cloud.updateAccessBindings(resource, [{ action: "REMOVE", accessBinding: { roleId, subject } }]);
}

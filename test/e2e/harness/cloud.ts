// Cloud-side setup shared by the VM-access tests (and the inventory e2e): the quickstart
// organization seeded into a model, OS Login settings, instances with OS Login on, role grants.
// Everything goes through the model's API operations as the emulator admin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN, type Caller, type Instance, type ResourceRef, type Subject } from "../../../src/cloud/model/types.js";
import { REPO_ROOT } from "./paths.js";

export const QUICKSTART = {
  organizationId: "bpfquickstartorg0001",
  cloudId: "b1gquickstartcloud01",
  folderId: "b1gquickstartfolder1",
  alice: "ajealice000000000001",
  bob: "ajebob00000000000002",
  devsGroup: "ajgdevs0000000000001",
} as const;

export const seedQuickstart = (model: CloudModel) =>
  model.directory.seedFromYaml(readFileSync(join(REPO_ROOT, "examples/quickstart/seed.yaml"), "utf8"));

export const userCaller = (id: string): Caller => ({ kind: "subject", subject: { type: "userAccount", id } });
export const user = (id: string): Subject => ({ type: "userAccount", id });
export const serviceAccount = (id: string): Subject => ({ type: "serviceAccount", id });

export function enableOsLogin(model: CloudModel, organizationId: string, modes: { keys?: boolean; certificates?: boolean } = {}): void {
  const keys = modes.keys ?? true;
  model.osLogin.updateSettings(ADMIN, {
    organizationId,
    userSshKeySettings: { enabled: keys, allowManageOwnKeys: keys },
    sshCertificateSettings: { enabled: modes.certificates ?? true },
  });
}

/** A small VM in the folder; OS Login on unless metadata says otherwise. */
export function createInstance(model: CloudModel, folderId: string, name: string, metadata: Record<string, string> = { "enable-oslogin": "true" }): Instance {
  const op = model.instances.create(ADMIN, {
    folderId,
    name,
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
    bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8ubuntu2204lts" } },
    networkInterfaceSpecs: [{ subnetId: "e9bdefaultsubnet0001" }],
    metadata,
  });
  return op.response!.value as Instance;
}

function changeBinding(model: CloudModel, action: "ADD" | "REMOVE", resource: ResourceRef, roleId: string, subject: Subject): void {
  model.access.updateAccessBindings(ADMIN, { resource, accessBindingDeltas: [{ action, accessBinding: { roleId, subject } }] });
}

export const grant = (model: CloudModel, resource: ResourceRef, roleId: string, subject: Subject) => changeBinding(model, "ADD", resource, roleId, subject);
export const revoke = (model: CloudModel, resource: ResourceRef, roleId: string, subject: Subject) => changeBinding(model, "REMOVE", resource, roleId, subject);

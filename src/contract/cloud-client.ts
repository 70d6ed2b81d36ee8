// CloudClient: the one interface everything above src/cloud talks to (resources, engine, tfplugin,
// inventory). Two implementations: in-process (the embedded default, calls the model directly) and
// gRPC through the official @yandex-cloud/nodejs-sdk (a running `oslogin serve`, one day the real cloud).
// Mutations resolve when their Operation is done and return its response; failures reject with a
// CloudError carrying the API's code, whichever implementation is used.
import type {
  AccessBinding,
  AccessBindingDelta,
  Cloud,
  CreateInstanceRequest,
  CreateKeyRequest,
  CreateKeyResponse,
  CreateOsLoginProfileRequest,
  CreateServiceAccountRequest,
  CreateUserSshKeyRequest,
  Folder,
  GenerateSshCertificateRequest,
  Instance,
  Key,
  ListOsLoginProfilesRequest,
  ListUserSshKeysRequest,
  Operation,
  Organization,
  OsLoginProfile,
  OsLoginSettings,
  Page,
  ResourceRef,
  ServiceAccount,
  UpdateInstanceMetadataRequest,
  UpdateInstanceRequest,
  UpdateOsLoginProfileRequest,
  UpdateOsLoginSettingsRequest,
  UpdateServiceAccountRequest,
  UpdateUserSshKeyRequest,
  Group,
  User,
  UserSshKey,
} from "./api-types.js";

export interface CallOptions {
  /**
   * Makes a create safe to retry: the emulator answers a repeated key with the first call's
   * operation instead of creating a second object (REST header / gRPC metadata `idempotency-key`).
   */
  idempotencyKey?: string;
  /** How long to await the mutation's Operation (a resource's `timeouts`); the client's default otherwise. */
  operationTimeoutMs?: number;
}

export interface PageRequest {
  pageSize?: number;
  pageToken?: string;
}

export interface CloudClient {
  // organization-manager: directory (read-only through the API)
  getOrganization(organizationId: string): Promise<Organization>;
  listOrganizations(req?: PageRequest): Promise<Page<Organization>>;
  listMembers(organizationId: string, req?: PageRequest): Promise<Page<User>>;
  /** Groups with their member user ids (over gRPC: GroupService.List, then ListMembers per group). */
  listGroups(organizationId: string, req?: PageRequest): Promise<Page<Group>>;

  // organization-manager: OS Login
  getOsLoginSettings(organizationId: string): Promise<OsLoginSettings>;
  updateOsLoginSettings(req: UpdateOsLoginSettingsRequest, opts?: CallOptions): Promise<OsLoginSettings>;
  createOsLoginProfile(req: CreateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile>;
  getOsLoginProfile(osLoginProfileId: string): Promise<OsLoginProfile>;
  listOsLoginProfiles(req: ListOsLoginProfilesRequest): Promise<Page<OsLoginProfile>>;
  updateOsLoginProfile(req: UpdateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile>;
  setDefaultOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<OsLoginProfile>;
  deleteOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<void>;

  createUserSshKey(req: CreateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey>;
  getUserSshKey(userSshKeyId: string): Promise<UserSshKey>;
  listUserSshKeys(req: ListUserSshKeysRequest): Promise<Page<UserSshKey>>;
  updateUserSshKey(req: UpdateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey>;
  deleteUserSshKey(userSshKeyId: string, opts?: CallOptions): Promise<void>;

  generateSshCertificate(req: GenerateSshCertificateRequest): Promise<{ signedCertificate: string }>;

  // resource-manager
  getCloud(cloudId: string): Promise<Cloud>;
  listClouds(req?: PageRequest & { organizationId?: string }): Promise<Page<Cloud>>;
  getFolder(folderId: string): Promise<Folder>;
  listFolders(req: PageRequest & { cloudId: string }): Promise<Page<Folder>>;

  // iam
  createServiceAccount(req: CreateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount>;
  getServiceAccount(serviceAccountId: string): Promise<ServiceAccount>;
  listServiceAccounts(req: PageRequest & { folderId: string; filter?: string }): Promise<Page<ServiceAccount>>;
  updateServiceAccount(req: UpdateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount>;
  deleteServiceAccount(serviceAccountId: string, opts?: CallOptions): Promise<void>;

  createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<CreateKeyResponse>;
  getKey(keyId: string): Promise<Key>;
  listKeys(req: PageRequest & { serviceAccountId: string }): Promise<Page<Key>>;
  updateKey(req: { keyId: string; description?: string; updateMask?: string[] }, opts?: CallOptions): Promise<Key>;
  deleteKey(keyId: string, opts?: CallOptions): Promise<void>;

  // compute
  /**
   * True when listInstances with view FULL reads metadata in the same call (the cloud in process);
   * otherwise a bulk refresh reads each instance it manages with a Get, since the real API's List
   * omits metadata.
   */
  readonly listsInstanceMetadata?: boolean;
  createInstance(req: CreateInstanceRequest, opts?: CallOptions): Promise<Instance>;
  /** view FULL by default: metadata is included. */
  getInstance(instanceId: string, view?: "BASIC" | "FULL"): Promise<Instance>;
  /**
   * List omits metadata unless view FULL is asked for (an emulator convenience for bulk refresh;
   * over gRPC, where ListInstancesRequest has no view, FULL costs a Get per listed instance).
   */
  listInstances(req: PageRequest & { folderId: string; filter?: string; view?: "BASIC" | "FULL" }): Promise<Page<Instance>>;
  updateInstance(req: UpdateInstanceRequest, opts?: CallOptions): Promise<Instance>;
  updateInstanceMetadata(req: UpdateInstanceMetadataRequest, opts?: CallOptions): Promise<Instance>;
  deleteInstance(instanceId: string, opts?: CallOptions): Promise<void>;
  /** What the VM wrote to a serial port since boot (port 1, the console, by default): cloud-init's host keys. */
  getSerialPortOutput(instanceId: string, port?: number): Promise<string>;

  // access bindings (organization, cloud, folder, service account, instance)
  listAccessBindings(resource: ResourceRef, req?: PageRequest): Promise<Page<AccessBinding>>;
  setAccessBindings(resource: ResourceRef, accessBindings: AccessBinding[], opts?: CallOptions): Promise<void>;
  /** Returns the effective deltas (an ADD of a binding that exists is not effective). */
  updateAccessBindings(
    resource: ResourceRef,
    deltas: AccessBindingDelta[],
    opts?: CallOptions,
  ): Promise<AccessBindingDelta[]>;

  // operations
  getOperation(operationId: string): Promise<Operation>;

  /** Release connections; the in-process client closes nothing it does not own. */
  close(): Promise<void>;
}

/**
 * The methods that change something, and where their CallOptions argument is: the retrying client
 * gives each of them an idempotency key, and the realistic in-process client keeps them unfinished.
 */
export const MUTATING_METHODS = {
  updateOsLoginSettings: 1,
  createOsLoginProfile: 1,
  updateOsLoginProfile: 1,
  setDefaultOsLoginProfile: 1,
  deleteOsLoginProfile: 1,
  createUserSshKey: 1,
  updateUserSshKey: 1,
  deleteUserSshKey: 1,
  createServiceAccount: 1,
  updateServiceAccount: 1,
  deleteServiceAccount: 1,
  createKey: 1,
  updateKey: 1,
  deleteKey: 1,
  createInstance: 1,
  updateInstance: 1,
  updateInstanceMetadata: 1,
  deleteInstance: 1,
  setAccessBindings: 2,
  updateAccessBindings: 2,
} as const satisfies Partial<Record<keyof CloudClient, number>>;

export type MutatingMethod = keyof typeof MUTATING_METHODS;

export const isMutating = (method: string): method is MutatingMethod => Object.hasOwn(MUTATING_METHODS, method);

/** Walk every page of a list call. */
export async function listAll<T>(fetch: (pageToken: string) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let token = "";
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.nextPageToken;
  } while (token);
  return all;
}

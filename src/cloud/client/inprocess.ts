// The embedded CloudClient: calls the model directly in this process, as `caller`. A mutation resolves
// with its Operation's response, exactly what the gRPC client gets after waitForOperation, once it is
// committed: at once, or, when the store groups commits (Store.enableGroupCommit), when the group the
// mutation joined commits. Model errors are CloudErrors already; methods are async so every failure
// arrives as a rejection, never a throw.
import { effectiveDeltasOf } from "../model/access.js";
import type { CloudModel } from "../model/cloud-model.js";
import {
  ADMIN,
  type AccessBinding,
  type AccessBindingDelta,
  type Caller,
  type Cloud,
  type CreateInstanceRequest,
  type CreateKeyRequest,
  type CreateKeyResponse,
  type CreateOsLoginProfileRequest,
  type CreateServiceAccountRequest,
  type CreateUserSshKeyRequest,
  type Folder,
  type GenerateSshCertificateRequest,
  type Instance,
  type Key,
  type ListOsLoginProfilesRequest,
  type ListUserSshKeysRequest,
  type Operation,
  type Organization,
  type OsLoginProfile,
  type OsLoginSettings,
  type Page,
  type ResourceRef,
  type ServiceAccount,
  type UpdateInstanceMetadataRequest,
  type UpdateInstanceRequest,
  type UpdateOsLoginProfileRequest,
  type UpdateOsLoginSettingsRequest,
  type UpdateServiceAccountRequest,
  type UpdateUserSshKeyRequest,
  type Group,
  type User,
  type UserSshKey,
} from "../model/types.js";
import type { CallOptions, CloudClient, PageRequest } from "../../contract/cloud-client.js";

/** The response an Operation carries (the model only returns done, successful operations). */
function responseOf<T>(op: Operation): T {
  return op.response?.value as T;
}

/** The client's page_size (a number) as the model's int64. */
const paging = (req: PageRequest = {}) => ({
  pageSize: req.pageSize === undefined ? undefined : BigInt(req.pageSize),
  pageToken: req.pageToken,
});

export class InProcessCloudClient implements CloudClient {
  /** The model lists instances with their metadata: one call per folder page refreshes them all. */
  readonly listsInstanceMetadata = true;

  constructor(
    readonly model: CloudModel,
    readonly caller: Caller = ADMIN,
  ) {}

  /** Runs a mutation and resolves with its result once it is committed (ModelContext.acknowledged). */
  private write<T>(mutation: () => T): Promise<Awaited<T>> {
    return this.model.ctx.acknowledged(mutation);
  }

  /**
   * Runs a read in one read transaction (Store.read): one snapshot per call, and SQLite's per-
   * statement locking paid once, not once for each of the call's lookups.
   */
  private read<T>(query: () => T): T {
    return this.model.ctx.store.read(query);
  }

  /** The same model seen by another caller (e.g. a member, to test what they may do). */
  as(caller: Caller): InProcessCloudClient {
    return new InProcessCloudClient(this.model, caller);
  }

  // ---------- organization-manager: directory ----------

  async getOrganization(organizationId: string): Promise<Organization> {
    return this.read(() => this.model.directory.getOrganization(this.caller, { organizationId }));
  }

  async listOrganizations(req?: PageRequest): Promise<Page<Organization>> {
    return this.read(() => this.model.directory.listOrganizations(this.caller, paging(req)));
  }

  async listMembers(organizationId: string, req?: PageRequest): Promise<Page<User>> {
    return this.read(() => this.model.directory.listMembers(this.caller, { organizationId, ...paging(req) }));
  }

  async listGroups(organizationId: string, req?: PageRequest): Promise<Page<Group>> {
    return this.read(() => this.model.directory.listGroups(this.caller, { organizationId, ...paging(req) }));
  }

  // ---------- organization-manager: OS Login ----------

  async getOsLoginSettings(organizationId: string): Promise<OsLoginSettings> {
    return this.read(() => this.model.osLogin.getSettings(this.caller, { organizationId }));
  }

  async updateOsLoginSettings(req: UpdateOsLoginSettingsRequest, opts?: CallOptions): Promise<OsLoginSettings> {
    return this.write(() => responseOf(this.model.osLogin.updateSettings(this.caller, req, opts)));
  }

  async createOsLoginProfile(req: CreateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.write(() => responseOf(this.model.osLogin.createProfile(this.caller, req, opts)));
  }

  async getOsLoginProfile(osLoginProfileId: string): Promise<OsLoginProfile> {
    return this.read(() => this.model.osLogin.getProfile(this.caller, { osLoginProfileId }));
  }

  async listOsLoginProfiles(req: ListOsLoginProfilesRequest): Promise<Page<OsLoginProfile>> {
    return this.read(() => this.model.osLogin.listProfiles(this.caller, req));
  }

  async updateOsLoginProfile(req: UpdateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.write(() => responseOf(this.model.osLogin.updateProfile(this.caller, req, opts)));
  }

  async setDefaultOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.write(() => responseOf(this.model.osLogin.setDefaultProfile(this.caller, { osLoginProfileId }, opts)));
  }

  async deleteOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.osLogin.deleteProfile(this.caller, { id: osLoginProfileId }, opts));
  }

  async createUserSshKey(req: CreateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey> {
    return this.write(() => responseOf(this.model.userSshKeys.create(this.caller, req, opts)));
  }

  async getUserSshKey(userSshKeyId: string): Promise<UserSshKey> {
    return this.read(() => this.model.userSshKeys.get(this.caller, { userSshKeyId }));
  }

  async listUserSshKeys(req: ListUserSshKeysRequest): Promise<Page<UserSshKey>> {
    return this.read(() => this.model.userSshKeys.list(this.caller, req));
  }

  async updateUserSshKey(req: UpdateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey> {
    return this.write(() => responseOf(this.model.userSshKeys.update(this.caller, req, opts)));
  }

  async deleteUserSshKey(userSshKeyId: string, opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.userSshKeys.delete(this.caller, { userSshKeyId }, opts));
  }

  async generateSshCertificate(req: GenerateSshCertificateRequest): Promise<{ signedCertificate: string }> {
    return this.write(() => this.model.certificates.generate(this.caller, req));
  }

  // ---------- resource-manager ----------

  async getCloud(cloudId: string): Promise<Cloud> {
    return this.read(() => this.model.directory.getCloud(this.caller, { cloudId }));
  }

  async listClouds(req: PageRequest & { organizationId?: string } = {}): Promise<Page<Cloud>> {
    return this.read(() => this.model.directory.listClouds(this.caller, { organizationId: req.organizationId, ...paging(req) }));
  }

  async getFolder(folderId: string): Promise<Folder> {
    return this.read(() => this.model.directory.getFolder(this.caller, { folderId }));
  }

  async listFolders(req: PageRequest & { cloudId: string }): Promise<Page<Folder>> {
    return this.read(() => this.model.directory.listFolders(this.caller, { cloudId: req.cloudId, ...paging(req) }));
  }

  // ---------- iam ----------

  async createServiceAccount(req: CreateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount> {
    return this.write(() => responseOf(this.model.serviceAccounts.create(this.caller, req, opts)));
  }

  async getServiceAccount(serviceAccountId: string): Promise<ServiceAccount> {
    return this.read(() => this.model.serviceAccounts.get(this.caller, { serviceAccountId }));
  }

  async listServiceAccounts(req: PageRequest & { folderId: string; filter?: string }): Promise<Page<ServiceAccount>> {
    return this.read(() => this.model.serviceAccounts.list(this.caller, { folderId: req.folderId, filter: req.filter, ...paging(req) }));
  }

  async updateServiceAccount(req: UpdateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount> {
    return this.write(() => responseOf(this.model.serviceAccounts.update(this.caller, req, opts)));
  }

  async deleteServiceAccount(serviceAccountId: string, opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.serviceAccounts.delete(this.caller, { serviceAccountId }, opts));
  }

  /** Synchronous in the API: the response (with the private key, once) rather than an Operation. */
  async createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<CreateKeyResponse> {
    return this.write(() => this.model.keys.create(this.caller, req, opts));
  }

  async getKey(keyId: string): Promise<Key> {
    return this.read(() => this.model.keys.get(this.caller, { keyId }));
  }

  async listKeys(req: PageRequest & { serviceAccountId: string }): Promise<Page<Key>> {
    return this.read(() => this.model.keys.list(this.caller, { serviceAccountId: req.serviceAccountId, ...paging(req) }));
  }

  async updateKey(req: { keyId: string; description?: string; updateMask?: string[] }, opts?: CallOptions): Promise<Key> {
    return this.write(() => responseOf(this.model.keys.update(this.caller, req, opts)));
  }

  async deleteKey(keyId: string, opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.keys.delete(this.caller, { keyId }, opts));
  }

  // ---------- compute ----------

  async createInstance(req: CreateInstanceRequest, opts?: CallOptions): Promise<Instance> {
    return this.write(() => responseOf(this.model.instances.create(this.caller, req, opts)));
  }

  async getInstance(instanceId: string, view: "BASIC" | "FULL" = "FULL"): Promise<Instance> {
    return this.read(() => this.model.instances.get(this.caller, { instanceId, view }));
  }

  async listInstances(req: PageRequest & { folderId: string; filter?: string; view?: "BASIC" | "FULL" }): Promise<Page<Instance>> {
    return this.read(() => this.model.instances.list(this.caller, { folderId: req.folderId, filter: req.filter, view: req.view, ...paging(req) }));
  }

  async updateInstance(req: UpdateInstanceRequest, opts?: CallOptions): Promise<Instance> {
    return this.write(() => responseOf(this.model.instances.update(this.caller, req, opts)));
  }

  async updateInstanceMetadata(req: UpdateInstanceMetadataRequest, opts?: CallOptions): Promise<Instance> {
    return this.write(() => responseOf(this.model.instances.updateMetadata(this.caller, req, opts)));
  }

  async deleteInstance(instanceId: string, opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.instances.delete(this.caller, { instanceId }, opts));
  }

  async getSerialPortOutput(instanceId: string, port = 1): Promise<string> {
    return this.read(() => this.model.serialPorts.getOutput(this.caller, { instanceId, port }).contents);
  }

  // ---------- access bindings ----------

  async listAccessBindings(resource: ResourceRef, req?: PageRequest): Promise<Page<AccessBinding>> {
    return this.read(() => this.model.access.listAccessBindings(this.caller, { resource, ...paging(req) }));
  }

  async setAccessBindings(resource: ResourceRef, accessBindings: AccessBinding[], opts?: CallOptions): Promise<void> {
    await this.write(() => this.model.access.setAccessBindings(this.caller, { resource, accessBindings }, opts));
  }

  async updateAccessBindings(resource: ResourceRef, deltas: AccessBindingDelta[], opts?: CallOptions): Promise<AccessBindingDelta[]> {
    return this.write(() => effectiveDeltasOf(this.model.access.updateAccessBindings(this.caller, { resource, accessBindingDeltas: deltas }, opts)));
  }

  // ---------- operations ----------

  async getOperation(operationId: string): Promise<Operation> {
    return this.read(() => this.model.ctx.getOperationAs(this.caller, operationId));
  }

  /** The model belongs to whoever opened it; this client holds no connection of its own. */
  async close(): Promise<void> {}
}

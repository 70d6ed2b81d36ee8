// CloudClient over gRPC through the official @yandex-cloud/nodejs-sdk: a Session with an IAM token
// and the server's certificate as TLS root, one SDK client per service (int64-safe definitions from
// the shared catalog, so uids past 2^53 stay exact), mutations awaited with the SDK's
// waitForOperation and their Any response decoded. Failures reject with CloudError carrying the
// same code name and message as the in-process client, so callers cannot tell the two apart.
import { readFileSync } from "node:fs";
import { Session, waitForOperation } from "@yandex-cloud/nodejs-sdk";
import { Metadata } from "nice-grpc";
import { clientClass, type ServiceName } from "../api/grpc/catalog.js";
import { deltaToSdk, accessBindingToSdk, accessBindingFromSdk, listAccessBindingsRequestToSdk } from "../api/grpc/mapping/access.js";
import { pageFromSdk } from "../api/grpc/mapping/common.js";
import {
  createInstanceRequestToSdk,
  instanceFromSdk,
  listInstancesRequestToSdk,
  updateInstanceRequestToSdk,
  updateMetadataRequestToSdk,
  viewToSdk,
} from "../api/grpc/mapping/compute.js";
import {
  createKeyRequestToSdk,
  createKeyResponseFromSdk,
  createServiceAccountRequestToSdk,
  keyFromSdk,
  listKeysRequestToSdk,
  listServiceAccountsRequestToSdk,
  serviceAccountFromSdk,
  updateKeyRequestToSdk,
  updateServiceAccountRequestToSdk,
} from "../api/grpc/mapping/iam.js";
import { operationFromSdk } from "../api/grpc/mapping/operation.js";
import {
  createProfileRequestToSdk,
  createUserSshKeyRequestToSdk,
  generateCertificateRequestToSdk,
  listProfilesRequestToSdk,
  listUserSshKeysRequestToSdk,
  memberFromSdk,
  organizationFromSdk,
  profileFromSdk,
  settingsFromSdk,
  updateProfileRequestToSdk,
  updateSettingsRequestToSdk,
  updateUserSshKeyRequestToSdk,
  userSshKeyFromSdk,
  type SdkListProfilesResponse,
  type SdkProfile,
} from "../api/grpc/mapping/organizationmanager.js";
import { cloudFromSdk, folderFromSdk } from "../api/grpc/mapping/resourcemanager.js";
import { adminTokenPath } from "../admin-token.js";
import { CloudError, GRPC_CODES, errors, type GrpcCodeName } from "../errors.js";
import { tlsPaths } from "../tls.js";
import { signServiceAccountJwt } from "../model/iam-tokens.js";
import type {
  AccessBinding,
  AccessBindingDelta,
  AuthorizedKeyFile,
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
  ResourceKind,
  ResourceRef,
  ServiceAccount,
  UpdateInstanceMetadataRequest,
  UpdateInstanceRequest,
  UpdateOsLoginProfileRequest,
  UpdateOsLoginSettingsRequest,
  UpdateServiceAccountRequest,
  UpdateUserSshKeyRequest,
  User,
  UserSshKey,
} from "../model/types.js";
import type { CallOptions, CloudClient, PageRequest } from "./cloud-client.js";

export interface GrpcCloudClientOptions {
  /** host:port of the gRPC endpoint; the host must be in the certificate's SAN (localhost / 127.0.0.1). */
  endpoint: string;
  /** PEM the server's certificate chains to (the emulator's self-signed cert). */
  rootCertPem: string;
  iamToken: string;
  /** waitForOperation's poll interval (the SDK's default is 1 s, far too slow for a local emulator). */
  pollIntervalMs?: number;
  /** How long a mutation may take to finish before DEADLINE_EXCEEDED. */
  operationTimeoutMs?: number;
  /** Each RPC's deadline: an unresponsive server fails with DEADLINE_EXCEEDED instead of hanging. */
  callTimeoutMs?: number;
}

const CODE_NAMES = Object.fromEntries(Object.entries(GRPC_CODES).map(([name, code]) => [code, name])) as Record<number, GrpcCodeName>;

/** A gRPC status (nice-grpc ClientError, or a failed Operation's error) as the CloudError it was on the server. */
function toCloudError(e: unknown): CloudError {
  if (e instanceof CloudError) return e;
  if (e && typeof e === "object") {
    const err = e as { code?: unknown; details?: unknown; error?: { code: number; message: string }; id?: unknown };
    // waitForOperation rejects with the Operation itself when it carries an error.
    if (err.error && typeof err.id === "string") return new CloudError(CODE_NAMES[err.error.code] ?? "UNKNOWN", err.error.message);
    if (typeof err.code === "number" && typeof err.details === "string") {
      // grpc-js ends a failed connection's message with "Resolution note: " and nothing after it.
      return new CloudError(CODE_NAMES[err.code] ?? "UNKNOWN", err.details.replace(/\.? Resolution note: ?$/, ""));
    }
    if (e instanceof Error && e.message === "Timeout reached") {
      return new CloudError("DEADLINE_EXCEEDED", "the operation did not finish before the client's timeout");
    }
  }
  return new CloudError("UNKNOWN", `gRPC call failed: ${e instanceof Error ? e.message : String(e)}`);
}

/** Any SDK client method: the request and per-call options in, a message out. */
type Rpc = (request: unknown, options?: { metadata?: Metadata; deadline?: number }) => Promise<unknown>;
type SdkClient = Record<string, Rpc>;

const ACCESS_SERVICE: Record<ResourceKind, ServiceName> = {
  organization: "organization",
  cloud: "cloud",
  folder: "folder",
  serviceAccount: "serviceAccount",
  instance: "instance",
};

export class GrpcCloudClient implements CloudClient {
  private readonly session: Session;
  private readonly clients = new Map<ServiceName, SdkClient>();
  private readonly operationTimeoutMs: number;

  constructor(private readonly opts: GrpcCloudClientOptions) {
    this.session = new Session({
      iamToken: opts.iamToken,
      ssl: { rootCerts: Buffer.from(opts.rootCertPem) },
      pollInterval: opts.pollIntervalMs ?? 10,
    });
    this.operationTimeoutMs = opts.operationTimeoutMs ?? 60_000;
  }

  /**
   * Authenticates as a service account with its authorized key file, the way the real cloud's
   * clients do: a PS256 JWT exchanged for an IAM token at IamTokenService.Create.
   */
  static async fromAuthorizedKey(
    opts: Omit<GrpcCloudClientOptions, "iamToken"> & {
      keyFile: AuthorizedKeyFile;
      /** The JWT's issue time (default: now); a server with a pinned clock (tests) needs its time. */
      now?: Date;
    },
  ): Promise<GrpcCloudClient> {
    // Session always sends a bearer token; the token endpoint ignores it (the JWT is the credential).
    const bootstrap = new GrpcCloudClient({ ...opts, iamToken: "none" });
    const jwt = signServiceAccountJwt(opts.keyFile, opts.now);
    const response = (await bootstrap.call("iamToken", "create", { jwt })) as { iamToken: string };
    return new GrpcCloudClient({ ...opts, iamToken: response.iamToken });
  }

  private client(name: ServiceName): SdkClient {
    let c = this.clients.get(name);
    if (!c) {
      c = this.session.client(clientClass(name) as never, this.opts.endpoint) as unknown as SdkClient;
      this.clients.set(name, c);
    }
    return c;
  }

  private async call(service: ServiceName, method: string, request: unknown, opts?: CallOptions): Promise<unknown> {
    const options = {
      deadline: this.opts.callTimeoutMs ?? 30_000,
      metadata: opts?.idempotencyKey ? Metadata({ "idempotency-key": opts.idempotencyKey }) : undefined,
    };
    try {
      return await this.client(service)[method](request, options);
    } catch (e) {
      throw toCloudError(e);
    }
  }

  /**
   * Runs a mutation, waits for its Operation with the SDK helper, and returns it decoded. An
   * Operation that is already done (the emulator's always are) is not polled: waitForOperation would
   * open a channel and make one more round trip only to read the same Operation again.
   */
  private async mutate(service: ServiceName, method: string, request: unknown, opts?: CallOptions): Promise<Operation> {
    const op = (await this.call(service, method, request, opts)) as Parameters<typeof waitForOperation>[0];
    if (op.done && !op.error) return operationFromSdk(op);
    try {
      const done = op.done ? op : await waitForOperation(op, this.session, this.operationTimeoutMs, this.opts.endpoint);
      if (done.error) throw done;
      return operationFromSdk(done);
    } catch (e) {
      throw toCloudError(e);
    }
  }

  /** The Operation's response in model shape, checked to be the message the method promises. */
  private async mutateFor<T>(typeName: string, service: ServiceName, method: string, request: unknown, opts?: CallOptions): Promise<T> {
    const op = await this.mutate(service, method, request, opts);
    if (op.response?.typeName !== typeName || op.response.value === undefined) {
      throw new CloudError("INTERNAL", `operation ${op.id} answered ${op.response?.typeName ?? "nothing"}, expected ${typeName}`);
    }
    return op.response.value as T;
  }

  // ---------- organization-manager: directory ----------

  async getOrganization(organizationId: string): Promise<Organization> {
    return organizationFromSdk((await this.call("organization", "get", { organizationId })) as never);
  }

  async listOrganizations(req: PageRequest = {}): Promise<Page<Organization>> {
    const r = (await this.call("organization", "list", { ...paging(req), filter: "" })) as { organizations: never[]; nextPageToken: string };
    return pageFromSdk(r.organizations, r.nextPageToken, organizationFromSdk);
  }

  async listMembers(organizationId: string, req: PageRequest = {}): Promise<Page<User>> {
    const r = (await this.call("user", "listMembers", { organizationId, ...paging(req) })) as { users: never[]; nextPageToken: string };
    return pageFromSdk(r.users, r.nextPageToken, (u) => memberFromSdk(u, organizationId));
  }

  // ---------- organization-manager: OS Login ----------

  async getOsLoginSettings(organizationId: string): Promise<OsLoginSettings> {
    return settingsFromSdk((await this.call("osLogin", "getSettings", { organizationId })) as never);
  }

  async updateOsLoginSettings(req: UpdateOsLoginSettingsRequest, opts?: CallOptions): Promise<OsLoginSettings> {
    return this.mutateFor(`${OM}OsLoginSettings`, "osLogin", "updateSettings", updateSettingsRequestToSdk(req), opts);
  }

  async createOsLoginProfile(req: CreateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.mutateFor(`${OM}OsLoginProfile`, "osLogin", "createProfile", createProfileRequestToSdk(req), opts);
  }

  async getOsLoginProfile(osLoginProfileId: string): Promise<OsLoginProfile> {
    return profileFromSdk((await this.call("osLogin", "getProfile", { osLoginProfileId })) as SdkProfile);
  }

  async listOsLoginProfiles(req: ListOsLoginProfilesRequest): Promise<Page<OsLoginProfile>> {
    const r = (await this.call("osLogin", "listProfiles", listProfilesRequestToSdk(req))) as SdkListProfilesResponse;
    return pageFromSdk(r.profiles, r.nextPageToken, profileFromSdk);
  }

  async updateOsLoginProfile(req: UpdateOsLoginProfileRequest, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.mutateFor(`${OM}OsLoginProfile`, "osLogin", "updateProfile", updateProfileRequestToSdk(req), opts);
  }

  async setDefaultOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<OsLoginProfile> {
    return this.mutateFor(`${OM}OsLoginProfile`, "osLogin", "setDefaultProfile", { osLoginProfileId }, opts);
  }

  async deleteOsLoginProfile(osLoginProfileId: string, opts?: CallOptions): Promise<void> {
    await this.mutate("osLogin", "deleteProfile", { id: osLoginProfileId }, opts);
  }

  async createUserSshKey(req: CreateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey> {
    return this.mutateFor(`${OM}UserSshKey`, "userSshKey", "create", createUserSshKeyRequestToSdk(req), opts);
  }

  async getUserSshKey(userSshKeyId: string): Promise<UserSshKey> {
    return userSshKeyFromSdk((await this.call("userSshKey", "get", { userSshKeyId })) as never);
  }

  async listUserSshKeys(req: ListUserSshKeysRequest): Promise<Page<UserSshKey>> {
    const r = (await this.call("userSshKey", "list", listUserSshKeysRequestToSdk(req))) as { sshKeys: never[]; nextPageToken: string };
    return pageFromSdk(r.sshKeys, r.nextPageToken, userSshKeyFromSdk);
  }

  async updateUserSshKey(req: UpdateUserSshKeyRequest, opts?: CallOptions): Promise<UserSshKey> {
    return this.mutateFor(`${OM}UserSshKey`, "userSshKey", "update", updateUserSshKeyRequestToSdk(req), opts);
  }

  async deleteUserSshKey(userSshKeyId: string, opts?: CallOptions): Promise<void> {
    await this.mutate("userSshKey", "delete", { userSshKeyId }, opts);
  }

  async generateSshCertificate(req: GenerateSshCertificateRequest): Promise<{ signedCertificate: string }> {
    const r = (await this.call("sshCertificate", "generate", generateCertificateRequestToSdk(req))) as { signedCertificate: string };
    return { signedCertificate: r.signedCertificate };
  }

  // ---------- resource-manager ----------

  async getCloud(cloudId: string): Promise<Cloud> {
    return cloudFromSdk((await this.call("cloud", "get", { cloudId })) as never);
  }

  async listClouds(req: PageRequest & { organizationId?: string } = {}): Promise<Page<Cloud>> {
    const r = (await this.call("cloud", "list", { ...paging(req), filter: "", organizationId: req.organizationId ?? "" })) as {
      clouds: never[];
      nextPageToken: string;
    };
    return pageFromSdk(r.clouds, r.nextPageToken, cloudFromSdk);
  }

  async getFolder(folderId: string): Promise<Folder> {
    return folderFromSdk((await this.call("folder", "get", { folderId })) as never);
  }

  async listFolders(req: PageRequest & { cloudId: string }): Promise<Page<Folder>> {
    const r = (await this.call("folder", "list", { cloudId: req.cloudId, ...paging(req), filter: "" })) as {
      folders: never[];
      nextPageToken: string;
    };
    return pageFromSdk(r.folders, r.nextPageToken, folderFromSdk);
  }

  // ---------- iam ----------

  async createServiceAccount(req: CreateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount> {
    return this.mutateFor(`${IAM}ServiceAccount`, "serviceAccount", "create", createServiceAccountRequestToSdk(req), opts);
  }

  async getServiceAccount(serviceAccountId: string): Promise<ServiceAccount> {
    return serviceAccountFromSdk((await this.call("serviceAccount", "get", { serviceAccountId })) as never);
  }

  async listServiceAccounts(req: PageRequest & { folderId: string; filter?: string }): Promise<Page<ServiceAccount>> {
    const r = (await this.call("serviceAccount", "list", listServiceAccountsRequestToSdk(req))) as {
      serviceAccounts: never[];
      nextPageToken: string;
    };
    return pageFromSdk(r.serviceAccounts, r.nextPageToken, serviceAccountFromSdk);
  }

  async updateServiceAccount(req: UpdateServiceAccountRequest, opts?: CallOptions): Promise<ServiceAccount> {
    return this.mutateFor(`${IAM}ServiceAccount`, "serviceAccount", "update", updateServiceAccountRequestToSdk(req), opts);
  }

  async deleteServiceAccount(serviceAccountId: string, opts?: CallOptions): Promise<void> {
    await this.mutate("serviceAccount", "delete", { serviceAccountId }, opts);
  }

  /** KeyService.Create answers directly (no Operation): the private key exists only in this answer. */
  async createKey(req: CreateKeyRequest, opts?: CallOptions): Promise<CreateKeyResponse> {
    return createKeyResponseFromSdk((await this.call("key", "create", createKeyRequestToSdk(req), opts)) as never);
  }

  async getKey(keyId: string): Promise<Key> {
    return keyFromSdk((await this.call("key", "get", { keyId, format: 0 })) as never);
  }

  async listKeys(req: PageRequest & { serviceAccountId: string }): Promise<Page<Key>> {
    const r = (await this.call("key", "list", listKeysRequestToSdk(req))) as { keys: never[]; nextPageToken: string };
    return pageFromSdk(r.keys, r.nextPageToken, keyFromSdk);
  }

  async updateKey(req: { keyId: string; description?: string; updateMask?: string[] }, opts?: CallOptions): Promise<Key> {
    return this.mutateFor(`${IAM}Key`, "key", "update", updateKeyRequestToSdk(req), opts);
  }

  async deleteKey(keyId: string, opts?: CallOptions): Promise<void> {
    await this.mutate("key", "delete", { keyId }, opts);
  }

  // ---------- compute ----------

  async createInstance(req: CreateInstanceRequest, opts?: CallOptions): Promise<Instance> {
    return this.mutateFor(`${COMPUTE}Instance`, "instance", "create", createInstanceRequestToSdk(req), opts);
  }

  async getInstance(instanceId: string, view: "BASIC" | "FULL" = "FULL"): Promise<Instance> {
    return instanceFromSdk((await this.call("instance", "get", { instanceId, view: viewToSdk(view) })) as never);
  }

  /**
   * ListInstancesRequest has no view: for FULL (metadata included) each listed instance is read
   * again with Get view FULL, which is what a client of the real API has to do too.
   */
  async listInstances(req: PageRequest & { folderId: string; filter?: string; view?: "BASIC" | "FULL" }): Promise<Page<Instance>> {
    const r = (await this.call("instance", "list", listInstancesRequestToSdk(req))) as { instances: never[]; nextPageToken: string };
    const page = pageFromSdk(r.instances, r.nextPageToken, instanceFromSdk);
    if (req.view === "FULL") page.items = await Promise.all(page.items.map((i) => this.getInstance(i.id, "FULL")));
    return page;
  }

  async updateInstance(req: UpdateInstanceRequest, opts?: CallOptions): Promise<Instance> {
    return this.mutateFor(`${COMPUTE}Instance`, "instance", "update", updateInstanceRequestToSdk(req), opts);
  }

  async updateInstanceMetadata(req: UpdateInstanceMetadataRequest, opts?: CallOptions): Promise<Instance> {
    return this.mutateFor(`${COMPUTE}Instance`, "instance", "updateMetadata", updateMetadataRequestToSdk(req), opts);
  }

  async deleteInstance(instanceId: string, opts?: CallOptions): Promise<void> {
    await this.mutate("instance", "delete", { instanceId }, opts);
  }

  // ---------- access bindings ----------

  async listAccessBindings(resource: ResourceRef, req: PageRequest = {}): Promise<Page<AccessBinding>> {
    const r = (await this.call(ACCESS_SERVICE[resource.kind], "listAccessBindings", listAccessBindingsRequestToSdk(resource.id, req))) as {
      accessBindings: never[];
      nextPageToken: string;
    };
    return pageFromSdk(r.accessBindings, r.nextPageToken, accessBindingFromSdk);
  }

  async setAccessBindings(resource: ResourceRef, accessBindings: AccessBinding[], opts?: CallOptions): Promise<void> {
    await this.mutate(
      ACCESS_SERVICE[resource.kind],
      "setAccessBindings",
      { resourceId: resource.id, accessBindings: accessBindings.map(accessBindingToSdk) },
      opts,
    );
  }

  async updateAccessBindings(resource: ResourceRef, deltas: AccessBindingDelta[], opts?: CallOptions): Promise<AccessBindingDelta[]> {
    const op = await this.mutate(
      ACCESS_SERVICE[resource.kind],
      "updateAccessBindings",
      { resourceId: resource.id, accessBindingDeltas: deltas.map(deltaToSdk) },
      opts,
    );
    // Organizations answer Empty; the others AccessBindingsOperationResult (as in-process).
    const result = op.response?.value as { effectiveDeltas?: AccessBindingDelta[] } | undefined;
    return result?.effectiveDeltas ?? [];
  }

  // ---------- operations ----------

  async getOperation(operationId: string): Promise<Operation> {
    if (!operationId) throw errors.required("operation_id");
    return operationFromSdk((await this.call("operation", "get", { operationId })) as never);
  }

  /** The SDK opens channels per client and offers no close; they do not keep the process alive. */
  async close(): Promise<void> {
    this.clients.clear();
  }
}

/**
 * A client for the `oslogin serve` that owns dataDir (the CLI's --endpoint): it trusts that data
 * directory's certificate and calls as its admin, reading both files the server wrote on first start.
 */
export async function openGrpcCloudClient(opts: { endpoint: string; dataDir: string }): Promise<GrpcCloudClient> {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      throw errors.failedPrecondition(`cannot read the ${what} ${path}: start \`oslogin serve --data-dir ${opts.dataDir}\` first (it creates it)`);
    }
  };
  const iamToken = read(adminTokenPath(opts.dataDir), "emulator admin token file").trim();
  const rootCertPem = read(tlsPaths(opts.dataDir).certPath, "emulator TLS certificate");
  return new GrpcCloudClient({ endpoint: opts.endpoint, rootCertPem, iamToken });
}

const OM = "yandex.cloud.organizationmanager.v1.";
const IAM = "yandex.cloud.iam.v1.";
const COMPUTE = "yandex.cloud.compute.v1.";

/** PageRequest as the SDK's int64-safe list requests carry it. */
function paging(req: PageRequest): { pageSize: bigint; pageToken: string } {
  return { pageSize: BigInt(req.pageSize ?? 0), pageToken: req.pageToken ?? "" };
}

// CloudClient over gRPC with the official @yandex-cloud/nodejs-sdk's generated service definitions
// (int64-safe copies from the shared catalog, so uids past 2^53 stay exact) and its endpoint map,
// each call made on HTTP/2 by unary.ts (which says why not through the SDK's client factory and
// grpc-js) on connections this client makes, because the SDK's Session cannot renew a service account's token
// from a key without dialling the real IAM endpoint on its own. Each service goes to the one
// endpoint given (`oslogin serve`, a gateway) or to its own host from the SDK's map (the real
// cloud), over TLS trusting the given root or the system store. Mutations poll their Operation until
// done and decode its Any response. Failures reject with CloudError carrying the same code name and
// message as the in-process client, so callers cannot tell the two apart.
import { readFileSync } from "node:fs";
import type { MethodDefinition } from "@grpc/grpc-js";
import { getServiceClientEndpoint } from "@yandex-cloud/nodejs-sdk/dist/service-endpoints";
import { clientClass, SERVICES, type ServiceName } from "../api/grpc/catalog.js";
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
  groupFromSdk,
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
import { emulatorServiceDefinition } from "../api/grpc/emulator-service.js";
import { CloudError, GRPC_CODES, OperationTimeoutError, errors, type GrpcCodeName } from "../../contract/errors.js";
import { tlsPaths } from "../tls.js";
import { decodeRetryAfterMs, STATUS_DETAILS_KEY } from "../realism/retry-info.js";
import { fixedToken, ServiceAccountTokenSource, type TokenExchange, type TokenSource } from "./iam-token-source.js";
import { defaultTrustedRoots } from "./trust.js";
import { UnaryCaller, UnaryFailure } from "./unary.js";
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
  Group,
  User,
  UserSshKey,
} from "../model/types.js";
import { listAll, type CallOptions, type CloudClient, type PageRequest } from "../../contract/cloud-client.js";

export interface GrpcCloudClientOptions {
  /**
   * host:port that serves every service (`oslogin serve`, or a gateway in front of the cloud).
   * Omitted: each service at its own endpoint from the SDK's map (the real cloud's API hosts).
   */
  endpoint?: string;
  /** PEM the server's certificate chains to; omitted = the system store plus NODE_EXTRA_CA_CERTS / SSL_CERT_FILE. */
  rootCertPem?: string;
  /** A fixed IAM token; or tokens, renewed before they expire (fromAuthorizedKey). */
  iamToken?: string;
  tokens?: TokenSource;
  /** The first wait between OperationService.Get polls; it doubles per poll up to 1 s. */
  pollIntervalMs?: number;
  /** How long a mutation's Operation may take to finish before DEADLINE_EXCEEDED (CallOptions.operationTimeoutMs overrides). */
  operationTimeoutMs?: number;
  /** Each RPC's deadline: an unresponsive server fails with DEADLINE_EXCEEDED instead of hanging. */
  callTimeoutMs?: number;
  /** What to do about a certificate nothing trusts, when the default (trust its CA) is not the answer. */
  untrustedHint?: string;
}

const CODE_NAMES = Object.fromEntries(Object.entries(GRPC_CODES).map(([name, code]) => [code, name])) as Record<number, GrpcCodeName>;

/** A gRPC status as the CloudError it was on the server, with its RetryInfo. */
function toCloudError(e: unknown): CloudError {
  if (e instanceof CloudError) return e;
  if (e instanceof UnaryFailure) {
    const out = new CloudError(CODE_NAMES[e.code] ?? "UNKNOWN", e.details);
    const details = e.trailer(STATUS_DETAILS_KEY);
    out.retryAfterMs = decodeRetryAfterMs(details instanceof Uint8Array ? details : undefined);
    return out;
  }
  return new CloudError("UNKNOWN", `gRPC call failed: ${e instanceof Error ? e.message : String(e)}`);
}

/** Codes an OperationService.Get poll may meet and simply poll again after. */
const POLL_AGAIN = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "ABORTED"]);

/** A service's methods by the SDK's names for them (get, list, listAccessBindings, ...). */
type MethodTable = Record<string, MethodDefinition<unknown, unknown>>;

interface SdkOperation {
  id: string;
  done: boolean;
  error?: { code: number; message: string };
}

const ACCESS_SERVICE: Record<ResourceKind, ServiceName> = {
  organization: "organization",
  cloud: "cloud",
  folder: "folder",
  serviceAccount: "serviceAccount",
  instance: "instance",
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class GrpcCloudClient implements CloudClient {
  private readonly methods = new Map<ServiceName, MethodTable>();
  private readonly caller: UnaryCaller;
  private readonly tokens: TokenSource;
  private readonly operationTimeoutMs: number;

  constructor(private readonly opts: GrpcCloudClientOptions) {
    this.tokens = opts.tokens ?? fixedToken(opts.iamToken ?? "");
    this.caller = new UnaryCaller(opts.rootCertPem ? Buffer.from(opts.rootCertPem) : defaultTrustedRoots());
    this.operationTimeoutMs = opts.operationTimeoutMs ?? 60_000;
  }

  /**
   * Authenticates as a service account with its authorized key file, the way the real cloud's
   * clients do: a PS256 JWT exchanged for an IAM token at IamTokenService.Create, and again before
   * that token expires.
   */
  static async fromAuthorizedKey(
    opts: Omit<GrpcCloudClientOptions, "iamToken" | "tokens"> & {
      keyFile: AuthorizedKeyFile;
      /** The JWT's issue time (default: now); a server with a pinned clock (tests) needs its time. */
      now?: Date;
    },
  ): Promise<GrpcCloudClient> {
    let client: GrpcCloudClient | undefined = undefined;
    const exchange: TokenExchange = async (jwt) => {
      const r = (await client!.call("iamToken", "create", { jwt })) as { iamToken: string; expiresAt?: Date };
      return { iamToken: r.iamToken, expiresAt: (r.expiresAt ?? new Date(0)).toISOString() };
    };
    const tokens = new ServiceAccountTokenSource(opts.keyFile, exchange, opts.now ? () => opts.now! : undefined);
    // The first token is made by the first call, so a transient failure there is retried like the call.
    client = new GrpcCloudClient({ ...opts, tokens });
    return client;
  }

  /** Where a service is called: the one endpoint given, else the SDK's map (the real cloud). */
  endpointOf(name: ServiceName): string {
    return this.opts.endpoint ?? getServiceClientEndpoint(SERVICES[name].clientClass as never);
  }

  /** The service's int64-safe method definitions from the shared catalog, built on first use. */
  private methodsOf(name: ServiceName): MethodTable {
    let m = this.methods.get(name);
    if (!m) this.methods.set(name, (m = clientClass(name).service as unknown as MethodTable));
    return m;
  }

  private call(service: ServiceName, method: string, request: unknown, opts?: CallOptions): Promise<unknown> {
    // IamTokenService.Create is how a token is made: it is called without one.
    return this.invoke(this.endpointOf(service), this.methodsOf(service)[method], request, service !== "iamToken", opts);
  }

  private async invoke(endpoint: string, definition: MethodDefinition<unknown, unknown>, request: unknown, withToken: boolean, opts?: CallOptions): Promise<unknown> {
    for (let renewed = false; ; renewed = true) {
      // The token goes with each call (not as channel credentials): a renewed one is used from the
      // next call on, and a failure to get one is the call's CloudError, retried like any other.
      const headers: Record<string, string> = withToken ? { authorization: `Bearer ${await this.tokens.get()}` } : {};
      if (opts?.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
      try {
        return await this.caller.call(endpoint, definition, request, headers, this.opts.callTimeoutMs ?? 30_000);
      } catch (e) {
        const err = this.transportError(endpoint, e) ?? toCloudError(e);
        // A token the server no longer takes (expired early, revoked): renew once and try again.
        if (err.code === "UNAUTHENTICATED" && !renewed && this.opts.tokens && withToken) {
          this.tokens.invalidate();
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * A failure that is not the server's answer: a certificate nothing trusted (retrying cannot help,
   * so not UNAVAILABLE).
   */
  private transportError(endpoint: string, e: unknown): CloudError | undefined {
    const message = e instanceof UnaryFailure ? e.details : e instanceof Error ? e.message : "";
    const mismatch = /Hostname\/IP does not match certificate's altnames: (.*)/.exec(message);
    if (mismatch) {
      // The CA is trusted; the address used is not one the certificate was issued for.
      return new CloudError(
        "FAILED_PRECONDITION",
        `the TLS certificate of ${endpoint} is for other names (${mismatch[1].replace(/\.$/, "")}): connect by a name or address the certificate lists`,
      );
    }
    if (/self[- ]signed certificate|unable to (verify|get (local )?issuer)|certificate (has expired|is not yet valid)/i.test(message)) {
      return new CloudError(
        "FAILED_PRECONDITION",
        `the TLS certificate of ${endpoint} is not trusted (${message.replace(/\.$/, "")}): ${this.opts.untrustedHint ?? "trust its CA with root_certs, NODE_EXTRA_CA_CERTS or SSL_CERT_FILE"}`,
      );
    }
    return undefined;
  }

  /**
   * The emulator only (`oslogin serve`, called as its admin): an IAM token for a member or service
   * account, issued without their credential. The real API has no such call.
   */
  async issueIamTokenFor(subject: { type: string; id: string }): Promise<{ iamToken: string; expiresAt: string }> {
    if (!this.opts.endpoint) throw errors.failedPrecondition("only the emulator (oslogin serve, at an endpoint) issues tokens for a subject");
    const r = (await this.invoke(this.opts.endpoint, emulatorServiceDefinition.issueIamToken as MethodDefinition<unknown, unknown>, subject, true)) as {
      iamToken: string;
      expiresAt?: Date;
    };
    return { iamToken: r.iamToken, expiresAt: (r.expiresAt ?? new Date(0)).toISOString() };
  }

  /** The same endpoint and trust, calling with `iamToken` (someone else's, e.g. a member's the admin issued). */
  withToken(iamToken: string): GrpcCloudClient {
    return new GrpcCloudClient({ ...this.opts, tokens: undefined, iamToken });
  }

  /**
   * Runs a mutation and awaits its Operation: OperationService.Get is polled (with growing pauses,
   * riding out transient failures) until it is done or the operation timeout passes.
   */
  private async mutate(service: ServiceName, method: string, request: unknown, opts?: CallOptions): Promise<Operation> {
    let op = (await this.call(service, method, request, opts)) as SdkOperation;
    const timeoutMs = opts?.operationTimeoutMs ?? this.operationTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    let pause = this.opts.pollIntervalMs ?? 10;
    while (!op.done) {
      const left = deadline - Date.now();
      if (left <= 0) throw new OperationTimeoutError(op.id, timeoutMs);
      await sleep(Math.min(pause, left));
      // Doubling: each poll is a round trip (tens of ms to the real cloud) that already spaces them,
      // so pauses that grew by half made about 4 polls of a 200 ms operation and 12 of a 2 s one;
      // doubling makes 3 and 8 and sees both done as soon (bench/realcloud/fleet.ts --operations).
      pause = Math.min(pause * 2, 1000);
      try {
        op = (await this.call("operation", "get", { operationId: op.id })) as SdkOperation;
      } catch (e) {
        if (!(e instanceof CloudError) || !POLL_AGAIN.has(e.code)) throw e;
        if (e.retryAfterMs) pause = Math.max(pause, e.retryAfterMs);
      }
    }
    if (op.error) throw new CloudError(CODE_NAMES[op.error.code] ?? "UNKNOWN", op.error.message);
    return operationFromSdk(op as never);
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

  async listGroups(organizationId: string, req: PageRequest = {}): Promise<Page<Group>> {
    const r = (await this.call("group", "list", { organizationId, filter: "", ...paging(req) })) as { groups: never[]; nextPageToken: string };
    const items: Group[] = [];
    for (const g of r.groups as { id: string }[]) {
      const members = await listAll<string>(async (pageToken) => {
        const m = (await this.call("group", "listMembers", { groupId: g.id, pageToken, pageSize: 1000n })) as { members: { subjectId: string }[]; nextPageToken: string };
        return { items: m.members.map((x) => x.subjectId), nextPageToken: m.nextPageToken };
      });
      items.push(groupFromSdk(g as never, members));
    }
    return { items, nextPageToken: r.nextPageToken };
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

  async getSerialPortOutput(instanceId: string, port = 1): Promise<string> {
    return ((await this.call("instance", "getSerialPortOutput", { instanceId, port })) as { contents: string }).contents;
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

  async close(): Promise<void> {
    this.caller.close();
  }
}

/** A file `oslogin serve` wrote into its data directory on first start, or what to do when it is not there. */
function readServedFile(dataDir: string, path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw errors.failedPrecondition(`cannot read the ${what} ${path}: start \`oslogin serve --data-dir ${dataDir}\` first (it creates it)`);
  }
}

/** The TLS certificate `oslogin serve` on dataDir presents: what its clients trust as their root. */
export function servedCertificatePem(dataDir: string): string {
  return readServedFile(dataDir, tlsPaths(dataDir).certPath, "emulator TLS certificate");
}

/**
 * A client for the `oslogin serve` that owns dataDir (the CLI's --endpoint): it trusts that data
 * directory's certificate (or rootCertPem when given) and calls as its admin, reading the admin
 * token the server wrote on first start.
 */
export async function openGrpcCloudClient(opts: { endpoint: string; dataDir: string; rootCertPem?: string }): Promise<GrpcCloudClient> {
  const iamToken = readServedFile(opts.dataDir, adminTokenPath(opts.dataDir), "emulator admin token file").trim();
  const rootCertPem = opts.rootCertPem ?? servedCertificatePem(opts.dataDir);
  // Trusting this data directory's own certificate, another server's is untrusted because it is
  // another data directory's emulator, not for want of a CA.
  const untrustedHint = opts.rootCertPem ? undefined : `is ${opts.endpoint} the oslogin serve of ${opts.dataDir}? Pass the --data-dir that server uses`;
  return new GrpcCloudClient({ endpoint: opts.endpoint, rootCertPem, iamToken, untrustedHint });
}

const OM = "yandex.cloud.organizationmanager.v1.";
const IAM = "yandex.cloud.iam.v1.";
const COMPUTE = "yandex.cloud.compute.v1.";

/** PageRequest as the SDK's int64-safe list requests carry it. */
function paging(req: PageRequest): { pageSize: bigint; pageToken: string } {
  return { pageSize: BigInt(req.pageSize ?? 0), pageToken: req.pageToken ?? "" };
}

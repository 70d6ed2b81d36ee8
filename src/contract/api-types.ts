// The API's messages in their camelCase (REST JSON) naming: the contract between the emulator, the
// CloudClient implementations, the resources and everything else that talks to a cloud.
// Conventions, end to end:
// - int64 fields are `bigint` (never a JS number: uids go up to 2^63-1). REST writes them as decimal
//   strings; the gRPC layer converts at its edge.
// - timestamps are RFC3339 strings in UTC (`new Date().toISOString()` precision).
// - enums are their proto names ("RSA_2048", "OS_LOGIN", "RUNNING").
// Request types are what an API operation takes after the wire layer has decoded it; the emulator
// validates rules (lengths, patterns, ranges, references: src/contract/rules.ts) and throws CloudError.

export type Timestamp = string;

// ---------- directory (seeded, not managed through the public API) ----------

export interface Organization {
  id: string;
  name: string;
  title: string;
  createdAt: Timestamp;
}

/** An organization member (a user account from the directory). */
export interface User {
  id: string;
  organizationId: string;
  /** The member's name, from which the default OS Login login is derived. */
  name: string;
  email: string;
}

export interface Group {
  id: string;
  organizationId: string;
  name: string;
  /** Member user ids. */
  members: string[];
}

export interface Cloud {
  id: string;
  organizationId: string;
  name: string;
  createdAt: Timestamp;
}

export interface Folder {
  id: string;
  cloudId: string;
  name: string;
  createdAt: Timestamp;
}

// ---------- OS Login ----------

export interface OsLoginSettings {
  userSshKeySettings: { enabled: boolean; allowManageOwnKeys: boolean };
  sshCertificateSettings: { enabled: boolean };
}

export interface UpdateOsLoginSettingsRequest {
  organizationId: string;
  userSshKeySettings?: { enabled?: boolean; allowManageOwnKeys?: boolean };
  sshCertificateSettings?: { enabled?: boolean };
  /** Field mask paths (snake_case, e.g. "user_ssh_key_settings" or "user_ssh_key_settings.enabled"). Empty = every field given. */
  updateMask?: string[];
}

export interface OsLoginProfile {
  id: string;
  organizationId: string;
  subjectId: string;
  login: string;
  uid: bigint;
  isDefault: boolean;
  homeDirectory: string;
  shell: string;
}

export interface CreateOsLoginProfileRequest {
  organizationId: string;
  /** Optional in the API: empty means the caller. */
  subjectId?: string;
  login: string;
  /** Omitted (undefined) = allocate the next free uid. */
  uid?: bigint;
  homeDirectory?: string;
  shell?: string;
}

export interface ListOsLoginProfilesRequest {
  organizationId: string;
  pageSize?: bigint;
  pageToken?: string;
  /** `subject_id="..."`, `uid="..."` or `login="..."`. */
  filter?: string;
}

export interface UpdateOsLoginProfileRequest {
  osLoginProfileId: string;
  login: string;
  uid?: bigint;
  homeDirectory?: string;
  shell?: string;
  updateMask?: string[];
}

export interface UserSshKey {
  id: string;
  subjectId: string;
  data: string;
  name: string;
  fingerprint: string;
  organizationId: string;
  createdAt: Timestamp;
  /** Absent = never expires. */
  expiresAt?: Timestamp;
}

export interface CreateUserSshKeyRequest {
  organizationId: string;
  subjectId: string;
  name?: string;
  data: string;
  expiresAt?: Timestamp;
}

export interface ListUserSshKeysRequest {
  organizationId: string;
  subjectId?: string;
  pageSize?: bigint;
  pageToken?: string;
}

export interface UpdateUserSshKeyRequest {
  userSshKeyId: string;
  name?: string;
  expiresAt?: Timestamp;
  updateMask?: string[];
}

export interface GenerateSshCertificateRequest {
  /** Exactly one of organizationId / cloudId. */
  organizationId?: string;
  cloudId?: string;
  /** At most one of subjectId / osLogin; neither = the caller's default profile. */
  subjectId?: string;
  osLogin?: string;
  publicKey: string;
}

// ---------- IAM ----------

export interface ServiceAccount {
  id: string;
  folderId: string;
  createdAt: Timestamp;
  name: string;
  description: string;
  labels: Record<string, string>;
}

export interface CreateServiceAccountRequest {
  folderId: string;
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface UpdateServiceAccountRequest {
  serviceAccountId: string;
  name?: string;
  description?: string;
  labels?: Record<string, string>;
  updateMask?: string[];
}

export type KeyAlgorithm = "RSA_2048" | "RSA_4096";

/** An authorized key of a service account (iam.v1.Key). The private key is never stored. */
export interface Key {
  id: string;
  serviceAccountId: string;
  createdAt: Timestamp;
  description: string;
  keyAlgorithm: KeyAlgorithm;
  /** SPKI PEM. */
  publicKey: string;
}

export interface CreateKeyRequest {
  serviceAccountId: string;
  description?: string;
  keyAlgorithm?: KeyAlgorithm;
}

export interface CreateKeyResponse {
  key: Key;
  /** "PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>\n-----BEGIN PRIVATE KEY-----..." Returned once. */
  privateKey: string;
}

/** The JSON key file the yc CLI and the real provider read (service_account_key_file). */
export interface AuthorizedKeyFile {
  id: string;
  service_account_id: string;
  created_at: Timestamp;
  key_algorithm: KeyAlgorithm;
  public_key: string;
  private_key: string;
}

// ---------- compute ----------

export type SshAuthorization = "INSTANCE_METADATA" | "OS_LOGIN";

export interface InstanceResources {
  /** Bytes. */
  memory: bigint;
  cores: bigint;
  coreFraction: bigint;
  gpus: bigint;
}

export interface OneToOneNat {
  address: string;
  ipVersion: "IPV4" | "IPV6";
}

export interface NetworkInterface {
  index: string;
  macAddress: string;
  subnetId: string;
  primaryV4Address: { address: string; oneToOneNat?: OneToOneNat };
  securityGroupIds: string[];
}

export interface AttachedDisk {
  mode: "READ_ONLY" | "READ_WRITE";
  deviceName: string;
  autoDelete: boolean;
  diskId: string;
}

export type InstanceStatus = "PROVISIONING" | "RUNNING" | "STOPPING" | "STOPPED" | "STARTING" | "DELETING";

export interface Instance {
  id: string;
  folderId: string;
  createdAt: Timestamp;
  name: string;
  description: string;
  labels: Record<string, string>;
  zoneId: string;
  platformId: string;
  resources: InstanceResources;
  status: InstanceStatus;
  /** Only returned by Get with view FULL (as the real API does). */
  metadata: Record<string, string>;
  bootDisk: AttachedDisk;
  networkInterfaces: NetworkInterface[];
  fqdn: string;
  serviceAccountId: string;
  serialPortSettings: { sshAuthorization: SshAuthorization };
}

export interface CreateInstanceRequest {
  folderId: string;
  name?: string;
  description?: string;
  labels?: Record<string, string>;
  zoneId: string;
  platformId: string;
  resourcesSpec: { memory: bigint; cores: bigint; coreFraction?: bigint; gpus?: bigint };
  metadata?: Record<string, string>;
  bootDiskSpec: {
    mode?: "READ_ONLY" | "READ_WRITE";
    deviceName?: string;
    autoDelete?: boolean;
    diskId?: string;
    diskSpec?: { name?: string; description?: string; typeId?: string; size: bigint; imageId?: string; snapshotId?: string };
  };
  networkInterfaceSpecs: {
    subnetId: string;
    primaryV4AddressSpec?: { address?: string; oneToOneNatSpec?: { ipVersion?: "IPV4" | "IPV6"; address?: string } };
    securityGroupIds?: string[];
  }[];
  hostname?: string;
  serviceAccountId?: string;
  /** Omitted = OS_LOGIN when the organization has OS Login on, INSTANCE_METADATA otherwise. */
  serialPortSettings?: { sshAuthorization?: SshAuthorization };
}

export interface UpdateInstanceRequest {
  instanceId: string;
  updateMask?: string[];
  name?: string;
  description?: string;
  labels?: Record<string, string>;
  platformId?: string;
  resourcesSpec?: { memory: bigint; cores: bigint; coreFraction?: bigint; gpus?: bigint };
  /** Replaces the whole map. */
  metadata?: Record<string, string>;
  serviceAccountId?: string;
  serialPortSettings?: { sshAuthorization?: SshAuthorization };
}

export interface UpdateInstanceMetadataRequest {
  instanceId: string;
  delete?: string[];
  upsert?: Record<string, string>;
}

// ---------- access bindings ----------

export type ResourceKind = "organization" | "cloud" | "folder" | "serviceAccount" | "instance";

export interface ResourceRef {
  kind: ResourceKind;
  id: string;
}

export interface Subject {
  /** userAccount | serviceAccount | federatedUser | group | system */
  type: string;
  id: string;
}

export interface AccessBinding {
  roleId: string;
  subject: Subject;
}

export interface AccessBindingDelta {
  action: "ADD" | "REMOVE";
  accessBinding: AccessBinding;
}

// ---------- operations and audit ----------

/** An Any: the full proto message name and the value in this model's shape. */
export interface AnyValue {
  typeName: string;
  value: unknown;
}

export interface Operation {
  id: string;
  description: string;
  createdAt: Timestamp;
  createdBy: string;
  modifiedAt: Timestamp;
  done: boolean;
  metadata?: AnyValue;
  error?: { code: number; message: string; details: unknown[] };
  response?: AnyValue;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

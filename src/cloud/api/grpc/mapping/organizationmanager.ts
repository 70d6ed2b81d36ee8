// organization-manager: SDK messages ⇄ model types (organizations, members, OS Login settings and
// profiles, user SSH keys, SSH certificates). Server handlers use the *FromSdk request and *ToSdk
// entity functions; the gRPC client uses the opposite pair. uid travels as bigint (see ../int64.ts).
import * as sdkGroup from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/group";
import * as groups from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/group_service";
import * as sdkOrganization from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/organization";
import * as orgs from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/organization_service";
import * as osl from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/os_login_service";
import * as certs from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/ssh_certificate_service";
import * as users from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/user_service";
import * as sdkUserSshKey from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/user_ssh_key";
import * as keys from "@yandex-cloud/nodejs-sdk/organizationmanager-v1/user_ssh_key_service";
import { SubjectType } from "@yandex-cloud/nodejs-sdk/proto/oauth/claims";
import type {
  CreateOsLoginProfileRequest,
  CreateUserSshKeyRequest,
  GenerateSshCertificateRequest,
  Group,
  ListOsLoginProfilesRequest,
  ListUserSshKeysRequest,
  Organization,
  OsLoginProfile,
  OsLoginSettings,
  UpdateOsLoginProfileRequest,
  UpdateOsLoginSettingsRequest,
  UpdateUserSshKeyRequest,
  User,
  UserSshKey,
} from "../../../model/types.js";
import { codec, pageSizeShape, type Int64Shape, type WithInt64 } from "../int64.js";
import { mappedAny, mappedInt64Any, plainAny, type AnyCodec } from "./any.js";
import { fromDate, impliedMask, maskFromSdk, maskToSdk, optional, orEmpty, pageSizeFromSdk, pageSizeToSdk, toDate } from "./common.js";

const API = "yandex.cloud.organizationmanager.v1.";

// ---------- int64 shapes (messages carrying uid or page_size) ----------

export const PROFILE_SHAPE: Int64Shape = { codec: codec(osl.OsLoginProfile), int64: ["uid"] };
export const OS_LOGIN_INT64: Record<string, { request?: Int64Shape; response?: Int64Shape }> = {
  getProfile: { response: PROFILE_SHAPE },
  listProfiles: {
    request: pageSizeShape(osl.ListOsLoginProfilesRequest),
    response: { codec: codec(osl.ListOsLoginProfilesResponse), messages: { profiles: PROFILE_SHAPE } },
  },
  createProfile: { request: { codec: codec(osl.CreateOsLoginProfileRequest), int64: ["uid"] } },
  updateProfile: { request: { codec: codec(osl.UpdateOsLoginProfileRequest), int64: ["uid"] } },
};
export const USER_SSH_KEY_INT64 = { list: { request: pageSizeShape(keys.ListUserSshKeysRequest) } };
export const ORGANIZATION_INT64 = { list: { request: pageSizeShape(orgs.ListOrganizationsRequest) } };
export const USER_INT64 = { listMembers: { request: pageSizeShape(users.ListMembersRequest) } };
export const GROUP_INT64 = {
  list: { request: pageSizeShape(groups.ListGroupsRequest) },
  listMembers: { request: pageSizeShape(groups.ListGroupMembersRequest) },
};
export type SdkListGroupsRequest = WithInt64<groups.ListGroupsRequest, "pageSize">;
export type SdkListGroupMembersRequest = WithInt64<groups.ListGroupMembersRequest, "pageSize">;

export type SdkProfile = WithInt64<osl.OsLoginProfile, "uid">;
export type SdkCreateProfileRequest = WithInt64<osl.CreateOsLoginProfileRequest, "uid">;
export type SdkUpdateProfileRequest = WithInt64<osl.UpdateOsLoginProfileRequest, "uid">;
export type SdkListProfilesRequest = WithInt64<osl.ListOsLoginProfilesRequest, "pageSize">;
export type SdkListProfilesResponse = Omit<osl.ListOsLoginProfilesResponse, "profiles"> & { profiles: SdkProfile[] };
export type SdkListUserSshKeysRequest = WithInt64<keys.ListUserSshKeysRequest, "pageSize">;
export type SdkListMembersRequest = WithInt64<users.ListMembersRequest, "pageSize">;

// ---------- organizations and members ----------

export function organizationToSdk(o: Organization): sdkOrganization.Organization {
  return { id: o.id, createdAt: toDate(o.createdAt), name: o.name, description: "", title: o.title, labels: {} };
}

export function organizationFromSdk(o: sdkOrganization.Organization): Organization {
  return { id: o.id, name: o.name, title: o.title, createdAt: fromDate(o.createdAt) ?? "" };
}

export function memberToSdk(u: User): users.ListMembersResponse_OrganizationUser {
  return {
    subjectClaims: {
      sub: u.id,
      name: u.name,
      givenName: "",
      familyName: "",
      preferredUsername: u.name,
      picture: "",
      email: u.email,
      zoneinfo: "",
      locale: "",
      phoneNumber: "",
      subType: SubjectType.USER_ACCOUNT,
    },
  };
}

/** ListMembers answers subject claims only; the organization comes from the request. */
export function memberFromSdk(m: users.ListMembersResponse_OrganizationUser, organizationId: string): User {
  const c = m.subjectClaims;
  return { id: c?.sub ?? "", organizationId, name: c?.name ?? "", email: c?.email ?? "" };
}

/** A group as GroupService.List answers it: no members (ListMembers lists them). */
export function groupToSdk(g: Group): sdkGroup.Group {
  return { id: g.id, organizationId: g.organizationId, name: g.name, description: "", subjectContainerId: "", externalId: "", labels: {} };
}

export function groupFromSdk(g: sdkGroup.Group, members: string[]): Group {
  return { id: g.id, organizationId: g.organizationId, name: g.name, members };
}

// ---------- OS Login settings ----------

export function settingsToSdk(s: OsLoginSettings): osl.OsLoginSettings {
  return {
    userSshKeySettings: { enabled: s.userSshKeySettings.enabled, allowManageOwnKeys: s.userSshKeySettings.allowManageOwnKeys },
    sshCertificateSettings: { enabled: s.sshCertificateSettings.enabled },
  };
}

export function settingsFromSdk(s: osl.OsLoginSettings): OsLoginSettings {
  return {
    userSshKeySettings: {
      enabled: s.userSshKeySettings?.enabled ?? false,
      allowManageOwnKeys: s.userSshKeySettings?.allowManageOwnKeys ?? false,
    },
    sshCertificateSettings: { enabled: s.sshCertificateSettings?.enabled ?? false },
  };
}

export function updateSettingsRequestFromSdk(r: osl.UpdateOsLoginSettingsRequest): UpdateOsLoginSettingsRequest {
  return {
    organizationId: r.organizationId,
    userSshKeySettings: r.userSshKeySettings && { ...r.userSshKeySettings },
    sshCertificateSettings: r.sshCertificateSettings && { ...r.sshCertificateSettings },
    updateMask: maskFromSdk(r.updateMask),
  };
}

/**
 * proto3 booleans have no presence, so a partial update without a mask would reset the fields the
 * caller left out; the client therefore sends the mask that names exactly the fields it was given.
 */
export function updateSettingsRequestToSdk(r: UpdateOsLoginSettingsRequest): osl.UpdateOsLoginSettingsRequest {
  const implied: string[] = [];
  if (r.userSshKeySettings?.enabled !== undefined) implied.push("user_ssh_key_settings.enabled");
  if (r.userSshKeySettings?.allowManageOwnKeys !== undefined) implied.push("user_ssh_key_settings.allow_manage_own_keys");
  if (r.sshCertificateSettings?.enabled !== undefined) implied.push("ssh_certificate_settings.enabled");
  return osl.UpdateOsLoginSettingsRequest.fromPartial({
    organizationId: r.organizationId,
    userSshKeySettings: r.userSshKeySettings && {
      enabled: r.userSshKeySettings.enabled ?? false,
      allowManageOwnKeys: r.userSshKeySettings.allowManageOwnKeys ?? false,
    },
    sshCertificateSettings: r.sshCertificateSettings && { enabled: r.sshCertificateSettings.enabled ?? false },
    updateMask: maskToSdk(r.updateMask ?? implied),
  });
}

// ---------- OS Login profiles ----------

export function profileToSdk(p: OsLoginProfile): SdkProfile {
  return {
    id: p.id,
    organizationId: p.organizationId,
    subjectId: p.subjectId,
    login: p.login,
    uid: p.uid,
    isDefault: p.isDefault,
    homeDirectory: p.homeDirectory,
    shell: p.shell,
  };
}

export function profileFromSdk(p: SdkProfile): OsLoginProfile {
  return {
    id: p.id,
    organizationId: p.organizationId,
    subjectId: p.subjectId,
    login: p.login,
    uid: p.uid,
    isDefault: p.isDefault,
    homeDirectory: p.homeDirectory,
    shell: p.shell,
  };
}

/** uid 0 is proto3's "not set": the model then allocates one. */
const uidFromSdk = (uid: bigint): bigint | undefined => (uid === 0n ? undefined : uid);

export function createProfileRequestFromSdk(r: SdkCreateProfileRequest): CreateOsLoginProfileRequest {
  return {
    organizationId: r.organizationId,
    subjectId: optional(r.subjectId),
    login: r.login,
    uid: uidFromSdk(r.uid),
    homeDirectory: optional(r.homeDirectory),
    shell: optional(r.shell),
  };
}

export function createProfileRequestToSdk(r: CreateOsLoginProfileRequest): SdkCreateProfileRequest {
  return {
    organizationId: r.organizationId,
    subjectId: orEmpty(r.subjectId),
    login: r.login,
    uid: r.uid ?? 0n,
    homeDirectory: orEmpty(r.homeDirectory),
    shell: orEmpty(r.shell),
  };
}

export function listProfilesRequestFromSdk(r: SdkListProfilesRequest): ListOsLoginProfilesRequest {
  return {
    organizationId: r.organizationId,
    pageSize: pageSizeFromSdk(r.pageSize),
    pageToken: optional(r.pageToken),
    filter: optional(r.filter),
  };
}

export function listProfilesRequestToSdk(r: ListOsLoginProfilesRequest): SdkListProfilesRequest {
  return {
    organizationId: r.organizationId,
    pageSize: pageSizeToSdk(r.pageSize),
    pageToken: orEmpty(r.pageToken),
    filter: orEmpty(r.filter),
  };
}

export function updateProfileRequestFromSdk(r: SdkUpdateProfileRequest): UpdateOsLoginProfileRequest {
  return {
    osLoginProfileId: r.osLoginProfileId,
    login: r.login,
    uid: uidFromSdk(r.uid),
    homeDirectory: optional(r.homeDirectory),
    shell: optional(r.shell),
    updateMask: maskFromSdk(r.updateMask),
  };
}

export function updateProfileRequestToSdk(r: UpdateOsLoginProfileRequest): SdkUpdateProfileRequest {
  const implied = [
    "login", // the model's update request always carries a login
    ...impliedMask(r, [
      ["uid", "uid"],
      ["homeDirectory", "home_directory"],
      ["shell", "shell"],
    ]),
  ];
  return {
    osLoginProfileId: r.osLoginProfileId,
    login: r.login,
    uid: r.uid ?? 0n,
    homeDirectory: orEmpty(r.homeDirectory),
    shell: orEmpty(r.shell),
    updateMask: maskToSdk(r.updateMask ?? implied),
  };
}

// ---------- user SSH keys ----------

export function userSshKeyToSdk(k: UserSshKey): sdkUserSshKey.UserSshKey {
  return {
    id: k.id,
    subjectId: k.subjectId,
    data: k.data,
    name: k.name,
    fingerprint: k.fingerprint,
    organizationId: k.organizationId,
    createdAt: toDate(k.createdAt),
    expiresAt: toDate(k.expiresAt),
  };
}

export function userSshKeyFromSdk(k: sdkUserSshKey.UserSshKey): UserSshKey {
  const key: UserSshKey = {
    id: k.id,
    subjectId: k.subjectId,
    data: k.data,
    name: k.name,
    fingerprint: k.fingerprint,
    organizationId: k.organizationId,
    createdAt: fromDate(k.createdAt) ?? "",
  };
  if (k.expiresAt) key.expiresAt = fromDate(k.expiresAt);
  return key;
}

export function createUserSshKeyRequestFromSdk(r: keys.CreateUserSshKeyRequest): CreateUserSshKeyRequest {
  return {
    organizationId: r.organizationId,
    subjectId: r.subjectId,
    name: optional(r.name),
    data: r.data,
    expiresAt: fromDate(r.expiresAt),
  };
}

export function createUserSshKeyRequestToSdk(r: CreateUserSshKeyRequest): keys.CreateUserSshKeyRequest {
  return keys.CreateUserSshKeyRequest.fromPartial({
    organizationId: r.organizationId,
    subjectId: r.subjectId,
    name: orEmpty(r.name),
    data: r.data,
    expiresAt: toDate(r.expiresAt),
  });
}

export function listUserSshKeysRequestFromSdk(r: SdkListUserSshKeysRequest): ListUserSshKeysRequest {
  return {
    organizationId: r.organizationId,
    subjectId: optional(r.subjectId),
    pageSize: pageSizeFromSdk(r.pageSize),
    pageToken: optional(r.pageToken),
  };
}

export function listUserSshKeysRequestToSdk(r: ListUserSshKeysRequest): SdkListUserSshKeysRequest {
  return {
    organizationId: r.organizationId,
    subjectId: orEmpty(r.subjectId),
    pageSize: pageSizeToSdk(r.pageSize),
    pageToken: orEmpty(r.pageToken),
  };
}

export function updateUserSshKeyRequestFromSdk(r: keys.UpdateUserSshKeyRequest): UpdateUserSshKeyRequest {
  return {
    userSshKeyId: r.userSshKeyId,
    name: optional(r.name),
    expiresAt: fromDate(r.expiresAt),
    updateMask: maskFromSdk(r.updateMask),
  };
}

export function updateUserSshKeyRequestToSdk(r: UpdateUserSshKeyRequest): keys.UpdateUserSshKeyRequest {
  const implied = impliedMask(r, [
    ["name", "name"],
    ["expiresAt", "expires_at"],
  ]);
  return keys.UpdateUserSshKeyRequest.fromPartial({
    userSshKeyId: r.userSshKeyId,
    name: orEmpty(r.name),
    expiresAt: toDate(r.expiresAt),
    updateMask: maskToSdk(r.updateMask ?? implied),
  });
}

// ---------- SSH certificates ----------

export function generateCertificateRequestFromSdk(r: certs.GenerateSshCertificateRequest): GenerateSshCertificateRequest {
  return {
    organizationId: optional(r.organizationId),
    cloudId: optional(r.cloudId),
    subjectId: optional(r.subjectId),
    osLogin: optional(r.osLogin),
    publicKey: r.publicKey,
  };
}

export function generateCertificateRequestToSdk(r: GenerateSshCertificateRequest): certs.GenerateSshCertificateRequest {
  return certs.GenerateSshCertificateRequest.fromPartial({
    organizationId: optional(r.organizationId),
    cloudId: optional(r.cloudId),
    subjectId: optional(r.subjectId),
    osLogin: optional(r.osLogin),
    publicKey: r.publicKey,
  });
}

// ---------- Operation payloads ----------

export const ORGANIZATIONMANAGER_ANY: AnyCodec<never>[] = [
  mappedAny(`${API}OsLoginSettings`, osl.OsLoginSettings, settingsToSdk, settingsFromSdk),
  mappedInt64Any(`${API}OsLoginProfile`, PROFILE_SHAPE, profileToSdk, profileFromSdk),
  mappedAny(`${API}UserSshKey`, sdkUserSshKey.UserSshKey, userSshKeyToSdk, userSshKeyFromSdk),
  plainAny(`${API}UpdateOsLoginSettingsMetadata`, osl.UpdateOsLoginSettingsMetadata),
  plainAny(`${API}CreateOsLoginProfileMetadata`, osl.CreateOsLoginProfileMetadata),
  plainAny(`${API}UpdateOsLoginProfileMetadata`, osl.UpdateOsLoginProfileMetadata),
  plainAny(`${API}DeleteOsLoginProfileMetadata`, osl.DeleteOsLoginProfileMetadata),
  plainAny(`${API}SetDefaultOsLoginProfileMetadata`, osl.SetDefaultOsLoginProfileMetadata),
  plainAny(`${API}CreateUserSshKeyMetadata`, keys.CreateUserSshKeyMetadata),
  plainAny(`${API}UpdateUserSshKeyMetadata`, keys.UpdateUserSshKeyMetadata),
  plainAny(`${API}DeleteUserSshKeyMetadata`, keys.DeleteUserSshKeyMetadata),
] as AnyCodec<never>[];

// organization-manager services: OsLoginService, UserSshKeyService, SshCertificateService,
// OrganizationService (Get/List/access bindings), UserService (ListMembers) and GroupService
// (Get/List/ListMembers, read-only: groups come from the seed).
import type {
  groupService as groups,
  organizationService as orgs,
  osLoginService as osl,
  sshCertificateService as certs,
  userService as users,
  userSshKeyService as keys,
} from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import { optional, pageSizeFromSdk } from "../mapping/common.js";
import { operationToSdk } from "../mapping/operation.js";
import {
  createProfileRequestFromSdk,
  createUserSshKeyRequestFromSdk,
  generateCertificateRequestFromSdk,
  groupToSdk,
  listProfilesRequestFromSdk,
  listUserSshKeysRequestFromSdk,
  memberToSdk,
  organizationToSdk,
  profileToSdk,
  settingsToSdk,
  updateProfileRequestFromSdk,
  updateSettingsRequestFromSdk,
  updateUserSshKeyRequestFromSdk,
  userSshKeyToSdk,
  type SdkCreateProfileRequest,
  type SdkListGroupMembersRequest,
  type SdkListGroupsRequest,
  type SdkListMembersRequest,
  type SdkListProfilesRequest,
  type SdkListProfilesResponse,
  type SdkUpdateProfileRequest,
  type SdkListUserSshKeysRequest,
} from "../mapping/organizationmanager.js";
import { accessBindingMethods } from "./access.js";

export function osLoginMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  const s = model.osLogin;
  return {
    getSettings: (r: osl.GetOsLoginSettingsRequest, c: CallContext) => settingsToSdk(s.getSettings(c.caller, r)),
    updateSettings: (r: osl.UpdateOsLoginSettingsRequest, c: CallContext) =>
      operationToSdk(s.updateSettings(c.caller, updateSettingsRequestFromSdk(r), c)),
    getProfile: (r: osl.GetOsLoginProfileRequest, c: CallContext) => profileToSdk(s.getProfile(c.caller, r)),
    listProfiles: (r: SdkListProfilesRequest, c: CallContext): SdkListProfilesResponse => {
      const page = s.listProfiles(c.caller, listProfilesRequestFromSdk(r));
      return { profiles: page.items.map(profileToSdk), nextPageToken: page.nextPageToken };
    },
    createProfile: (r: SdkCreateProfileRequest, c: CallContext) =>
      operationToSdk(s.createProfile(c.caller, createProfileRequestFromSdk(r), c)),
    updateProfile: (r: SdkUpdateProfileRequest, c: CallContext) =>
      operationToSdk(s.updateProfile(c.caller, updateProfileRequestFromSdk(r), c)),
    setDefaultProfile: (r: osl.SetDefaultOsLoginProfileRequest, c: CallContext) =>
      operationToSdk(s.setDefaultProfile(c.caller, r, c)),
    deleteProfile: (r: osl.DeleteOsLoginProfileRequest, c: CallContext) => operationToSdk(s.deleteProfile(c.caller, r, c)),
  };
}

export function userSshKeyMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  const s = model.userSshKeys;
  return {
    get: (r: keys.GetUserSshKeyRequest, c: CallContext) => userSshKeyToSdk(s.get(c.caller, r)),
    list: (r: SdkListUserSshKeysRequest, c: CallContext): keys.ListUserSshKeysResponse => {
      const page = s.list(c.caller, listUserSshKeysRequestFromSdk(r));
      return { sshKeys: page.items.map(userSshKeyToSdk), nextPageToken: page.nextPageToken };
    },
    create: (r: keys.CreateUserSshKeyRequest, c: CallContext) => operationToSdk(s.create(c.caller, createUserSshKeyRequestFromSdk(r), c)),
    update: (r: keys.UpdateUserSshKeyRequest, c: CallContext) => operationToSdk(s.update(c.caller, updateUserSshKeyRequestFromSdk(r), c)),
    delete: (r: keys.DeleteUserSshKeyRequest, c: CallContext) => operationToSdk(s.delete(c.caller, r, c)),
  };
}

export function sshCertificateMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    generate: (r: certs.GenerateSshCertificateRequest, c: CallContext): certs.GenerateSshCertificateResponse =>
      model.certificates.generate(c.caller, generateCertificateRequestFromSdk(r)),
  };
}

export function organizationMethods(deps: HandlerDeps): Record<string, MethodImpl> {
  const d = deps.model.directory;
  return {
    get: (r: orgs.GetOrganizationRequest, c: CallContext) => organizationToSdk(d.getOrganization(c.caller, r)),
    list: (r: orgs.ListOrganizationsRequest & { pageSize: bigint }, c: CallContext): orgs.ListOrganizationsResponse => {
      const page = d.listOrganizations(c.caller, { pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) });
      return { organizations: page.items.map(organizationToSdk), nextPageToken: page.nextPageToken };
    },
    ...accessBindingMethods(deps, "organization"),
  };
}

export function userMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    listMembers: (r: SdkListMembersRequest, c: CallContext): users.ListMembersResponse => {
      const page = model.directory.listMembers(c.caller, {
        organizationId: r.organizationId,
        pageSize: pageSizeFromSdk(r.pageSize),
        pageToken: optional(r.pageToken),
      });
      return { users: page.items.map(memberToSdk), nextPageToken: page.nextPageToken };
    },
  };
}

export function groupMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    get: (r: groups.GetGroupRequest, c: CallContext) => groupToSdk(model.directory.getGroup(c.caller, r)),
    list: (r: SdkListGroupsRequest, c: CallContext): groups.ListGroupsResponse => {
      const page = model.directory.listGroups(c.caller, { organizationId: r.organizationId, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) });
      return { groups: page.items.map(groupToSdk), nextPageToken: page.nextPageToken };
    },
    listMembers: (r: SdkListGroupMembersRequest, c: CallContext): groups.ListGroupMembersResponse => {
      const page = model.directory.listGroupMembers(c.caller, { groupId: r.groupId, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) });
      return { members: page.items, nextPageToken: page.nextPageToken };
    },
  };
}

// organization-manager/v1 OS Login: OsLoginService (settings and profiles) and
// SshCertificateService.Generate (synchronous: its response, not an Operation).
import type { SshCertificateService } from "../../../model/certificates.js";
import type { OsLoginService } from "../../../model/os-login.js";
import type {
  CreateOsLoginProfileRequest,
  GenerateSshCertificateRequest,
  ListOsLoginProfilesRequest,
  UpdateOsLoginProfileRequest,
  UpdateOsLoginSettingsRequest,
} from "../../../model/types.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { bool, fieldMask, int64, object, required, string } from "../schema.js";
import { callOpts, listJson, PAGE_FIELDS } from "./common.js";

const BASE = "/organization-manager/v1";

type UpdateSettingsBody = Omit<UpdateOsLoginSettingsRequest, "organizationId">;
const updateSettingsBody = object<UpdateSettingsBody>({
  userSshKeySettings: object<NonNullable<UpdateSettingsBody["userSshKeySettings"]>>({ enabled: bool, allowManageOwnKeys: bool }),
  sshCertificateSettings: object<NonNullable<UpdateSettingsBody["sshCertificateSettings"]>>({ enabled: bool }),
  updateMask: fieldMask,
});

const createProfileBody = object<CreateOsLoginProfileRequest>({
  organizationId: required(string),
  subjectId: string,
  login: required(string),
  uid: int64,
  homeDirectory: string,
  shell: string,
});

type UpdateProfileBody = Omit<UpdateOsLoginProfileRequest, "osLoginProfileId">;
const updateProfileBody = object<UpdateProfileBody>({
  // Required by the API even when the mask leaves it out (the provider-side note in the reference).
  login: required(string),
  uid: int64,
  homeDirectory: string,
  shell: string,
  updateMask: fieldMask,
});

const listProfilesQuery = object<ListOsLoginProfilesRequest>({ organizationId: required(string), ...PAGE_FIELDS, filter: string });

const generateBody = object<GenerateSshCertificateRequest>({
  organizationId: string,
  cloudId: string,
  subjectId: string,
  osLogin: string,
  publicKey: required(string),
});

export function osLoginRoutes(osLogin: OsLoginService, certificates: SshCertificateService): Route[] {
  return [
    route({
      method: "GET",
      path: `${BASE}/organizations/{organizationId}/osLoginSettings`,
      handle: (ctx) => osLogin.getSettings(ctx.caller, { organizationId: ctx.params.organizationId }),
    }),
    route<unknown, UpdateSettingsBody>({
      method: "PATCH",
      path: `${BASE}/organizations/{organizationId}/osLoginSettings`,
      body: updateSettingsBody,
      handle: (ctx) =>
        operationJson(osLogin.updateSettings(ctx.caller, { ...ctx.body, organizationId: ctx.params.organizationId }, callOpts(ctx))),
    }),
    route({
      method: "GET",
      path: `${BASE}/osLoginProfiles/{osLoginProfileId}`,
      handle: (ctx) => osLogin.getProfile(ctx.caller, { osLoginProfileId: ctx.params.osLoginProfileId }),
    }),
    route<ListOsLoginProfilesRequest>({
      method: "GET",
      path: `${BASE}/osLoginProfiles`,
      query: listProfilesQuery,
      handle: (ctx) => listJson("profiles", osLogin.listProfiles(ctx.caller, ctx.query)),
    }),
    route<unknown, CreateOsLoginProfileRequest>({
      method: "POST",
      path: `${BASE}/osLoginProfiles`,
      body: createProfileBody,
      handle: (ctx) => operationJson(osLogin.createProfile(ctx.caller, ctx.body, callOpts(ctx))),
    }),
    route<unknown, UpdateProfileBody>({
      method: "PATCH",
      path: `${BASE}/osLoginProfiles/{osLoginProfileId}`,
      body: updateProfileBody,
      handle: (ctx) =>
        operationJson(
          osLogin.updateProfile(ctx.caller, { ...ctx.body, osLoginProfileId: ctx.params.osLoginProfileId }, callOpts(ctx)),
        ),
    }),
    route({
      method: "POST",
      path: `${BASE}/osLoginProfiles/{osLoginProfileId}:setDefault`,
      handle: (ctx) =>
        operationJson(osLogin.setDefaultProfile(ctx.caller, { osLoginProfileId: ctx.params.osLoginProfileId }, callOpts(ctx))),
    }),
    route({
      // The one profile RPC whose path parameter is `id` (DeleteOsLoginProfileRequest.id).
      method: "DELETE",
      path: `${BASE}/osLoginProfiles/{id}`,
      handle: (ctx) => operationJson(osLogin.deleteProfile(ctx.caller, { id: ctx.params.id }, callOpts(ctx))),
    }),
    route<unknown, GenerateSshCertificateRequest>({
      method: "POST",
      path: `${BASE}/sshCertificates:generate`,
      body: generateBody,
      handle: (ctx) => certificates.generate(ctx.caller, ctx.body),
    }),
  ];
}

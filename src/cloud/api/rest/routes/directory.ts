// The directory as the API exposes it (read-only: members come from a directory, not the API):
// organization-manager OrganizationService (+ access bindings) and UserService.ListMembers,
// resource-manager CloudService and FolderService (+ access bindings).
import type { AccessService } from "../../../model/access.js";
import type { DirectoryService } from "../../../model/directory.js";
import type { User } from "../../../model/types.js";
import { route, type Route } from "../router.js";
import { object, required, string } from "../schema.js";
import { accessBindingRoutes } from "./access-bindings.js";
import { listJson, PAGE_FIELDS, type PageQuery } from "./common.js";

const ORG_BASE = "/organization-manager/v1/organizations";
const CLOUD_BASE = "/resource-manager/v1/clouds";
const FOLDER_BASE = "/resource-manager/v1/folders";

const pageQuery = object<PageQuery>(PAGE_FIELDS);

interface ListCloudsQuery extends PageQuery {
  organizationId?: string;
}
interface ListFoldersQuery extends PageQuery {
  cloudId: string;
}

/**
 * ListMembersResponse.users are OrganizationUser {subject_claims}: the directory's user as OIDC-style
 * claims (sub = the user id), which is how the real API reports members.
 */
const memberJson = (u: User) => ({ subjectClaims: { sub: u.id, name: u.name, email: u.email } });

export function directoryRoutes(directory: DirectoryService, access: AccessService): Route[] {
  return [
    route({
      method: "GET",
      path: `${ORG_BASE}/{organizationId}`,
      handle: (ctx) => directory.getOrganization(ctx.caller, { organizationId: ctx.params.organizationId }),
    }),
    route<PageQuery>({
      method: "GET",
      path: ORG_BASE,
      query: pageQuery,
      handle: (ctx) => listJson("organizations", directory.listOrganizations(ctx.caller, ctx.query)),
    }),
    route<PageQuery>({
      method: "GET",
      path: `${ORG_BASE}/{organizationId}/users`,
      query: pageQuery,
      handle: (ctx) => {
        const page = directory.listMembers(ctx.caller, { organizationId: ctx.params.organizationId, ...ctx.query });
        return { users: page.items.map(memberJson), nextPageToken: page.nextPageToken };
      },
    }),
    ...accessBindingRoutes(access, "organization", ORG_BASE),

    route({
      method: "GET",
      path: `${CLOUD_BASE}/{cloudId}`,
      handle: (ctx) => directory.getCloud(ctx.caller, { cloudId: ctx.params.cloudId }),
    }),
    route<ListCloudsQuery>({
      method: "GET",
      path: CLOUD_BASE,
      query: object<ListCloudsQuery>({ organizationId: string, ...PAGE_FIELDS }),
      handle: (ctx) => listJson("clouds", directory.listClouds(ctx.caller, ctx.query)),
    }),
    ...accessBindingRoutes(access, "cloud", CLOUD_BASE),

    route({
      method: "GET",
      path: `${FOLDER_BASE}/{folderId}`,
      handle: (ctx) => directory.getFolder(ctx.caller, { folderId: ctx.params.folderId }),
    }),
    route<ListFoldersQuery>({
      method: "GET",
      path: FOLDER_BASE,
      query: object<ListFoldersQuery>({ cloudId: required(string), ...PAGE_FIELDS }),
      handle: (ctx) => listJson("folders", directory.listFolders(ctx.caller, ctx.query)),
    }),
    ...accessBindingRoutes(access, "folder", FOLDER_BASE),
  ];
}

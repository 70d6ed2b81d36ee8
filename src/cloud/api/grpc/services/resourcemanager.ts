// resource-manager services: CloudService and FolderService (Get/List/access bindings).
import type { cloudService, folderService } from "@yandex-cloud/nodejs-sdk/resourcemanager-v1";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import { optional, pageSizeFromSdk } from "../mapping/common.js";
import { cloudToSdk, folderToSdk, type SdkListCloudsRequest, type SdkListFoldersRequest } from "../mapping/resourcemanager.js";
import { accessBindingMethods } from "./access.js";

export function cloudMethods(deps: HandlerDeps): Record<string, MethodImpl> {
  const d = deps.model.directory;
  return {
    get: (r: cloudService.GetCloudRequest, c: CallContext) => cloudToSdk(d.getCloud(c.caller, r)),
    list: (r: SdkListCloudsRequest, c: CallContext): cloudService.ListCloudsResponse => {
      const page = d.listClouds(c.caller, {
        organizationId: optional(r.organizationId),
        pageSize: pageSizeFromSdk(r.pageSize),
        pageToken: optional(r.pageToken),
      });
      return { clouds: page.items.map(cloudToSdk), nextPageToken: page.nextPageToken };
    },
    ...accessBindingMethods(deps, "cloud"),
  };
}

export function folderMethods(deps: HandlerDeps): Record<string, MethodImpl> {
  const d = deps.model.directory;
  return {
    get: (r: folderService.GetFolderRequest, c: CallContext) => folderToSdk(d.getFolder(c.caller, r)),
    list: (r: SdkListFoldersRequest, c: CallContext): folderService.ListFoldersResponse => {
      const page = d.listFolders(c.caller, { cloudId: r.cloudId, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) });
      return { folders: page.items.map(folderToSdk), nextPageToken: page.nextPageToken };
    },
    ...accessBindingMethods(deps, "folder"),
  };
}

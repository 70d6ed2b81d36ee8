// resource-manager: SDK messages ⇄ model types (clouds and folders, read-only through the API).
import * as sdkCloud from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/cloud";
import * as cloudService from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/cloud_service";
import * as sdkFolder from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/folder";
import * as folderService from "@yandex-cloud/nodejs-sdk/resourcemanager-v1/folder_service";
import type { Cloud, Folder } from "../../../model/types.js";
import { pageSizeShape, type WithInt64 } from "../int64.js";
import { fromDate, toDate } from "./common.js";

export const CLOUD_INT64 = { list: { request: pageSizeShape(cloudService.ListCloudsRequest) } };
export const FOLDER_INT64 = { list: { request: pageSizeShape(folderService.ListFoldersRequest) } };
export type SdkListCloudsRequest = WithInt64<cloudService.ListCloudsRequest, "pageSize">;
export type SdkListFoldersRequest = WithInt64<folderService.ListFoldersRequest, "pageSize">;

export function cloudToSdk(c: Cloud): sdkCloud.Cloud {
  return { id: c.id, createdAt: toDate(c.createdAt), name: c.name, description: "", organizationId: c.organizationId, labels: {} };
}

export function cloudFromSdk(c: sdkCloud.Cloud): Cloud {
  return { id: c.id, organizationId: c.organizationId, name: c.name, createdAt: fromDate(c.createdAt) ?? "" };
}

export function folderToSdk(f: Folder): sdkFolder.Folder {
  return {
    id: f.id,
    cloudId: f.cloudId,
    createdAt: toDate(f.createdAt),
    name: f.name,
    description: "",
    labels: {},
    status: sdkFolder.Folder_Status.ACTIVE,
  };
}

export function folderFromSdk(f: sdkFolder.Folder): Folder {
  return { id: f.id, cloudId: f.cloudId, name: f.name, createdAt: fromDate(f.createdAt) ?? "" };
}

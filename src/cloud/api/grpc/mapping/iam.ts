// IAM: SDK messages ⇄ model types (service accounts, authorized keys, IAM tokens).
import * as tokens from "@yandex-cloud/nodejs-sdk/iam-v1/iam_token_service";
import * as sdkKey from "@yandex-cloud/nodejs-sdk/iam-v1/key";
import * as keys from "@yandex-cloud/nodejs-sdk/iam-v1/key_service";
import * as sdkServiceAccount from "@yandex-cloud/nodejs-sdk/iam-v1/service_account";
import * as sas from "@yandex-cloud/nodejs-sdk/iam-v1/service_account_service";
import { errors } from "../../../../contract/errors.js";
import type {
  CreateKeyRequest,
  CreateKeyResponse,
  CreateServiceAccountRequest,
  Key,
  KeyAlgorithm,
  ServiceAccount,
  UpdateServiceAccountRequest,
} from "../../../model/types.js";
import type { CreateIamTokenResponse } from "../../../model/iam-tokens.js";
import type { ListKeysRequest, UpdateKeyRequest } from "../../../model/keys.js";
import type { ListServiceAccountsRequest } from "../../../model/service-accounts.js";
import { pageSizeShape, type WithInt64 } from "../int64.js";
import { mappedAny, plainAny, type AnyCodec } from "./any.js";
import {
  copyMap,
  enumName,
  enumNumber,
  enumNumberOf,
  folderResourceFromSdk,
  folderResourceToSdk,
  fromDate,
  given,
  impliedMask,
  maskFromSdk,
  maskToSdk,
  optional,
  orEmpty,
  pageSizeFromSdk,
  pageSizeToSdk,
  toDate,
} from "./common.js";

const API = "yandex.cloud.iam.v1.";

export const SERVICE_ACCOUNT_INT64 = { list: { request: pageSizeShape(sas.ListServiceAccountsRequest) } };
export const KEY_INT64 = { list: { request: pageSizeShape(keys.ListKeysRequest) } };

export type SdkListServiceAccountsRequest = WithInt64<sas.ListServiceAccountsRequest, "pageSize">;
export type SdkListKeysRequest = WithInt64<keys.ListKeysRequest, "pageSize">;

// ---------- service accounts ----------

export function serviceAccountToSdk(s: ServiceAccount): sdkServiceAccount.ServiceAccount {
  return folderResourceToSdk(s);
}

export function serviceAccountFromSdk(s: sdkServiceAccount.ServiceAccount): ServiceAccount {
  return folderResourceFromSdk(s);
}

export function createServiceAccountRequestFromSdk(r: sas.CreateServiceAccountRequest): CreateServiceAccountRequest {
  return { folderId: r.folderId, name: r.name, description: optional(r.description), labels: copyMap(r.labels) };
}

export function createServiceAccountRequestToSdk(r: CreateServiceAccountRequest): sas.CreateServiceAccountRequest {
  return { folderId: r.folderId, name: r.name, description: orEmpty(r.description), labels: copyMap(r.labels) };
}

export function listServiceAccountsRequestFromSdk(r: SdkListServiceAccountsRequest): ListServiceAccountsRequest {
  return { folderId: r.folderId, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken), filter: optional(r.filter) };
}

export function listServiceAccountsRequestToSdk(r: { folderId: string; pageSize?: number; pageToken?: string; filter?: string }): SdkListServiceAccountsRequest {
  return { folderId: r.folderId, pageSize: pageSizeToSdk(r.pageSize), pageToken: orEmpty(r.pageToken), filter: orEmpty(r.filter) };
}

export function updateServiceAccountRequestFromSdk(r: sas.UpdateServiceAccountRequest): UpdateServiceAccountRequest {
  const mask = maskFromSdk(r.updateMask);
  return {
    serviceAccountId: r.serviceAccountId,
    name: given(mask, "name", r.name, r.name === ""),
    description: given(mask, "description", r.description, r.description === ""),
    labels: given(mask, "labels", copyMap(r.labels), Object.keys(r.labels).length === 0),
    updateMask: mask,
  };
}

export function updateServiceAccountRequestToSdk(r: UpdateServiceAccountRequest): sas.UpdateServiceAccountRequest {
  const implied = impliedMask(r, [
    ["name", "name"],
    ["description", "description"],
    ["labels", "labels"],
  ]);
  return sas.UpdateServiceAccountRequest.fromPartial({
    serviceAccountId: r.serviceAccountId,
    name: orEmpty(r.name),
    description: orEmpty(r.description),
    labels: copyMap(r.labels),
    updateMask: maskToSdk(r.updateMask ?? implied),
  });
}

// ---------- authorized keys ----------

export function keyToSdk(k: Key): sdkKey.Key {
  return {
    id: k.id,
    userAccountId: undefined,
    serviceAccountId: k.serviceAccountId,
    createdAt: toDate(k.createdAt),
    description: k.description,
    keyAlgorithm: enumNumberOf(sdkKey.Key_Algorithm, k.keyAlgorithm),
    publicKey: k.publicKey,
  };
}

export function keyFromSdk(k: sdkKey.Key): Key {
  return {
    id: k.id,
    serviceAccountId: k.serviceAccountId ?? "",
    createdAt: fromDate(k.createdAt) ?? "",
    description: k.description,
    keyAlgorithm: enumName<KeyAlgorithm>(sdkKey.Key_Algorithm, k.keyAlgorithm) ?? ("ALGORITHM_UNSPECIFIED" as KeyAlgorithm),
    publicKey: k.publicKey,
  };
}

export function createKeyRequestFromSdk(r: keys.CreateKeyRequest): CreateKeyRequest {
  if (r.format !== keys.KeyFormat.PEM_FILE) throw errors.invalidArgument("format", "only PEM_FILE is supported");
  if (r.keyAlgorithm !== 0 && enumName(sdkKey.Key_Algorithm, r.keyAlgorithm) === undefined) {
    throw errors.invalidArgument("key_algorithm", `${r.keyAlgorithm} is not a known algorithm (RSA_2048, RSA_4096)`);
  }
  return {
    serviceAccountId: r.serviceAccountId,
    description: optional(r.description),
    keyAlgorithm: enumName<KeyAlgorithm>(sdkKey.Key_Algorithm, r.keyAlgorithm),
  };
}

export function createKeyRequestToSdk(r: CreateKeyRequest): keys.CreateKeyRequest {
  return {
    serviceAccountId: r.serviceAccountId,
    description: orEmpty(r.description),
    format: keys.KeyFormat.PEM_FILE,
    keyAlgorithm: enumNumber(sdkKey.Key_Algorithm, r.keyAlgorithm, "key_algorithm"),
  };
}

export function createKeyResponseToSdk(r: CreateKeyResponse): keys.CreateKeyResponse {
  return { key: keyToSdk(r.key), privateKey: r.privateKey };
}

export function createKeyResponseFromSdk(r: keys.CreateKeyResponse): CreateKeyResponse {
  if (!r.key) throw errors.internal();
  return { key: keyFromSdk(r.key), privateKey: r.privateKey };
}

export function listKeysRequestFromSdk(r: SdkListKeysRequest): ListKeysRequest {
  return { serviceAccountId: r.serviceAccountId, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) };
}

export function listKeysRequestToSdk(r: { serviceAccountId: string; pageSize?: number; pageToken?: string }): SdkListKeysRequest {
  return { format: keys.KeyFormat.PEM_FILE, serviceAccountId: r.serviceAccountId, pageSize: pageSizeToSdk(r.pageSize), pageToken: orEmpty(r.pageToken) };
}

export function updateKeyRequestFromSdk(r: keys.UpdateKeyRequest): UpdateKeyRequest {
  const mask = maskFromSdk(r.updateMask);
  return { keyId: r.keyId, description: given(mask, "description", r.description, r.description === ""), updateMask: mask };
}

export function updateKeyRequestToSdk(r: UpdateKeyRequest): keys.UpdateKeyRequest {
  return keys.UpdateKeyRequest.fromPartial({
    keyId: r.keyId,
    description: orEmpty(r.description),
    updateMask: maskToSdk(r.updateMask ?? (r.description !== undefined ? ["description"] : [])),
  });
}

// ---------- IAM tokens ----------

export function iamTokenResponseToSdk(r: CreateIamTokenResponse): tokens.CreateIamTokenResponse {
  return { iamToken: r.iamToken, expiresAt: toDate(r.expiresAt) };
}

// ---------- Operation payloads ----------

export const IAM_ANY: AnyCodec<never>[] = [
  mappedAny(`${API}ServiceAccount`, sdkServiceAccount.ServiceAccount, serviceAccountToSdk, serviceAccountFromSdk),
  mappedAny(`${API}Key`, sdkKey.Key, keyToSdk, keyFromSdk),
  plainAny(`${API}CreateServiceAccountMetadata`, sas.CreateServiceAccountMetadata),
  plainAny(`${API}UpdateServiceAccountMetadata`, sas.UpdateServiceAccountMetadata),
  plainAny(`${API}DeleteServiceAccountMetadata`, sas.DeleteServiceAccountMetadata),
  plainAny(`${API}UpdateKeyMetadata`, keys.UpdateKeyMetadata),
  plainAny(`${API}DeleteKeyMetadata`, keys.DeleteKeyMetadata),
] as AnyCodec<never>[];

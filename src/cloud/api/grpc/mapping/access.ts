// Access bindings (package yandex.cloud.access): SDK messages ⇄ model types. Every resource service
// carries the same List/Set/UpdateAccessBindings RPCs with these messages; only the resource kind differs.
import * as sdk from "@yandex-cloud/nodejs-sdk/proto/access/access";
import type { AccessBinding, AccessBindingDelta, ResourceKind } from "../../../model/types.js";
import type { ListAccessBindingsRequest, SetAccessBindingsRequest, UpdateAccessBindingsRequest } from "../../../model/access.js";
import { pageSizeShape, type WithInt64 } from "../int64.js";
import { mappedAny, plainAny, type AnyCodec } from "./any.js";
import { enumName, enumNumber, enumNumberOf, optional, orEmpty, pageSizeFromSdk, pageSizeToSdk } from "./common.js";

export type SdkListAccessBindingsRequest = WithInt64<sdk.ListAccessBindingsRequest, "pageSize">;

/** The int64 shapes of the three RPCs, merged into each resource service's table. */
export const ACCESS_BINDINGS_INT64 = { listAccessBindings: { request: pageSizeShape(sdk.ListAccessBindingsRequest) } };

export function accessBindingToSdk(b: AccessBinding): sdk.AccessBinding {
  return { roleId: b.roleId, subject: { id: b.subject.id, type: b.subject.type } };
}

export function accessBindingFromSdk(b: sdk.AccessBinding): AccessBinding {
  return { roleId: b.roleId, subject: { id: b.subject?.id ?? "", type: b.subject?.type ?? "" } };
}

export function deltaToSdk(d: AccessBindingDelta): sdk.AccessBindingDelta {
  return { action: enumNumber(sdk.AccessBindingAction, d.action, "action"), accessBinding: accessBindingToSdk(d.accessBinding) };
}

export function deltaFromSdk(d: sdk.AccessBindingDelta): AccessBindingDelta {
  // An unspecified action stays undefined so the model names access_binding_deltas[i].action.
  return {
    action: enumName<"ADD" | "REMOVE">(sdk.AccessBindingAction, d.action)!,
    accessBinding: d.accessBinding ? accessBindingFromSdk(d.accessBinding) : (undefined as unknown as AccessBinding),
  };
}

export function listAccessBindingsRequestFromSdk(kind: ResourceKind, r: SdkListAccessBindingsRequest): ListAccessBindingsRequest {
  return { resource: { kind, id: r.resourceId }, pageSize: pageSizeFromSdk(r.pageSize), pageToken: optional(r.pageToken) };
}

export function listAccessBindingsRequestToSdk(id: string, r: { pageSize?: number; pageToken?: string }): SdkListAccessBindingsRequest {
  return { resourceId: id, pageSize: pageSizeToSdk(r.pageSize), pageToken: orEmpty(r.pageToken) };
}

export function setAccessBindingsRequestFromSdk(kind: ResourceKind, r: sdk.SetAccessBindingsRequest): SetAccessBindingsRequest {
  return { resource: { kind, id: r.resourceId }, accessBindings: r.accessBindings.map(accessBindingFromSdk) };
}

export function updateAccessBindingsRequestFromSdk(kind: ResourceKind, r: sdk.UpdateAccessBindingsRequest): UpdateAccessBindingsRequest {
  return { resource: { kind, id: r.resourceId }, accessBindingDeltas: r.accessBindingDeltas.map(deltaFromSdk) };
}

interface OperationResult {
  effectiveDeltas: AccessBindingDelta[];
}

export const ACCESS_ANY: AnyCodec<never>[] = [
  mappedAny(
    "yandex.cloud.access.AccessBindingsOperationResult",
    sdk.AccessBindingsOperationResult,
    (r: OperationResult) => ({
      effectiveDeltas: r.effectiveDeltas.map((d) => ({
        action: enumNumberOf(sdk.AccessBindingAction, d.action),
        accessBinding: accessBindingToSdk(d.accessBinding),
      })),
    }),
    (r) => ({ effectiveDeltas: r.effectiveDeltas.map(deltaFromSdk) }),
  ),
  plainAny("yandex.cloud.access.SetAccessBindingsMetadata", sdk.SetAccessBindingsMetadata),
  plainAny("yandex.cloud.access.UpdateAccessBindingsMetadata", sdk.UpdateAccessBindingsMetadata),
] as AnyCodec<never>[];

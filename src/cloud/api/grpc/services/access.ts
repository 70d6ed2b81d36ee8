// List/Set/UpdateAccessBindings, identical on every resource service except for the resource kind.
import type * as sdk from "@yandex-cloud/nodejs-sdk/proto/access/access";
import type { ResourceKind } from "../../../model/types.js";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import {
  accessBindingToSdk,
  listAccessBindingsRequestFromSdk,
  setAccessBindingsRequestFromSdk,
  updateAccessBindingsRequestFromSdk,
  type SdkListAccessBindingsRequest,
} from "../mapping/access.js";
import { operationToSdk } from "../mapping/operation.js";

export function accessBindingMethods({ model }: HandlerDeps, kind: ResourceKind): Record<string, MethodImpl> {
  return {
    listAccessBindings: (r: SdkListAccessBindingsRequest, c: CallContext): sdk.ListAccessBindingsResponse => {
      const page = model.access.listAccessBindings(c.caller, listAccessBindingsRequestFromSdk(kind, r));
      return { accessBindings: page.items.map(accessBindingToSdk), nextPageToken: page.nextPageToken };
    },
    setAccessBindings: (r: sdk.SetAccessBindingsRequest, c: CallContext) =>
      operationToSdk(model.access.setAccessBindings(c.caller, setAccessBindingsRequestFromSdk(kind, r), c)),
    updateAccessBindings: (r: sdk.UpdateAccessBindingsRequest, c: CallContext) =>
      operationToSdk(model.access.updateAccessBindings(c.caller, updateAccessBindingsRequestFromSdk(kind, r), c)),
  };
}

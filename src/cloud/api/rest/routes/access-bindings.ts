// The three access-binding routes every bindable resource has (list / set / update), the same
// request shapes under each service's path: `<base>/{resourceId}:listAccessBindings` etc.
import type { AccessService } from "../../../model/access.js";
import type { AccessBinding, AccessBindingDelta, ResourceKind } from "../../../model/types.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { arrayOf, enumOf, object, required, string } from "../schema.js";
import { callOpts, listJson, PAGE_FIELDS, type PageQuery } from "./common.js";

const subject = object<AccessBinding["subject"]>({ type: required(string), id: required(string) });
const accessBinding = object<AccessBinding>({ roleId: required(string), subject: required(subject) });
const delta = object<AccessBindingDelta>({
  action: required(enumOf(["ADD", "REMOVE"] as const)),
  accessBinding: required(accessBinding),
});

export function accessBindingRoutes(access: AccessService, kind: ResourceKind, base: string): Route[] {
  const resource = (id: string) => ({ kind, id });
  return [
    route<PageQuery>({
      method: "GET",
      path: `${base}/{resourceId}:listAccessBindings`,
      query: object<PageQuery>(PAGE_FIELDS),
      handle: (ctx) =>
        listJson("accessBindings", access.listAccessBindings(ctx.caller, { resource: resource(ctx.params.resourceId), ...ctx.query })),
    }),
    route<unknown, { accessBindings?: AccessBinding[] }>({
      method: "POST",
      path: `${base}/{resourceId}:setAccessBindings`,
      body: object<{ accessBindings?: AccessBinding[] }>({ accessBindings: arrayOf(accessBinding) }),
      handle: (ctx) =>
        operationJson(
          access.setAccessBindings(
            ctx.caller,
            { resource: resource(ctx.params.resourceId), accessBindings: ctx.body.accessBindings ?? [] },
            callOpts(ctx),
          ),
        ),
    }),
    route<unknown, { accessBindingDeltas: AccessBindingDelta[] }>({
      method: "POST",
      path: `${base}/{resourceId}:updateAccessBindings`,
      body: object<{ accessBindingDeltas: AccessBindingDelta[] }>({ accessBindingDeltas: required(arrayOf(delta)) }),
      handle: (ctx) =>
        operationJson(
          access.updateAccessBindings(
            ctx.caller,
            { resource: resource(ctx.params.resourceId), accessBindingDeltas: ctx.body.accessBindingDeltas },
            callOpts(ctx),
          ),
        ),
    }),
  ];
}

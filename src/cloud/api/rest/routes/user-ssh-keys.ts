// organization-manager/v1 UserSshKeyService.
import type { UserSshKeyService } from "../../../model/user-ssh-keys.js";
import type { CreateUserSshKeyRequest, ListUserSshKeysRequest, UpdateUserSshKeyRequest } from "../../../model/types.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { fieldMask, object, required, string, timestamp } from "../schema.js";
import { callOpts, listJson, PAGE_FIELDS } from "./common.js";

const BASE = "/organization-manager/v1/userSshKeys";

const createBody = object<CreateUserSshKeyRequest>({
  organizationId: required(string),
  subjectId: required(string),
  name: string,
  data: required(string),
  expiresAt: timestamp,
});

type UpdateBody = Omit<UpdateUserSshKeyRequest, "userSshKeyId">;
const updateBody = object<UpdateBody>({ name: string, expiresAt: timestamp, updateMask: fieldMask });

const listQuery = object<ListUserSshKeysRequest>({ organizationId: required(string), subjectId: string, ...PAGE_FIELDS });

export function userSshKeyRoutes(keys: UserSshKeyService): Route[] {
  return [
    route({
      method: "GET",
      path: `${BASE}/{userSshKeyId}`,
      handle: (ctx) => keys.get(ctx.caller, { userSshKeyId: ctx.params.userSshKeyId }),
    }),
    route<ListUserSshKeysRequest>({
      method: "GET",
      path: BASE,
      query: listQuery,
      handle: (ctx) => listJson("sshKeys", keys.list(ctx.caller, ctx.query)),
    }),
    route<unknown, CreateUserSshKeyRequest>({
      method: "POST",
      path: BASE,
      body: createBody,
      handle: (ctx) => operationJson(keys.create(ctx.caller, ctx.body, callOpts(ctx))),
    }),
    route<unknown, UpdateBody>({
      method: "PATCH",
      path: `${BASE}/{userSshKeyId}`,
      body: updateBody,
      handle: (ctx) =>
        operationJson(keys.update(ctx.caller, { ...ctx.body, userSshKeyId: ctx.params.userSshKeyId }, callOpts(ctx))),
    }),
    route({
      method: "DELETE",
      path: `${BASE}/{userSshKeyId}`,
      handle: (ctx) => operationJson(keys.delete(ctx.caller, { userSshKeyId: ctx.params.userSshKeyId }, callOpts(ctx))),
    }),
  ];
}

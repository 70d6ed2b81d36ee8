// iam/v1: ServiceAccountService (+ access bindings), KeyService (Create is synchronous: it returns
// CreateKeyResponse with the private key, once) and IamTokenService.Create, the one route served
// without a Bearer token (its JWT is the credential).
import type { AccessService } from "../../../model/access.js";
import type { IamTokenService } from "../../../model/iam-tokens.js";
import type { KeyService } from "../../../model/keys.js";
import type { ServiceAccountService } from "../../../model/service-accounts.js";
import type { CreateKeyRequest, CreateServiceAccountRequest, UpdateServiceAccountRequest } from "../../../model/types.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";
import { enumOf, fieldMask, mapOf, object, required, string } from "../schema.js";
import { accessBindingRoutes } from "./access-bindings.js";
import { callOpts, listJson, PAGE_FIELDS, type PageQuery } from "./common.js";

const SA_BASE = "/iam/v1/serviceAccounts";
const KEY_BASE = "/iam/v1/keys";

const createSaBody = object<CreateServiceAccountRequest>({
  folderId: required(string),
  name: required(string),
  description: string,
  labels: mapOf(string),
});

type UpdateSaBody = Omit<UpdateServiceAccountRequest, "serviceAccountId">;
const updateSaBody = object<UpdateSaBody>({ updateMask: fieldMask, name: string, description: string, labels: mapOf(string) });

interface ListSaQuery extends PageQuery {
  folderId: string;
  filter?: string;
}
const listSaQuery = object<ListSaQuery>({ folderId: required(string), ...PAGE_FIELDS, filter: string });

/** KeyFormat has one value; accepted (and ignored) so clients that send it are not rejected. */
const keyFormat = enumOf(["PEM_FILE"] as const);
type CreateKeyBody = CreateKeyRequest & { format?: "PEM_FILE" };
const createKeyBody = object<CreateKeyBody>({
  serviceAccountId: string,
  description: string,
  format: keyFormat,
  keyAlgorithm: enumOf(["RSA_2048", "RSA_4096"] as const),
});

interface UpdateKeyBody {
  updateMask?: string[];
  description?: string;
}
const updateKeyBody = object<UpdateKeyBody>({ updateMask: fieldMask, description: string });

interface ListKeysQuery extends PageQuery {
  serviceAccountId: string;
  format?: "PEM_FILE";
}
const listKeysQuery = object<ListKeysQuery>({ serviceAccountId: required(string), format: keyFormat, ...PAGE_FIELDS });

interface CreateTokenBody {
  jwt: string;
}
const createTokenBody = object<CreateTokenBody>({ jwt: required(string) });

export function iamRoutes(
  serviceAccounts: ServiceAccountService,
  keys: KeyService,
  iamTokens: IamTokenService,
  access: AccessService,
): Route[] {
  return [
    route({
      method: "GET",
      path: `${SA_BASE}/{serviceAccountId}`,
      handle: (ctx) => serviceAccounts.get(ctx.caller, { serviceAccountId: ctx.params.serviceAccountId }),
    }),
    route<ListSaQuery>({
      method: "GET",
      path: SA_BASE,
      query: listSaQuery,
      handle: (ctx) => listJson("serviceAccounts", serviceAccounts.list(ctx.caller, ctx.query)),
    }),
    route<unknown, CreateServiceAccountRequest>({
      method: "POST",
      path: SA_BASE,
      body: createSaBody,
      handle: (ctx) => operationJson(serviceAccounts.create(ctx.caller, ctx.body, callOpts(ctx))),
    }),
    route<unknown, UpdateSaBody>({
      method: "PATCH",
      path: `${SA_BASE}/{serviceAccountId}`,
      body: updateSaBody,
      handle: (ctx) =>
        operationJson(
          serviceAccounts.update(ctx.caller, { ...ctx.body, serviceAccountId: ctx.params.serviceAccountId }, callOpts(ctx)),
        ),
    }),
    route({
      method: "DELETE",
      path: `${SA_BASE}/{serviceAccountId}`,
      handle: (ctx) =>
        operationJson(serviceAccounts.delete(ctx.caller, { serviceAccountId: ctx.params.serviceAccountId }, callOpts(ctx))),
    }),
    ...accessBindingRoutes(access, "serviceAccount", SA_BASE),

    route<{ format?: "PEM_FILE" }>({
      method: "GET",
      path: `${KEY_BASE}/{keyId}`,
      query: object<{ format?: "PEM_FILE" }>({ format: keyFormat }),
      handle: (ctx) => keys.get(ctx.caller, { keyId: ctx.params.keyId }),
    }),
    route<ListKeysQuery>({
      method: "GET",
      path: KEY_BASE,
      query: listKeysQuery,
      handle: (ctx) => {
        const { format: _format, ...req } = ctx.query;
        return listJson("keys", keys.list(ctx.caller, req));
      },
    }),
    route<unknown, CreateKeyBody>({
      method: "POST",
      path: KEY_BASE,
      body: createKeyBody,
      handle: (ctx) => {
        const { format: _format, ...req } = ctx.body;
        return keys.create(ctx.caller, req, callOpts(ctx));
      },
    }),
    route<unknown, UpdateKeyBody>({
      method: "PATCH",
      path: `${KEY_BASE}/{keyId}`,
      body: updateKeyBody,
      handle: (ctx) => operationJson(keys.update(ctx.caller, { ...ctx.body, keyId: ctx.params.keyId }, callOpts(ctx))),
    }),
    route({
      method: "DELETE",
      path: `${KEY_BASE}/{keyId}`,
      handle: (ctx) => operationJson(keys.delete(ctx.caller, { keyId: ctx.params.keyId }, callOpts(ctx))),
    }),

    route<unknown, CreateTokenBody>({
      method: "POST",
      path: "/iam/v1/tokens",
      public: true,
      body: createTokenBody,
      handle: (ctx) => iamTokens.create({ jwt: ctx.body.jwt }),
    }),
  ];
}

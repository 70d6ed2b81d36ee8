// IAM services: ServiceAccountService (+ access bindings), KeyService (Create answers directly,
// not with an Operation) and IamTokenService.Create (a JWT signed with an authorized key).
import type { iamTokenService as tokens, keyService as keys, serviceAccountService as sas } from "@yandex-cloud/nodejs-sdk/iam-v1";
import { errors } from "../../../../contract/errors.js";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import {
  createKeyRequestFromSdk,
  createKeyResponseToSdk,
  createServiceAccountRequestFromSdk,
  iamTokenResponseToSdk,
  keyToSdk,
  listKeysRequestFromSdk,
  listServiceAccountsRequestFromSdk,
  serviceAccountToSdk,
  updateKeyRequestFromSdk,
  updateServiceAccountRequestFromSdk,
  type SdkListKeysRequest,
  type SdkListServiceAccountsRequest,
} from "../mapping/iam.js";
import { operationToSdk } from "../mapping/operation.js";
import { accessBindingMethods } from "./access.js";

export function serviceAccountMethods(deps: HandlerDeps): Record<string, MethodImpl> {
  const s = deps.model.serviceAccounts;
  return {
    get: (r: sas.GetServiceAccountRequest, c: CallContext) => serviceAccountToSdk(s.get(c.caller, r)),
    list: (r: SdkListServiceAccountsRequest, c: CallContext): sas.ListServiceAccountsResponse => {
      const page = s.list(c.caller, listServiceAccountsRequestFromSdk(r));
      return { serviceAccounts: page.items.map(serviceAccountToSdk), nextPageToken: page.nextPageToken };
    },
    create: (r: sas.CreateServiceAccountRequest, c: CallContext) =>
      operationToSdk(s.create(c.caller, createServiceAccountRequestFromSdk(r), c)),
    update: (r: sas.UpdateServiceAccountRequest, c: CallContext) =>
      operationToSdk(s.update(c.caller, updateServiceAccountRequestFromSdk(r), c)),
    delete: (r: sas.DeleteServiceAccountRequest, c: CallContext) => operationToSdk(s.delete(c.caller, r, c)),
    ...accessBindingMethods(deps, "serviceAccount"),
  };
}

export function keyMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  const s = model.keys;
  return {
    get: (r: keys.GetKeyRequest, c: CallContext) => keyToSdk(s.get(c.caller, { keyId: r.keyId })),
    list: (r: SdkListKeysRequest, c: CallContext): keys.ListKeysResponse => {
      const page = s.list(c.caller, listKeysRequestFromSdk(r));
      return { keys: page.items.map(keyToSdk), nextPageToken: page.nextPageToken };
    },
    create: async (r: keys.CreateKeyRequest, c: CallContext) => createKeyResponseToSdk(await s.create(c.caller, createKeyRequestFromSdk(r), c)),
    update: (r: keys.UpdateKeyRequest, c: CallContext) => operationToSdk(s.update(c.caller, updateKeyRequestFromSdk(r), c)),
    delete: (r: keys.DeleteKeyRequest, c: CallContext) => operationToSdk(s.delete(c.caller, r, c)),
  };
}

export function iamTokenMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    create: {
      unauthenticated: true,
      handle: (r: tokens.CreateIamTokenRequest) => {
        if (r.yandexPassportOauthToken !== undefined && r.jwt === undefined) {
          throw errors.invalidArgument("yandex_passport_oauth_token", "is not supported by the emulator; send a jwt signed with an authorized key");
        }
        return iamTokenResponseToSdk(model.iamTokens.create({ jwt: r.jwt ?? "" }));
      },
    },
  };
}

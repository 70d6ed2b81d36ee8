// The emulator-only gRPC service (emulator-service.ts): an IAM token for a subject. The model allows
// it to the emulator admin alone, as it does for the REST route.
import type { Subject } from "@yandex-cloud/nodejs-sdk/proto/access/access";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import { iamTokenResponseToSdk } from "../mapping/iam.js";

export function emulatorMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    issueIamToken: (r: Subject, c: CallContext) => iamTokenResponseToSdk(model.iamTokens.issueFor(c.caller, { subject: { type: r.type, id: r.id } })),
  };
}

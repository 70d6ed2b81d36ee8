// OperationService.Get: what the SDK's waitForOperation polls.
import type { operationService } from "@yandex-cloud/nodejs-sdk/operation";
import { errors } from "../../../../contract/errors.js";
import { actorOf } from "../../../model/context.js";
import { ID_MAX } from "../../../../contract/rules.js";
import type { CallContext, HandlerDeps, MethodImpl } from "../handler.js";
import { operationToSdk } from "../mapping/operation.js";

export function operationMethods({ model }: HandlerDeps): Record<string, MethodImpl> {
  return {
    get: (r: operationService.GetOperationRequest, c: CallContext) => {
      if (!r.operationId) throw errors.required("operation_id");
      if (r.operationId.length > ID_MAX) throw errors.invalidArgument("operation_id", `must be at most ${ID_MAX} characters`);
      const op = model.ctx.getOperation(r.operationId);
      // An operation shows who changed what: only its author (and the emulator admin) may read it;
      // to anyone else it does not exist, so ids cannot be probed.
      if (c.caller.kind !== "admin" && op.createdBy !== actorOf(c.caller)) throw errors.notFound("Operation", r.operationId);
      return operationToSdk(op);
    },
  };
}

// operation OperationService.Get. Every emulator mutation is done when it returns, so clients that
// poll (the SDK's waitForOperation, the Terraform provider) get the finished Operation at once.
import { errors } from "../../../../contract/errors.js";
import { actorOf, type ModelContext } from "../../../model/context.js";
import { operationJson } from "../encode.js";
import { route, type Route } from "../router.js";

export function operationRoutes(ctx: ModelContext): Route[] {
  return [
    route({
      method: "GET",
      path: "/operations/{operationId}",
      handle: (rc) => {
        const id = rc.params.operationId;
        const op = ctx.getOperation(id);
        // An operation is visible to whoever started it (and the admin); to anyone else it does not
        // exist, so operation ids cannot be used to probe other people's changes.
        if (rc.caller.kind !== "admin" && op.createdBy !== actorOf(rc.caller)) throw errors.notFound("Operation", id);
        return operationJson(op);
      },
    }),
  ];
}

// The REST gateway: every route of the Yandex REST surface the emulator implements, plus the
// emulator-only /emulator/v1 routes, served over node:http with Bearer auth (auth.ts).
import { resolveCaller } from "../../auth.js";
import type { CloudModel } from "../../model/cloud-model.js";
import { startHttpGateway, type HttpGateway } from "./http.js";
import { Router, type Route } from "./router.js";
import { computeRoutes } from "./routes/compute.js";
import { directoryRoutes } from "./routes/directory.js";
import { emulatorRoutes } from "./routes/emulator.js";
import { iamRoutes } from "./routes/iam.js";
import { operationRoutes } from "./routes/operations.js";
import { osLoginRoutes } from "./routes/os-login.js";
import { userSshKeyRoutes } from "./routes/user-ssh-keys.js";

export interface RestServerOptions {
  adminToken: string;
  host?: string;
  /** 0 (the default) = any free port. */
  port?: number;
  /** Request body limit in bytes (default 1 MiB); larger bodies get 413. */
  bodyLimit?: number;
  log?: (line: string) => void;
}

export type RestServer = HttpGateway;

export function restRoutes(model: CloudModel): Route[] {
  return [
    ...osLoginRoutes(model.osLogin, model.certificates),
    ...userSshKeyRoutes(model.userSshKeys),
    ...directoryRoutes(model.directory, model.access),
    ...iamRoutes(model.serviceAccounts, model.keys, model.iamTokens, model.access),
    ...computeRoutes(model.instances, model.access, model.serialPorts),
    ...operationRoutes(model.ctx),
    ...emulatorRoutes(model.directory, model.audit, model.iamTokens, model.serialPorts),
  ];
}

export function startRestServer(model: CloudModel, opts: RestServerOptions): Promise<RestServer> {
  return startHttpGateway({
    router: new Router(restRoutes(model)),
    authenticate: (authorization) => resolveCaller(model, opts.adminToken, authorization),
    host: opts.host,
    port: opts.port,
    bodyLimit: opts.bodyLimit,
    log: opts.log,
    acknowledged: (handler) => model.ctx.acknowledged(handler),
  });
}

// The emulator's gRPC endpoint: @grpc/grpc-js over TLS serving the official SDK's generated service
// definitions (int64-safe where uids travel, see catalog.ts), so the SDK's Session with the
// emulator's certificate as its root works unchanged, waitForOperation included.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { CloudModel } from "../../model/cloud-model.js";
import type { Realism } from "../../realism/realism.js";
import { serverDefinition, type ServiceName } from "./catalog.js";
import { emulatorServiceDefinition } from "./emulator-service.js";
import { bindService, type HandlerDeps, type MethodImpl } from "./handler.js";
import { emulatorMethods } from "./services/emulator.js";
import { instanceMethods } from "./services/compute.js";
import { iamTokenMethods, keyMethods, serviceAccountMethods } from "./services/iam.js";
import { operationMethods } from "./services/operation.js";
import {
  organizationMethods,
  osLoginMethods,
  sshCertificateMethods,
  userMethods,
  groupMethods,
  userSshKeyMethods,
} from "./services/organizationmanager.js";
import { cloudMethods, folderMethods } from "./services/resourcemanager.js";

export interface GrpcServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  tls: { certPem: string; keyPem: string };
  adminToken: string;
  /** One line per unexpected internal error. */
  log?: (line: string) => void;
  /** The realistic mode's shared state (see realism/). */
  realism?: Realism;
}

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

const IMPLEMENTATIONS: Record<ServiceName, (deps: HandlerDeps) => Record<string, MethodImpl>> = {
  osLogin: osLoginMethods,
  userSshKey: userSshKeyMethods,
  sshCertificate: sshCertificateMethods,
  organization: organizationMethods,
  user: userMethods,
  group: groupMethods,
  serviceAccount: serviceAccountMethods,
  key: keyMethods,
  iamToken: iamTokenMethods,
  instance: instanceMethods,
  cloud: cloudMethods,
  folder: folderMethods,
  operation: operationMethods,
};

/** How long close() lets in-flight calls finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 2000;

export async function startGrpcServer(model: CloudModel, opts: GrpcServerOptions): Promise<GrpcServer> {
  const deps: HandlerDeps = { model, adminToken: opts.adminToken, log: opts.log, realism: opts.realism };
  const server = new Server();
  for (const [name, methods] of Object.entries(IMPLEMENTATIONS) as [ServiceName, (d: HandlerDeps) => Record<string, MethodImpl>][]) {
    const { definition, implementation } = bindService(deps, serverDefinition(name), methods(deps));
    server.addService(definition, implementation);
  }
  // Not a service of the real API: the admin's way to act as a member over gRPC alone.
  const emulator = bindService(deps, emulatorServiceDefinition, emulatorMethods(deps));
  server.addService(emulator.definition, emulator.implementation);
  const credentials = ServerCredentials.createSsl(
    null,
    [{ private_key: Buffer.from(opts.tls.keyPem), cert_chain: Buffer.from(opts.tls.certPem) }],
    false,
  );
  const address = opts.host.includes(":") ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }));
  return { port, close };
}

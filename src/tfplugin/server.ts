// A go-plugin (v1.6, as terraform 1.11 uses it) gRPC server for one provider: the handshake line,
// AutoMTLS, the controller/stdio/broker/health services, and the tfplugin6.Provider service.
// Facts: docs/reference.md, "Terraform's plugin protocol 6".
//
// This module returns values; the process entry (src/cli/terraform-provider.ts) prints the handshake
// line and exits.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MiniGrpcServer, type OpenStream } from "./grpc-server.js";
import { serviceDefinition, type Message } from "./protocol.js";
import { serverTls } from "./tls.js";

export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

/** Why the process cannot serve (printed by the entry, exit 1), like go-plugin's own message. */
export class PluginStartError extends Error {}

export interface PluginServer {
  /** The single stdout line terraform reads: `1|6|unix|<socket>|grpc|<cert DER base64>`. */
  handshake: string;
  /** Resolves when terraform called GRPCController.Shutdown (or stop() was called) and the server is down. */
  done: Promise<void>;
  /** Stops serving and removes the socket (signal handlers, tests). */
  stop(): void;
}

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  /** The tfplugin6.Provider handlers (createProviderHandlers). */
  handlers: Record<string, (req: Message) => Promise<Message>>;
  /** Where the server certificate is cached between launches. */
  tlsCacheDir: string;
  /** Where to put the socket (default: the OS temp dir). */
  socketDir?: string;
}

/** Checks what go-plugin checks before serving: the magic cookie and a common protocol version. */
export function checkLaunchEnvironment(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new PluginStartError(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will\n" +
        "load any plugins automatically (terraform, via `oslogin terraform setup`).",
    );
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? "").split(",").map((s) => s.trim());
  // An empty list means an old client that only knows the version it was built for; accept it.
  if (offered.length > 0 && offered[0] !== "" && !offered.includes(String(APP_PROTOCOL_VERSION))) {
    throw new PluginStartError(
      `terraform offers plugin protocol versions ${offered.join(",")}; this provider speaks only ${APP_PROTOCOL_VERSION} (terraform >= 1.0 needed).`,
    );
  }
}

export async function servePlugin(opts: ServeOptions): Promise<PluginServer> {
  checkLaunchEnvironment(opts.env);
  const clientCertPem = opts.env.PLUGIN_CLIENT_CERT?.trim();
  // go-plugin uses TLS exactly when terraform sent its client certificate (TF_DISABLE_PLUGIN_TLS unset).
  const tls = clientCertPem ? await serverTls(opts.tlsCacheDir) : undefined;
  const server = new MiniGrpcServer();

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const socketPath = join(opts.socketDir ?? tmpdir(), `oslogin-tfplugin-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // Graceful, so the Shutdown reply itself is flushed (forced after 1 s if a call hangs).
    void server.close().then(() => {
      rmSync(socketPath, { force: true });
      resolveDone();
    });
  };

  server.addService(serviceDefinition("tfplugin6.Provider"), opts.handlers);
  server.addService(serviceDefinition("plugin.GRPCController"), {
    // Answer first, then go: terraform waits for the reply, then up to 2 s for us to exit.
    Shutdown: async () => {
      setImmediate(stop);
      return {};
    },
  });
  // Terraform opens both streams on connect; they stay open (idle) until shutdown. Providers never
  // broker connections, so whatever arrives on the broker stream is ignored.
  server.addService(serviceDefinition("plugin.GRPCStdio"), { StreamStdio: () => undefined });
  server.addService(serviceDefinition("plugin.GRPCBroker"), { StartStream: () => undefined });
  const healthStatus = (service: string | undefined) => (service === undefined || service === "" || service === "plugin" ? 1 : 3);
  server.addService(serviceDefinition("grpc.health.v1.Health"), {
    Check: async (req: Message) => ({ status: healthStatus(req.service) }),
    Watch: (call: OpenStream) => call.write({ status: healthStatus(call.request?.service) }),
  });

  try {
    await server.listen(socketPath, tls && { keyPem: tls.keyPem, certPem: tls.certPem, clientCaPem: clientCertPem + "\n" });
  } catch (e) {
    throw new PluginStartError(`cannot listen on ${socketPath}: ${(e as Error).message}`);
  }
  const handshake = [CORE_PROTOCOL_VERSION, APP_PROTOCOL_VERSION, "unix", socketPath, "grpc", tls?.certDerBase64 ?? ""].join("|");
  return { handshake, done, stop };
}

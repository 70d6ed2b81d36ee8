// The metadata endpoint on HTTP: plain node:http, keep-alive, no body reading (the agent's only
// POSTs are 2FA calls this emulator does not offer; they get 404 like any unknown path).
// Each response carries `Metadata-Flavor: Google`, as Google's server does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetadataEndpoint } from "./endpoint.js";

export interface RunningMetadataServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface MetadataServerOptions {
  host: string;
  port: number;
  /** Called after each answer (for request logs). */
  onResponse?: (method: string, target: string, status: number) => void;
}

export function startMetadataServer(endpoint: MetadataEndpoint, opts: MetadataServerOptions): Promise<RunningMetadataServer> {
  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const flavor = req.headers["metadata-flavor"];
    const { status, body } = endpoint.handle(req.method ?? "GET", req.url ?? "/", Array.isArray(flavor) ? flavor[0] : flavor);
    res.writeHead(status, {
      "Metadata-Flavor": "Google",
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
    opts.onResponse?.(req.method ?? "GET", req.url ?? "/", status);
    // A request body (only the unsupported 2FA POSTs send one) is drained so keep-alive stays sane.
    req.resume();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      const addr = server.address() as AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

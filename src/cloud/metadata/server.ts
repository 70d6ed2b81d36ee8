// The metadata endpoint on HTTP (http1.ts: keep-alive, pipelining, strict parsing). Request bodies
// are skipped: the agent's only POSTs are 2FA calls this emulator does not offer; they get 404 like
// any unknown path. Each response carries `Metadata-Flavor: Google`, as Google's server does.
import type { MetadataEndpoint } from "./endpoint.js";
import { startHttp1Server, type RunningHttp1Server } from "./http1.js";

export type RunningMetadataServer = RunningHttp1Server;

export interface MetadataServerOptions {
  host: string;
  port: number;
  /** Called after each answer (for request logs). */
  onResponse?: (method: string, target: string, status: number) => void;
}

export function startMetadataServer(endpoint: MetadataEndpoint, opts: MetadataServerOptions): Promise<RunningMetadataServer> {
  return startHttp1Server(
    (req) => {
      const res = endpoint.handle(req.method, req.target, req.header("metadata-flavor"));
      opts.onResponse?.(req.method, req.target, res.status);
      return res;
    },
    opts.host,
    opts.port,
    { headers: { "Metadata-Flavor": "Google", "Content-Type": "application/json" } },
  );
}

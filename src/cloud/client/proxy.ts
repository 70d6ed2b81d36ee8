// Which HTTP proxy a gRPC connection goes through, read from the environment the way grpc-js (and
// so the official SDK) reads it: grpc_proxy, else https_proxy, else http_proxy; no_grpc_proxy, else
// no_proxy, lists hosts that connect directly ("*" for all; "example.com" also covers its
// subdomains). Only http:// proxies: the tunnel is an HTTP CONNECT, TLS runs end to end inside it.
// Like grpc-js, a value that is not an http:// URL is skipped with a warning and the connection is
// direct (an https_proxy set for other tools must not stop the cloud's calls).

let warned = false;
const warnOnce = (message: string) => {
  if (!warned) process.stderr.write(`oslogin: ${message}\n`);
  warned = true;
};

/** The variable the proxy comes from (grpc_proxy, https_proxy or http_proxy), for messages. */
export function proxyVariable(env: NodeJS.ProcessEnv = process.env): string {
  return env.grpc_proxy ? "grpc_proxy" : env.https_proxy ? "https_proxy" : "http_proxy";
}

export function proxyFor(host: string, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = warnOnce): URL | undefined {
  const raw = env.grpc_proxy || env.https_proxy || env.http_proxy;
  if (!raw) return undefined;
  const bypass = (env.no_grpc_proxy ?? env.no_proxy ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  const h = host.toLowerCase();
  if (bypass.some((b) => b === "*" || h === b.replace(/^\./, "") || h.endsWith(b.startsWith(".") ? b : `.${b}`))) return undefined;
  const name = proxyVariable(env);
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    warn(`${name} ${JSON.stringify(raw)} is not a URL: connecting to the cloud directly`);
    return undefined;
  }
  if (url.protocol !== "http:") {
    warn(`${name} ${url.href} is not an http:// proxy (gRPC tunnels through one with CONNECT): connecting to the cloud directly`);
    return undefined;
  }
  return url;
}

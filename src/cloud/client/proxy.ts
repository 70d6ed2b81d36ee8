// Which HTTP proxy a gRPC connection goes through, read from the environment the way grpc-js (and
// so the official SDK) reads it: grpc_proxy, else https_proxy, else http_proxy; no_grpc_proxy, else
// no_proxy, lists hosts that connect directly ("*" for all; "example.com" also covers its
// subdomains). Only http:// proxies: the tunnel is an HTTP CONNECT, TLS runs end to end inside it.

export function proxyFor(host: string, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const raw = env.grpc_proxy || env.https_proxy || env.http_proxy;
  if (!raw) return undefined;
  const bypass = (env.no_grpc_proxy ?? env.no_proxy ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
  const h = host.toLowerCase();
  if (bypass.some((b) => b === "*" || h === b.replace(/^\./, "") || h.endsWith(b.startsWith(".") ? b : `.${b}`))) return undefined;
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new Error(`the proxy ${JSON.stringify(raw)} (grpc_proxy / https_proxy / http_proxy) is not a URL`);
  }
  if (url.protocol !== "http:") throw new Error(`the proxy ${url.href} (grpc_proxy / https_proxy / http_proxy) must be an http:// URL: gRPC tunnels through it with CONNECT`);
  return url;
}

// Provider block -> CloudClient, reading the real provider's arguments:
// - endpoint (+ token | service_account_key_file): gRPC through the official SDK client, every
//   service at that endpoint (`oslogin serve`, or a gateway). The emulator's certificate is
//   self-signed: name it with root_certs (our extension, the same name the inventory config uses),
//   or set insecure = true to trust whatever certificate the endpoint presents (the real provider's
//   "skip verification"). Without root_certs the system CA store (plus NODE_EXTRA_CA_CERTS /
//   SSL_CERT_FILE) is trusted.
// - no endpoint: the real cloud, each service at its host from the SDK's map, system CAs trusted.
// Either way the client retries transient failures, keys every mutation, and renews a service
// account's IAM token before it expires (cloud/client/retrying.ts, iam-token-source.ts).
// - OSLOGIN_TF_DATA_DIR in terraform's environment: the embedded cloud in this process over that
//   data directory (SQLite), for tests and speed. Credentials, if given, are checked like the server
//   checks them; without any the caller is the emulator admin, which owning the directory means.
import { readFileSync } from "node:fs";
import type { CloudClient } from "../contract/cloud-client.js";
import type { AuthorizedKeyFile } from "../contract/api-types.js";
import type { Caller } from "../cloud/model/types.js";
import type { ObjectValue, ProviderConfig } from "../resources/define.js";

export const DATA_DIR_ENV = "OSLOGIN_TF_DATA_DIR";

/** A provider configuration problem; the message names the argument (never a secret's value). */
export class ProviderConfigError extends Error {
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The scope fallbacks resources read (organization_id, folder_id, ...): the provider block, else YC_* env. */
export function providerDefaults(config: ObjectValue, env: NodeJS.ProcessEnv): ProviderConfig {
  // The real provider reads the same YC_* variables when an argument is not set.
  return {
    endpoint: str(config.endpoint) ?? str(env.YC_ENDPOINT),
    organization_id: str(config.organization_id) ?? str(env.YC_ORGANIZATION_ID),
    cloud_id: str(config.cloud_id) ?? str(env.YC_CLOUD_ID),
    folder_id: str(config.folder_id) ?? str(env.YC_FOLDER_ID),
    zone: str(config.zone) ?? str(env.YC_ZONE),
  };
}

interface Credentials {
  token?: string;
  keyFile?: AuthorizedKeyFile;
}

async function credentials(config: ObjectValue, env: NodeJS.ProcessEnv): Promise<Credentials> {
  const token = str(config.token) ?? str(env.YC_TOKEN);
  const keyArg = str(config.service_account_key_file) ?? str(env.YC_SERVICE_ACCOUNT_KEY_FILE);
  if (!keyArg) return { token };
  // Like the real provider: the argument is a path, or the key file's JSON itself.
  if (keyArg.trimStart().startsWith("{")) {
    let parsed: AuthorizedKeyFile;
    try {
      parsed = JSON.parse(keyArg) as AuthorizedKeyFile;
    } catch {
      throw new ProviderConfigError("service_account_key_file holds neither a file path nor valid key JSON", "service_account_key_file");
    }
    for (const field of ["id", "service_account_id", "private_key"] as const) {
      if (typeof parsed[field] !== "string" || parsed[field] === "") {
        throw new ProviderConfigError(`service_account_key_file: field "${field}" is missing or not a string`, "service_account_key_file");
      }
    }
    return { token, keyFile: parsed };
  }
  const { readAuthorizedKeyFile } = await import("../contract/key-file.js");
  try {
    return { token, keyFile: readAuthorizedKeyFile(keyArg) };
  } catch (e) {
    throw new ProviderConfigError((e as Error).message, "service_account_key_file");
  }
}

export async function connectCloud(config: ObjectValue, env: NodeJS.ProcessEnv): Promise<{ cloud: CloudClient; provider: ProviderConfig }> {
  const provider = providerDefaults(config, env);
  const creds = await credentials(config, env);
  const dataDir = str(env[DATA_DIR_ENV]);
  const { retrying } = await import("../cloud/client/retrying.js");
  if (dataDir) return { cloud: retrying(await inProcessClient(dataDir, creds)), provider };
  return { cloud: retrying(await grpcClient(provider.endpoint, config, creds)), provider };
}

async function grpcClient(endpoint: string | undefined, config: ObjectValue, creds: Credentials): Promise<CloudClient> {
  if (config.plaintext === true) {
    throw new ProviderConfigError("the cloud's gRPC API is only served over TLS: remove plaintext (use root_certs or insecure)", "plaintext");
  }
  const rootCertPem = endpoint === undefined ? await rootCertificateFile(config) : await rootCertificate(endpoint, config);
  const { GrpcCloudClient } = await import("../cloud/client/grpc.js");
  if (creds.keyFile) return GrpcCloudClient.fromAuthorizedKey({ endpoint, rootCertPem, keyFile: creds.keyFile });
  if (creds.token) return new GrpcCloudClient({ endpoint, rootCertPem, iamToken: creds.token });
  throw new ProviderConfigError("no credentials: set token or service_account_key_file (or YC_TOKEN)", "token");
}

/** root_certs when given; else undefined, which trusts the system store. */
async function rootCertificateFile(config: ObjectValue): Promise<string | undefined> {
  const file = str(config.root_certs);
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ProviderConfigError(`root_certs: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`, "root_certs");
  }
}

async function rootCertificate(endpoint: string, config: ObjectValue): Promise<string | undefined> {
  if (str(config.root_certs)) return rootCertificateFile(config);
  if (config.insecure === true) return presentedCertificate(endpoint);
  // A gateway or proxy with a certificate from a CA the system (or NODE_EXTRA_CA_CERTS) trusts.
  return undefined;
}

/** insecure = true: trust the certificate the endpoint presents, whatever signed it. */
async function presentedCertificate(endpoint: string): Promise<string> {
  const { connect } = await import("node:tls");
  const { X509Certificate } = await import("node:crypto");
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint);
  if (!m) throw new ProviderConfigError(`endpoint must be host:port, got ${JSON.stringify(endpoint)}`, "endpoint");
  const [, host, port] = m;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ["h2"] }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      if (!raw) return reject(new ProviderConfigError(`${endpoint} presented no TLS certificate`, "endpoint"));
      resolve(new X509Certificate(raw).toString());
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
    socket.on("error", (e) => reject(new ProviderConfigError(`cannot reach ${endpoint}: ${e.message}`, "endpoint")));
  });
}

async function inProcessClient(dataDir: string, creds: Credentials): Promise<CloudClient> {
  const { existsSync } = await import("node:fs");
  const { join } = await import("node:path");
  // Opening a directory without a database would silently start an empty cloud.
  if (!existsSync(join(dataDir, "cloud.db"))) {
    throw new ProviderConfigError(`${DATA_DIR_ENV}=${dataDir} holds no embedded cloud (expected ${join(dataDir, "cloud.db")}); run \`oslogin serve --data-dir ${dataDir}\` once, or seed it`);
  }
  const [{ CloudModel }, { InProcessCloudClient }] = await Promise.all([import("../cloud/model/cloud-model.js"), import("../cloud/client/inprocess.js")]);
  const model = CloudModel.open({ dataDir });
  let caller: Caller | undefined;
  if (creds.keyFile) {
    const { signServiceAccountJwt } = await import("../cloud/model/iam-tokens.js");
    const { iamToken } = model.iamTokens.create({ jwt: signServiceAccountJwt(creds.keyFile) });
    caller = { kind: "subject", subject: model.iamTokens.resolve(iamToken)! };
  } else if (creds.token) {
    const [{ resolveCaller }, { ensureAdminToken }] = await Promise.all([import("../cloud/auth.js"), import("../cloud/admin-token.js")]);
    caller = resolveCaller(model, ensureAdminToken(dataDir), `Bearer ${creds.token}`);
  }
  const { embeddedWithRealism } = await import("../cloud/realism/embedded.js");
  return embeddedWithRealism(new InProcessCloudClient(model, caller));
}

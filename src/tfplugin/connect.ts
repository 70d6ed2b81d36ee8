// Provider block -> CloudClient, the way the real provider reads its arguments:
// - endpoint + token | service_account_key_file: gRPC through the official SDK client against
//   `oslogin serve` (or, one day, the real cloud). The emulator's certificate is self-signed, so
//   root_certificate_file (our extension) names it, or insecure = true skips verification.
// - OSLOGIN_TF_DATA_DIR in terraform's environment: the embedded cloud in this process over that
//   data directory (SQLite), for tests and speed. A token, if given, is resolved like the server
//   does (admin token or IAM token); without one the caller is the emulator admin, which is what
//   owning the data directory already means.
import type { CloudClient } from "../cloud/client/cloud-client.js";
import type { ObjectValue, ProviderConfig } from "../resources/define.js";

export const DATA_DIR_ENV = "OSLOGIN_TF_DATA_DIR";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The scope fallbacks resources read (organization_id, folder_id, ...), from the provider block or YC_* env. */
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

export async function connectCloud(config: ObjectValue, env: NodeJS.ProcessEnv): Promise<{ cloud: CloudClient; provider: ProviderConfig }> {
  const provider = providerDefaults(config, env);
  const token = str(config.token) ?? str(env.YC_TOKEN);
  const dataDir = str(env[DATA_DIR_ENV]);
  if (dataDir) return { cloud: await inProcessClient(dataDir, token), provider };
  throw new Error(
    `the provider has no way to reach a cloud yet: set ${DATA_DIR_ENV} to an embedded cloud data directory (the gRPC client is not available in this build)`,
  );
}

async function inProcessClient(dataDir: string, token: string | undefined): Promise<CloudClient> {
  const [{ CloudModel }, { InProcessCloudClient }, { resolveCaller }, { ensureAdminToken }] = await Promise.all([
    import("../cloud/model/cloud-model.js"),
    import("../cloud/client/inprocess.js"),
    import("../cloud/auth.js"),
    import("../cloud/admin-token.js"),
  ]);
  const model = CloudModel.open({ dataDir });
  if (!token) return new InProcessCloudClient(model);
  return new InProcessCloudClient(model, resolveCaller(model as never, ensureAdminToken(dataDir), `Bearer ${token}`));
}

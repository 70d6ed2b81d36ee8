// Provider block -> CloudClient. (Filled in when src/cloud/client/{inprocess,grpc}.ts land.)
import type { CloudClient } from "../cloud/client/cloud-client.js";
import type { ObjectValue, ProviderConfig } from "../resources/define.js";

export async function connectCloud(_config: ObjectValue, _env: NodeJS.ProcessEnv): Promise<{ cloud: CloudClient; provider: ProviderConfig }> {
  throw new Error("no cloud client available yet");
}

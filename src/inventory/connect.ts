// Connects to the cloud AS the service account, the way the real cloud expects: its authorized key
// signs a PS256 JWT, which IamTokenService.Create exchanges for an IAM token. Against `oslogin
// serve` that happens over gRPC through the official SDK; against an embedded data directory it
// happens in process, through the same token service.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudClient } from "../contract/cloud-client.js";
import { InProcessCloudClient } from "../cloud/client/inprocess.js";
import { retrying } from "../cloud/client/retrying.js";
import { embeddedWithRealism } from "../cloud/realism/embedded.js";
import { CloudModel } from "../cloud/model/cloud-model.js";
import { signServiceAccountJwt } from "../cloud/model/iam-tokens.js";
import { readAuthorizedKeyFile } from "../contract/key-file.js";
import type { InventoryConfig } from "./config.js";
import { InventoryError } from "./gather.js";

export interface InventoryConnection {
  client: CloudClient;
  serviceAccountId: string;
  close(): Promise<void>;
}

export async function connectAsServiceAccount(config: InventoryConfig): Promise<InventoryConnection> {
  let keyFile;
  try {
    keyFile = readAuthorizedKeyFile(config.serviceAccountKeyFile);
  } catch (e) {
    throw new InventoryError(`cannot use service_account_key_file ${config.serviceAccountKeyFile}: ${(e as Error).message}`);
  }
  if (config.endpoint || config.cloud) {
    // `oslogin serve` has a self-signed certificate to name; the real cloud's chain to the system store.
    if (!config.rootCerts && !config.cloud) {
      throw new InventoryError("root_certs is required with endpoint: the PEM of oslogin serve's TLS certificate (<data-dir>/tls/cert.pem)");
    }
    let rootCertPem: string | undefined;
    try {
      rootCertPem = config.rootCerts === undefined ? undefined : readFileSync(config.rootCerts, "utf8");
    } catch {
      throw new InventoryError(`cannot read root_certs ${config.rootCerts}`);
    }
    // The SDK is heavy to load; the embedded path never needs it.
    const { GrpcCloudClient } = await import("../cloud/client/grpc.js");
    const grpc = await GrpcCloudClient.fromAuthorizedKey({ endpoint: config.endpoint, rootCertPem, keyFile, operationTimeoutMs: 10_000 });
    // Tokens renew from the key as they near expiry; transient failures are retried.
    const client = retrying(grpc);
    return { client, serviceAccountId: keyFile.service_account_id, close: () => grpc.close() };
  }
  const dataDir = config.dataDir!;
  // Opening a directory without a database would create an empty cloud: an inventory of nothing.
  if (!existsSync(join(dataDir, "cloud.db"))) throw new InventoryError(`no emulator data in ${dataDir} (expected ${join(dataDir, "cloud.db")})`);
  const model = CloudModel.open({ dataDir });
  try {
    const { iamToken } = model.iamTokens.create({ jwt: signServiceAccountJwt(keyFile) });
    const subject = model.iamTokens.resolve(iamToken)!;
    const client = retrying(embeddedWithRealism(new InProcessCloudClient(model, { kind: "subject", subject })));
    return { client, serviceAccountId: subject.id, close: async () => model.close() };
  } catch (e) {
    model.close();
    throw e;
  }
}

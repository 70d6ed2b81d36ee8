// Connects to the cloud AS the service account, the way the real cloud expects: its authorized key
// signs a PS256 JWT, which IamTokenService.Create exchanges for an IAM token. Against `oslogin
// serve` that happens over gRPC through the official SDK; against an embedded data directory it
// happens in process, through the same token service. A member (`oslogin ssh --member`) has no key
// to prove who they are: only the embedded cloud's holder, its admin, may act as one, through the
// token service's admin-only issue (what the emulator's /emulator/v1/iamTokens route serves).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subject } from "../contract/api-types.js";
import { listAll, type CloudClient } from "../contract/cloud-client.js";
import { InProcessCloudClient } from "../cloud/client/inprocess.js";
import { retrying } from "../cloud/client/retrying.js";
import { embeddedWithRealism } from "../cloud/realism/embedded.js";
import { CloudModel } from "../cloud/model/cloud-model.js";
import { ADMIN } from "../cloud/model/types.js";
import { signServiceAccountJwt } from "../cloud/model/iam-tokens.js";
import { readAuthorizedKeyFile } from "../contract/key-file.js";
import type { InventoryConfig } from "./config.js";
import { InventoryError } from "./gather.js";

export interface InventoryConnection {
  client: CloudClient;
  /** Who every call is made as. */
  subject: Subject;
  /** How messages name them: "service account ajs..." or "member alice@example.com". */
  who: string;
  close(): Promise<void>;
}

/** As the config's member when it names one (`oslogin ssh`/`scp`), as its service account otherwise. */
export function connectAsConfigured(config: InventoryConfig): Promise<InventoryConnection> {
  return config.member ? connectAsMember(config, config.member) : connectAsServiceAccount(config);
}

export async function connectAsServiceAccount(config: InventoryConfig): Promise<InventoryConnection> {
  if (!config.serviceAccountKeyFile) throw new InventoryError("service_account_key_file is required (OSLOGIN_SERVICE_ACCOUNT_KEY_FILE): the inventory runs as a service account");
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
    const subject = { type: "serviceAccount", id: keyFile.service_account_id };
    return { client, subject, who: `service account ${subject.id}`, close: () => grpc.close() };
  }
  const signed = keyFile;
  return withEmbeddedModel(config, async (model) => {
    const { iamToken } = model.iamTokens.create({ jwt: signServiceAccountJwt(signed) });
    return { token: iamToken, who: `service account ${signed.service_account_id}` };
  });
}

/**
 * As member `member` (e-mail or user id) of the config's organization, on the embedded cloud: the
 * admin finds the member and issues a token for them, and every call after that is the member's own
 * (their roles decide what they may list, read and get certified).
 */
export async function connectAsMember(config: InventoryConfig, member: string): Promise<InventoryConnection> {
  if (!config.dataDir) throw new InventoryError("member needs data_dir (the embedded cloud, whose holder may act as any member)");
  return withEmbeddedModel(config, async (model) => {
    const admin = new InProcessCloudClient(model, ADMIN);
    const members = await listAll((pageToken) => admin.listMembers(config.organizationId, { pageToken, pageSize: 1000 }));
    const user = members.find((m) => m.id === member) ?? members.find((m) => m.email.toLowerCase() === member.toLowerCase());
    if (!user) throw new InventoryError(`member ${JSON.stringify(member)} is not a member of organization ${config.organizationId} (give their e-mail or user id)`);
    const { iamToken } = model.iamTokens.issueFor(ADMIN, { subject: { type: "userAccount", id: user.id } });
    return { token: iamToken, who: `member ${user.email || user.id}` };
  });
}

/** Opens the data directory and connects with the token `signIn` gets; the model is closed on failure. */
async function withEmbeddedModel(config: InventoryConfig, signIn: (model: CloudModel) => Promise<{ token: string; who: string }>): Promise<InventoryConnection> {
  const dataDir = config.dataDir!;
  // Opening a directory without a database would create an empty cloud: an inventory of nothing.
  if (!existsSync(join(dataDir, "cloud.db"))) throw new InventoryError(`no emulator data in ${dataDir} (expected ${join(dataDir, "cloud.db")})`);
  const model = CloudModel.open({ dataDir });
  try {
    const { token, who } = await signIn(model);
    // Resolved as every server resolves a bearer token: the caller is whoever the token stands for.
    const subject = model.iamTokens.resolve(token)!;
    const client = retrying(embeddedWithRealism(new InProcessCloudClient(model, { kind: "subject", subject })));
    return { client, subject, who, close: async () => model.close() };
  } catch (e) {
    model.close();
    throw e;
  }
}

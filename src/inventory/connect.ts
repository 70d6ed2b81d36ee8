// Connects to the cloud AS the service account, the way the real cloud expects: its authorized key
// signs a PS256 JWT, which IamTokenService.Create exchanges for an IAM token. Against `oslogin
// serve` that happens over gRPC through the official SDK; against an embedded data directory it
// happens in process, through the same token service. A member (`oslogin ssh --member`) has no key
// to prove who they are. Whoever holds the emulator's data directory is its admin and may act as any
// member: in process (data_dir alone), or over gRPC through the served directory's admin token
// (endpoint + data_dir), which asks the server for the member's token and then calls with that
// token only, so the server's own checks decide. Anywhere else (the real cloud, a server whose
// directory is not ours) the member brings their own IAM token in YC_TOKEN.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subject, User } from "../contract/api-types.js";
import { listAll, type CloudClient } from "../contract/cloud-client.js";
import { CloudError, isCloudError, unreachableCause } from "../contract/errors.js";
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
export function connectAsConfigured(config: InventoryConfig, env: NodeJS.ProcessEnv = process.env): Promise<InventoryConnection> {
  return config.member ? connectAsMember(config, config.member, env) : connectAsServiceAccount(config);
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
    const rootCertPem = await trustedRoot(config);
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
 * As member `member` (e-mail or user id) of the config's organization. With a data directory its
 * holder, the emulator admin, finds the member and issues a token for them (in process, or through
 * `oslogin serve` when an endpoint is given too); otherwise YC_TOKEN is the member's own token. Every
 * call after that is the member's own (their roles decide what they may list, read and get certified).
 */
export async function connectAsMember(config: InventoryConfig, member: string, env: NodeJS.ProcessEnv = process.env): Promise<InventoryConnection> {
  if (config.dataDir && config.endpoint) return memberThroughServe(config, config.endpoint, config.dataDir, member);
  if (!config.dataDir) return memberWithOwnToken(config, member, env.YC_TOKEN);
  return withEmbeddedModel(config, async (model) => {
    const user = await findMember(new InProcessCloudClient(model, ADMIN), config.organizationId, member);
    const { iamToken } = model.iamTokens.issueFor(ADMIN, { subject: { type: "userAccount", id: user.id } });
    return { token: iamToken, who: memberName(user) };
  });
}

const memberName = (user: User) => `member ${user.email || user.id}`;

/** The member named by user id or e-mail (any case), or an error saying they are not one. */
async function findMember(client: CloudClient, organizationId: string, member: string): Promise<User> {
  const members = await listAll((pageToken) => client.listMembers(organizationId, { pageToken, pageSize: 1000 }));
  const user = members.find((m) => m.id === member) ?? members.find((m) => m.email.toLowerCase() === member.toLowerCase());
  if (!user) throw new InventoryError(`member ${JSON.stringify(member)} is not a member of organization ${organizationId} (give their e-mail or user id)`);
  return user;
}

/**
 * The served directory's admin token finds the member and gets their token from the server (the
 * emulator's admin-only IssueIamToken); the admin connection is closed before anything else is asked.
 */
async function memberThroughServe(config: InventoryConfig, endpoint: string, dataDir: string, member: string): Promise<InventoryConnection> {
  const rootCertPem = await trustedRoot(config);
  const { openGrpcCloudClient } = await import("../cloud/client/grpc.js");
  const admin = await openGrpcCloudClient({ endpoint, dataDir, rootCertPem }).catch((e: unknown) => {
    throw isCloudError(e) ? new InventoryError(e.message) : e;
  });
  try {
    const user = await findMember(admin, config.organizationId, member);
    const { iamToken } = await admin.issueIamTokenFor({ type: "userAccount", id: user.id });
    const grpc = admin.withToken(iamToken);
    return { client: retrying(grpc), subject: { type: "userAccount", id: user.id }, who: memberName(user), close: () => grpc.close() };
  } catch (e) {
    throw firstCallFailure(e, `oslogin serve at ${endpoint}`, `oslogin serve at ${endpoint} does not take the admin token in ${dataDir}: data_dir must be the directory that server serves`) ?? e;
  } finally {
    await admin.close();
  }
}

/**
 * The member's own IAM token (YC_TOKEN): nothing is minted. The member is named by user id; an
 * e-mail is resolved only when the token may list the organization's members.
 */
async function memberWithOwnToken(config: InventoryConfig, member: string, iamToken: string | undefined): Promise<InventoryConnection> {
  if (!iamToken) {
    throw new InventoryError(
      "--member without data_dir acts with the member's own IAM token: set YC_TOKEN (e.g. YC_TOKEN=$(yc iam create-token)); only the holder of the served data_dir may issue a token for a member",
    );
  }
  const rootCertPem = await trustedRoot(config);
  const { GrpcCloudClient } = await import("../cloud/client/grpc.js");
  const grpc = new GrpcCloudClient({ endpoint: config.endpoint, rootCertPem, iamToken, operationTimeoutMs: 10_000 });
  const where = config.endpoint ?? grpc.endpointOf("user");
  try {
    let who: string;
    let id: string;
    try {
      const user = await findMember(grpc, config.organizationId, member);
      ({ id } = user);
      who = memberName(user);
    } catch (e) {
      // Listing members needs organization-manager.users.list; a member without it names themself by id.
      if (!(e instanceof CloudError && e.code === "PERMISSION_DENIED")) throw e;
      if (member.includes("@")) {
        throw new InventoryError(
          `YC_TOKEN may not list the members of organization ${config.organizationId}, so the e-mail ${member} cannot be resolved: give your user id with --member`,
        );
      }
      id = member;
      who = `member ${member}`;
    }
    return { client: retrying(grpc), subject: { type: "userAccount", id }, who, close: () => grpc.close() };
  } catch (e) {
    await grpc.close();
    throw firstCallFailure(e, where, `YC_TOKEN is not accepted by ${where}: it has expired or is not an IAM token; make a fresh one (yc iam create-token)`) ?? e;
  }
}

/** The first call's failure in one line: the server cannot be reached, or does not take the token. */
function firstCallFailure(e: unknown, where: string, unauthenticated: string): InventoryError | undefined {
  if (!isCloudError(e)) return undefined;
  if (e.code === "UNAUTHENTICATED") return new InventoryError(unauthenticated);
  if (e.code === "UNAVAILABLE" || e.code === "DEADLINE_EXCEEDED") return new InventoryError(`cannot reach ${where} (${unreachableCause(e).cause})`);
  if (e.code === "UNIMPLEMENTED") return new InventoryError(`${where} cannot issue a token for a member (${e.message}): run a newer oslogin serve`);
  return undefined;
}

/**
 * What the endpoint's TLS certificate must chain to: root_certs, else the served data directory's
 * certificate; the real cloud's chains to the system store.
 */
async function trustedRoot(config: InventoryConfig): Promise<string | undefined> {
  if (config.rootCerts !== undefined) {
    try {
      return readFileSync(config.rootCerts, "utf8");
    } catch {
      throw new InventoryError(`cannot read root_certs ${config.rootCerts}`);
    }
  }
  if (config.dataDir) {
    const { servedCertificatePem } = await import("../cloud/client/grpc.js");
    try {
      return servedCertificatePem(config.dataDir);
    } catch (e) {
      throw isCloudError(e) ? new InventoryError(e.message) : e;
    }
  }
  // `oslogin serve` has a self-signed certificate to name; the real cloud's chain to the system store.
  if (!config.cloud) throw new InventoryError("root_certs is required with endpoint: the PEM of oslogin serve's TLS certificate (<data-dir>/tls/cert.pem), or data_dir naming that directory");
  return undefined;
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

// The realistic mode for the cloud embedded in process, switched on by OSLOGIN_REALISM (the spec
// `oslogin serve --realism` takes): the engine's, the terraform provider's and the inventory's
// embedded clients all pass through here, so one variable makes all three meet the same cloud.
import type { CloudClient } from "../../contract/cloud-client.js";
import type { InProcessCloudClient } from "../client/inprocess.js";
import { isRealistic, parseRealism, REALISM_ENV } from "./options.js";
import { realisticInProcess } from "./inprocess.js";
import { Realism } from "./realism.js";

export function embeddedWithRealism(client: InProcessCloudClient, env: NodeJS.ProcessEnv = process.env): CloudClient {
  const spec = env[REALISM_ENV];
  if (!spec) return client;
  const options = parseRealism(spec);
  if (options.tokenLifetimeSeconds !== undefined) client.model.iamTokens.lifetimeSeconds = options.tokenLifetimeSeconds;
  if (!isRealistic(options)) return client;
  const caller = client.caller.kind === "admin" ? "admin" : `${client.caller.subject.type}:${client.caller.subject.id}`;
  return realisticInProcess(client, new Realism(options), caller);
}

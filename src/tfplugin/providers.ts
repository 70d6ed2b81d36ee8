// The two provider binaries the same entry serves: yandex-cloud/yandex (our resource definitions)
// and hashicorp/null (null_resource), because terraform starts every provider listed in
// required_providers and cannot download hashicorp/null offline.
import type { BlockSchema, ObjectValue } from "../resources/define.js";
import { diag, optional, types } from "../resources/define.js";
import type { ProviderSpec } from "./provider.js";

export const PROVIDER_NAMES = ["yandex", "null"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** The yandex provider block: the real provider's argument names, plus how we reach `oslogin serve`. */
export const yandexProviderConfig: BlockSchema = {
  attributes: {
    endpoint: optional(types.string, {
      description: "The API endpoint host:port (the real provider's default: api.cloud.yandex.net:443). For the embedded cloud: the address `oslogin serve` prints.",
    }),
    token: optional(types.string, { description: "An IAM or OAuth token (or the embedded cloud's admin token).", sensitive: true }),
    service_account_key_file: optional(types.string, {
      description: "Path to (or contents of) a service account authorized key JSON file.",
      sensitive: true,
    }),
    organization_id: optional(types.string, { description: "The default organization for resources that need one." }),
    cloud_id: optional(types.string, { description: "The default cloud." }),
    folder_id: optional(types.string, { description: "The default folder for resources that need one." }),
    zone: optional(types.string, { description: "The default availability zone." }),
    insecure: optional(types.bool, { description: "Skip TLS certificate verification of the endpoint." }),
    plaintext: optional(types.bool, { description: "Talk to the endpoint without TLS (the embedded cloud always uses TLS)." }),
    root_certs: optional(types.string, {
      description: "Extension: path of a PEM certificate to trust for the endpoint, e.g. `oslogin serve`'s <data-dir>/tls/cert.pem.",
    }),
    max_retries: optional(types.number, { description: "Retries of a failed API call (accepted for compatibility)." }),
    region_id: optional(types.string, { description: "The region (accepted for compatibility)." }),
    storage_endpoint: optional(types.string, { description: "Object Storage endpoint (accepted for compatibility; unused)." }),
  },
};

export function checkYandexConfig(config: ObjectValue): ReturnType<typeof diag.error>[] {
  const out = [];
  if (typeof config.token === "string" && typeof config.service_account_key_file === "string") {
    out.push(
      diag.error(
        "Conflicting provider credentials",
        ["service_account_key_file"],
        "Set one of token and service_account_key_file, not both.",
      ),
    );
  }
  if (config.insecure === true && config.plaintext === true) {
    out.push(diag.error("Conflicting transport settings", ["plaintext"], "Set one of insecure and plaintext, not both."));
  }
  if (typeof config.endpoint === "string" && config.endpoint !== "" && !/^[^\s:/]+(:\d+)?$/.test(config.endpoint.replace(/^\[[^\]]+\]/, "h"))) {
    out.push(diag.error("Invalid endpoint", ["endpoint"], `endpoint must be host:port, got ${JSON.stringify(config.endpoint)}.`));
  }
  return out;
}

export async function providerSpec(name: ProviderName, env: NodeJS.ProcessEnv): Promise<ProviderSpec> {
  const { definitionsOf } = await import("../resources/registry.js");
  if (name === "null") {
    return {
      name: "null",
      config: { attributes: {} },
      definitions: definitionsOf("null"),
      // null_resource touches no API.
      connect: async () => ({ cloud: undefined as never, provider: {} }),
    };
  }
  return {
    name: "yandex",
    config: yandexProviderConfig,
    checkConfig: checkYandexConfig,
    definitions: definitionsOf("yandex"),
    connect: async (config) => (await import("./connect.js")).connectCloud(config, env),
  };
}

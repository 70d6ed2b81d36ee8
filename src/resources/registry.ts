// Every resource type and data source oslogin-kit serves, looked up by Terraform type name. The
// engine, the terraform provider (src/tfplugin), the construct generator and the conformance suite
// all read this list; adding a type = its file + one line here.
import type { ResourceDefinition } from "./define.js";
import { computeInstance } from "./compute-instance.js";
import { folderIamMember } from "./folder-iam-member.js";
import { instanceIamMember } from "./instance-iam-member.js";
import { nullResource } from "./null-resource.js";
import { organizationIamMember } from "./organization-iam-member.js";
import { osLoginMember } from "./os-login-member.js";
import { osLoginProfile } from "./os-login-profile.js";
import { osLoginSettings } from "./os-login-settings.js";
import { serviceAccountKey } from "./service-account-key.js";
import { serviceAccount } from "./service-account.js";
import { userSshKey } from "./user-ssh-key.js";

export const DEFINITIONS: readonly ResourceDefinition[] = [
  osLoginSettings,
  osLoginProfile,
  userSshKey,
  serviceAccount,
  serviceAccountKey,
  computeInstance,
  organizationIamMember,
  folderIamMember,
  instanceIamMember,
  osLoginMember,
  nullResource,
];

export type ProviderName = ResourceDefinition["provider"];

/** Provider local name -> registry source address, as cdktf writes required_providers. */
export const PROVIDER_SOURCES: Readonly<Record<ProviderName, string>> = {
  yandex: "yandex-cloud/yandex",
  null: "hashicorp/null",
};

/**
 * The provider version each stack pins and `oslogin terraform setup` puts in its mirror: one
 * number, so the mirror always satisfies what the constructs synthesize. cdktf-cli refuses a
 * required provider without a version, and @cdktf/provider-null 11.0.1 pins null 3.2.4 itself.
 */
export const PROVIDER_VERSIONS: Readonly<Record<ProviderName, string>> = {
  yandex: "0.150.0",
  null: "3.2.4",
};

// One map per kind: a plan looks up every instance's type, and building a "kind.type" key per
// lookup cost more than the lookup.
const byKind: Record<ResourceDefinition["kind"], Map<string, ResourceDefinition>> = { resource: new Map(), data: new Map() };
for (const d of DEFINITIONS) byKind[d.kind].set(d.type, d);

/** The definition of a managed resource ("resource") or data source ("data") type, or undefined. */
export function findDefinition(type: string, kind: ResourceDefinition["kind"] = "resource"): ResourceDefinition | undefined {
  return byKind[kind]?.get(type);
}

/** Like findDefinition, for callers that already know the type exists (throws naming the type). */
export function getDefinition(type: string, kind: ResourceDefinition["kind"] = "resource"): ResourceDefinition {
  const def = findDefinition(type, kind);
  if (!def) {
    const known = DEFINITIONS.filter((d) => d.kind === kind).map((d) => d.type);
    throw new Error(`unsupported ${kind === "data" ? "data source" : "resource"} type "${type}"; supported: ${known.join(", ")}`);
  }
  return def;
}

/** The types one provider serves (tfplugin's GetProviderSchema). */
export function definitionsOf(provider: ProviderName, kind?: ResourceDefinition["kind"]): ResourceDefinition[] {
  return DEFINITIONS.filter((d) => d.provider === provider && (kind === undefined || d.kind === kind));
}

/** The provider a resource type belongs to, by Terraform's rule: the type name's first word. */
export function providerOfType(type: string): string {
  return type.split("_")[0];
}

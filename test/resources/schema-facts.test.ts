// Each standard type's schema against the real terraform-provider-yandex facts recorded in
// the provider's source (v0.222.0; see docs/reference.md). The tables below are transcribed from
// the provider, not derived from our code, so a drift in either shows up here.
import { describe, expect, it } from "vitest";
import type { AttributeSchema, BlockSchema, ResourceDefinition } from "../../src/resources/define.js";
import { DEFINITIONS, findDefinition } from "../../src/resources/registry.js";

type Mode = "required" | "optional" | "computed" | "optional+computed";
/** [mode, forceNew?, extra] as the reference states them; extra: default or sensitive. */
type Fact = [Mode, boolean, { default?: unknown; sensitive?: boolean; type?: string }?];

interface TypeFacts {
  attributes: Record<string, Fact>;
  blocks?: Record<string, { min?: number; max?: number; forceNew?: boolean; attributes: Record<string, Fact> }>;
  importFormat: string | null;
  schemaVersion?: number;
}

const FACTS: Record<string, TypeFacts> = {
  // 5.1
  yandex_organizationmanager_os_login_settings: {
    attributes: { organization_id: ["required", false], id: ["computed", false] },
    blocks: {
      user_ssh_key_settings: { max: 1, attributes: { enabled: ["optional", false], allow_manage_own_keys: ["optional", false] } },
      ssh_certificate_settings: { max: 1, attributes: { enabled: ["optional", false] } },
    },
    importFormat: "<organization_id>",
  },
  // 5.2
  yandex_organizationmanager_user_ssh_key: {
    attributes: {
      organization_id: ["required", true],
      subject_id: ["required", true],
      data: ["required", true],
      name: ["optional+computed", false],
      expires_at: ["optional+computed", false],
      fingerprint: ["computed", false],
      created_at: ["computed", false],
      user_ssh_key_id: ["optional+computed", true],
      id: ["optional+computed", false],
    },
    importFormat: "<user_ssh_key_id>",
    schemaVersion: 1,
  },
  // 5.4
  yandex_iam_service_account: {
    attributes: {
      name: ["required", false],
      description: ["optional+computed", false],
      folder_id: ["optional+computed", true],
      labels: ["optional+computed", false, { type: "map" }],
      expires_at: ["optional+computed", false],
      service_account_id: ["optional+computed", false],
      id: ["optional+computed", false],
      created_at: ["computed", false],
      status: ["computed", false],
    },
    importFormat: "<service_account_id>",
    schemaVersion: 1,
  },
  // 5.5
  yandex_iam_service_account_key: {
    attributes: {
      service_account_id: ["required", true],
      description: ["optional", false],
      format: ["optional", true, { default: "PEM_FILE" }],
      key_algorithm: ["optional", true, { default: "RSA_2048" }],
      pgp_key: ["optional", true],
      public_key: ["computed", false],
      private_key: ["computed", false, { sensitive: true }],
      key_fingerprint: ["computed", false],
      encrypted_private_key: ["computed", false],
      created_at: ["computed", false],
      output_to_lockbox_version_id: ["computed", false],
    },
    blocks: {
      output_to_lockbox: { max: 1, attributes: { secret_id: ["required", false], entry_for_private_key: ["required", false] } },
    },
    importFormat: null,
  },
  // 5.6 (the parts the reference lists)
  yandex_compute_instance: {
    attributes: {
      name: ["optional", false, { default: "" }],
      folder_id: ["optional+computed", true],
      zone: ["optional+computed", true],
      platform_id: ["optional", false, { default: "standard-v1" }],
      hostname: ["optional+computed", true],
      labels: ["optional", false, { type: "map" }],
      description: ["optional", false],
      service_account_id: ["optional", false],
      metadata: ["optional", false, { type: "map" }],
      fqdn: ["computed", false],
      status: ["computed", false],
      created_at: ["computed", false],
    },
    blocks: {
      resources: {
        min: 1,
        max: 1,
        attributes: { memory: ["required", false], cores: ["required", false], core_fraction: ["optional", false, { default: 100 }] },
      },
      boot_disk: {
        min: 1,
        max: 1,
        forceNew: true,
        attributes: { auto_delete: ["optional", false, { default: true }], device_name: ["optional+computed", false], mode: ["optional+computed", false] },
      },
      network_interface: {
        min: 1,
        attributes: {
          subnet_id: ["required", false],
          ipv4: ["optional", false, { default: true }],
          ip_address: ["optional+computed", false],
          nat: ["optional", false, { default: false }],
          nat_ip_address: ["optional+computed", false],
          nat_ip_version: ["computed", false],
          index: ["optional+computed", false],
          mac_address: ["computed", false],
        },
      },
    },
    importFormat: "<instance_id>",
    schemaVersion: 1,
  },
  // 5.7
  yandex_organizationmanager_organization_iam_member: {
    attributes: {
      organization_id: ["required", true],
      role: ["required", true],
      member: ["required", true],
      sleep_after: ["optional", false],
      id: ["computed", false],
    },
    importFormat: "<organization_id>,<role>,<TYPE:ID>",
  },
  yandex_resourcemanager_folder_iam_member: {
    attributes: {
      folder_id: ["required", true],
      role: ["required", true],
      member: ["required", true],
      sleep_after: ["optional", false],
      id: ["computed", false],
    },
    importFormat: "<folder_id>,<role>,<TYPE:ID>",
  },
};

/**
 * Where we knowingly differ from the real provider, and why (also in the resource file's header).
 * Listed so the test fails if a deviation silently appears or silently goes away.
 */
const KNOWN_DEVIATIONS: Record<string, { forceNew: boolean; why: string }> = {
  "yandex_compute_instance.network_interface": {
    forceNew: true,
    why: "the embedded API has no UpdateNetworkInterface; the real provider edits NICs in place by stopping the VM",
  },
};

const modeOf = (a: AttributeSchema): Mode =>
  a.required ? "required" : a.optional && a.computed ? "optional+computed" : a.optional ? "optional" : "computed";

function factOf(a: AttributeSchema, want: Fact): Fact {
  const extra: NonNullable<Fact[2]> = {};
  if (want[2]?.default !== undefined) extra.default = a.default;
  if (want[2]?.sensitive !== undefined) extra.sensitive = !!a.sensitive;
  if (want[2]?.type !== undefined) extra.type = a.type.kind;
  return want[2] ? [modeOf(a), !!a.forceNew, extra] : [modeOf(a), !!a.forceNew];
}

function compareBlock(schema: BlockSchema, facts: Record<string, Fact>) {
  for (const [name, want] of Object.entries(facts)) {
    expect(schema.attributes[name], `attribute ${name}`).toBeDefined();
    expect(factOf(schema.attributes[name], want), `attribute ${name}`).toEqual(want);
  }
}

describe("standard types match the real provider (reference section 5)", () => {
  for (const [type, facts] of Object.entries(FACTS)) {
    it(`GIVEN ${type} WHEN its schema is compared THEN names, modes, force-new, defaults and import ID match`, () => {
      const def = findDefinition(type) as ResourceDefinition;
      expect(def).toBeDefined();
      expect(def.extension ?? false).toBe(false);
      expect(def.provider).toBe("yandex");
      compareBlock(def.schema, facts.attributes);
      for (const [name, b] of Object.entries(facts.blocks ?? {})) {
        const nb = def.schema.blocks?.[name];
        expect(nb, `block ${name}`).toBeDefined();
        const forceNew = KNOWN_DEVIATIONS[`${type}.${name}`]?.forceNew ?? !!b.forceNew;
        expect([nb!.minItems, nb!.maxItems, !!nb!.forceNew], `block ${name}`).toEqual([b.min, b.max, forceNew]);
        compareBlock(nb!.block, b.attributes);
      }
      expect(def.importer?.format ?? null).toBe(facts.importFormat);
      if (facts.schemaVersion !== undefined) expect(def.schemaVersion).toBe(facts.schemaVersion);
    });
  }

  it("GIVEN the IAM member import IDs of the reference WHEN parsed THEN the state id is <scope>/<role>/<TYPE:ID> and emails are refused", () => {
    const folder = findDefinition("yandex_resourcemanager_folder_iam_member")!;
    expect(folder.importer!.parse("b1gfolder,compute.osAdminLogin,serviceAccount:ajs1")).toEqual({
      id: "b1gfolder/compute.osAdminLogin/serviceAccount:ajs1",
      folder_id: "b1gfolder",
      role: "compute.osAdminLogin",
      member: "serviceAccount:ajs1",
      sleep_after: null,
    });
    // The provider's docs show "<id>,<role>,foo@example.com"; its code rejects that, and so do we.
    expect(folder.importer!.parse("b1gfolder,viewer,foo@example.com")).toBe(
      'the import ID must be "<folder_id>,<role>,<TYPE:ID>", e.g. "b1g...,compute.osLogin,userAccount:aje..."',
    );
  });

  it("GIVEN the registry WHEN listing extensions THEN exactly the documented ones are marked", () => {
    expect(DEFINITIONS.filter((d) => d.extension).map((d) => `${d.kind} ${d.type}`)).toEqual([
      "resource yandex_organizationmanager_os_login_profile",
      "resource yandex_compute_instance_iam_member",
      "data yandex_organizationmanager_os_login_member",
    ]);
    expect(findDefinition("yandex_compute_instance")!.schema.blocks!.serial_port_settings.description).toMatch(/^EXTENSION:/);
  });
});

// The conformance suite: every registered type, against the in-process cloud (real model, real
// SQLite), through the same functions the engine and the terraform provider call (validateConfig,
// planResourceChange, create/read/readMany/update/delete, importer). Per type: create, read back
// equal, each updatable attribute in place, replace for force-new ones, drift made out of band
// through the CloudClient, import by the documented ID, delete then read = gone.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { CloudClient } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import type { AttributePath, ObjectValue, ResourceContext, ResourceDefinition } from "../../src/resources/define.js";
import { completeState, diffPaths, planResourceChange, validateConfig } from "../../src/resources/plan.js";
import { DEFINITIONS, getDefinition } from "../../src/resources/registry.js";
import { ed25519Public } from "./support/keys.js";

const ORG = "bpfquickstartorg0001";
const ALICE = "ajealice000000000001";
const BOB = "ajebob00000000000002";
const FOLDER = "b1gquickstartfolder1";
const FOLDER2 = "b1gconformancefold02";
const SUBNET = "e9bconformancesubn01";
const FUTURE = "2099-01-01T00:00:00Z";

interface Env {
  cloud: CloudClient;
  /** Ids made in setup() for the fixture. */
  ids: Record<string, string>;
}

type Raw = Record<string, unknown>;

interface Fixture {
  type: string;
  kind?: "resource" | "data";
  setup?(env: Env): Promise<void>;
  config(env: Env): Raw;
  /** Applied in order, each on top of the previous: [what changes, expected changed paths]. */
  updates: { change: (c: Raw, env: Env) => Raw; changed: AttributePath[] }[];
  replaces: { change: (c: Raw, env: Env) => Raw; requiresReplace: AttributePath[] }[];
  /** An out-of-band change through the CloudClient, and where read shows it (null = the object is gone). */
  drift: { apply(env: Env, state: ObjectValue): Promise<void>; paths: AttributePath[] | null } | { none: string };
  importId?(state: ObjectValue): string;
  /** State the import cannot restore (as ImportStateVerifyIgnore in provider acceptance tests). */
  importIgnore?(state: ObjectValue): ObjectValue;
  /** Why read still finds the object after delete, for the types that own nothing deletable. */
  outlivesDelete?: string;
  /** Extra assertions on the created state. */
  created?(state: ObjectValue): void;
}

const FIXTURES: Fixture[] = [
  {
    type: "yandex_organizationmanager_os_login_settings",
    config: () => ({
      organization_id: ORG,
      user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true },
      ssh_certificate_settings: { enabled: true },
    }),
    updates: [
      { change: (c) => ({ ...c, ssh_certificate_settings: { enabled: false } }), changed: [["ssh_certificate_settings", 0, "enabled"]] },
      {
        change: (c) => ({ ...c, user_ssh_key_settings: { enabled: true, allow_manage_own_keys: false } }),
        changed: [["user_ssh_key_settings", 0, "allow_manage_own_keys"]],
      },
      {
        change: (c) => ({ ...c, user_ssh_key_settings: { enabled: false, allow_manage_own_keys: false } }),
        changed: [["user_ssh_key_settings", 0, "enabled"]],
      },
    ],
    replaces: [],
    drift: {
      apply: async ({ cloud }) => {
        await cloud.updateOsLoginSettings({ organizationId: ORG, sshCertificateSettings: { enabled: true }, updateMask: ["ssh_certificate_settings"] });
      },
      paths: [["ssh_certificate_settings", 0, "enabled"]],
    },
    importId: (s) => String(s.organization_id),
    outlivesDelete: "as in the real provider, deleting the resource leaves the organization's settings in place",
  },
  {
    type: "yandex_organizationmanager_os_login_profile",
    config: () => ({ organization_id: ORG, subject_id: ALICE, login: "alice-ops", uid: "20001" }),
    updates: [
      { change: (c) => ({ ...c, login: "alice-ops2" }), changed: [["login"]] },
      { change: (c) => ({ ...c, uid: 20002 }), changed: [["uid"]] },
      { change: (c) => ({ ...c, home_directory: "/srv/ops" }), changed: [["home_directory"]] },
      { change: (c) => ({ ...c, shell: "/bin/sh" }), changed: [["shell"]] },
      { change: (c) => ({ ...c, is_default: true }), changed: [["is_default"]] },
    ],
    replaces: [{ change: (c) => ({ ...c, subject_id: BOB }), requiresReplace: [["subject_id"]] }],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateOsLoginProfile({ osLoginProfileId: String(s.id), login: String(s.login), shell: "/bin/zsh", updateMask: ["shell"] });
      },
      paths: [["shell"]],
    },
    importId: (s) => String(s.id),
    created: (s) => expect([s.login, s.uid, s.home_directory, s.shell, s.is_default]).toEqual(["alice-ops", "20001", "/home/alice-ops", "/bin/bash", false]),
  },
  {
    type: "yandex_organizationmanager_user_ssh_key",
    setup: async (env) => {
      env.ids.key1 = ed25519Public("conformance-1");
      env.ids.key2 = ed25519Public("conformance-2");
    },
    config: ({ ids }) => ({ organization_id: ORG, subject_id: ALICE, data: ids.key1, name: "k1", expires_at: FUTURE }),
    updates: [
      { change: (c) => ({ ...c, name: "k2" }), changed: [["name"]] },
      { change: (c) => ({ ...c, expires_at: "2098-06-30T12:00:00Z" }), changed: [["expires_at"]] },
    ],
    replaces: [
      { change: (c, { ids }) => ({ ...c, data: ids.key2 }), requiresReplace: [["data"]] },
      { change: (c) => ({ ...c, subject_id: BOB }), requiresReplace: [["subject_id"]] },
    ],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateUserSshKey({ userSshKeyId: String(s.id), name: "renamed", updateMask: ["name"] });
      },
      paths: [["name"]],
    },
    importId: (s) => String(s.id),
    created: (s) => expect(String(s.fingerprint)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/),
  },
  {
    type: "yandex_iam_service_account",
    config: () => ({ name: "conf-sa", folder_id: FOLDER, description: "d1", labels: { team: "ops" } }),
    updates: [
      { change: (c) => ({ ...c, name: "conf-sa2" }), changed: [["name"]] },
      { change: (c) => ({ ...c, description: "d2" }), changed: [["description"]] },
      { change: (c) => ({ ...c, labels: { team: "dev" } }), changed: [["labels"]] },
    ],
    replaces: [{ change: (c) => ({ ...c, folder_id: FOLDER2 }), requiresReplace: [["folder_id"]] }],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateServiceAccount({ serviceAccountId: String(s.id), description: "out of band", updateMask: ["description"] });
      },
      paths: [["description"]],
    },
    importId: (s) => String(s.id),
  },
  {
    type: "yandex_iam_service_account_key",
    setup: async (env) => {
      env.ids.sa = (await env.cloud.createServiceAccount({ folderId: FOLDER, name: "conf-key-owner" })).id;
    },
    config: ({ ids }) => ({ service_account_id: ids.sa, description: "k" }),
    updates: [{ change: (c) => ({ ...c, description: "k2" }), changed: [["description"]] }],
    replaces: [{ change: (c) => ({ ...c, key_algorithm: "RSA_4096" }), requiresReplace: [["key_algorithm"]] }],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateKey({ keyId: String(s.id), description: "out of band", updateMask: ["description"] });
      },
      paths: [["description"]],
    },
    created: (s) => {
      expect(String(s.private_key)).toMatch(/^PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID \S+\n-----BEGIN PRIVATE KEY-----/);
      expect([s.key_algorithm, s.format, s.description]).toEqual(["RSA_2048", "PEM_FILE", "k"]);
    },
  },
  {
    type: "yandex_compute_instance",
    setup: async (env) => {
      env.ids.sa = (await env.cloud.createServiceAccount({ folderId: FOLDER, name: "conf-vm-identity" })).id;
    },
    config: () => ({
      name: "conf-vm",
      folder_id: FOLDER,
      zone: "ru-central1-a",
      description: "d",
      labels: { role: "web" },
      metadata: { "enable-oslogin": "true" },
      resources: { cores: 2, memory: 2 },
      boot_disk: { initialize_params: { image_id: "fd8conformanceimage1", size: 10 } },
      network_interface: [{ subnet_id: SUBNET, nat: true }],
      serial_port_settings: { ssh_authorization: "OS_LOGIN" },
    }),
    updates: [
      { change: (c) => ({ ...c, name: "conf-vm2" }), changed: [["name"]] },
      { change: (c) => ({ ...c, description: "d2" }), changed: [["description"]] },
      { change: (c) => ({ ...c, labels: { role: "db" } }), changed: [["labels"]] },
      { change: (c) => ({ ...c, metadata: { "enable-oslogin": "false" } }), changed: [["metadata"]] },
      { change: (c) => ({ ...c, platform_id: "standard-v3" }), changed: [["platform_id"]] },
      { change: (c) => ({ ...c, resources: { cores: 4, memory: 4, core_fraction: 50 } }), changed: [["resources", 0, "memory"], ["resources", 0, "cores"], ["resources", 0, "core_fraction"]] },
      { change: (c, { ids }) => ({ ...c, service_account_id: ids.sa }), changed: [["service_account_id"]] },
      { change: (c) => ({ ...c, serial_port_settings: { ssh_authorization: "INSTANCE_METADATA" } }), changed: [["serial_port_settings", 0, "ssh_authorization"]] },
      { change: (c) => ({ ...c, allow_stopping_for_update: true }), changed: [["allow_stopping_for_update"]] },
    ],
    replaces: [
      { change: (c) => ({ ...c, zone: "ru-central1-b" }), requiresReplace: [["zone"]] },
      { change: (c) => ({ ...c, boot_disk: { initialize_params: { image_id: "fd8otherimage0000001", size: 10 } } }), requiresReplace: [["boot_disk"]] },
      { change: (c) => ({ ...c, network_interface: [{ subnet_id: SUBNET, nat: false }] }), requiresReplace: [["network_interface"]] },
    ],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateInstanceMetadata({ instanceId: String(s.id), upsert: { "serial-port-enable": "1" } });
      },
      paths: [["metadata"]],
    },
    importId: (s) => String(s.id),
    // Disks are not a separate API here: what a disk was initialized from cannot be read back;
    // allow_stopping_for_update lives only in the config (the real provider's tests ignore it too).
    importIgnore: (s) => ({
      ...s,
      allow_stopping_for_update: null,
      boot_disk: (s.boot_disk as ObjectValue[]).map((d) => ({ ...d, initialize_params: [] })),
    }),
    created: (s) => {
      expect([s.status, s.platform_id, (s.network_interface as ObjectValue[])[0].nat]).toEqual(["running", "standard-v1", true]);
      expect(String((s.network_interface as ObjectValue[])[0].nat_ip_address)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    },
  },
  iamMemberFixture("yandex_organizationmanager_organization_iam_member", "organization_id", () => ORG, "organization", "organization-manager.osLogins.viewer", "viewer"),
  iamMemberFixture("yandex_resourcemanager_folder_iam_member", "folder_id", () => FOLDER, "folder", "compute.osLogin", "compute.osAdminLogin"),
  {
    ...iamMemberFixture("yandex_compute_instance_iam_member", "instance_id", (env) => env.ids.vm, "instance", "compute.osLogin", "compute.osAdminLogin"),
    setup: async (env) => {
      const vm = await env.cloud.createInstance({
        folderId: FOLDER,
        name: "conf-granted-vm",
        zoneId: "ru-central1-a",
        platformId: "standard-v3",
        resourcesSpec: { memory: 2n * 1024n ** 3n, cores: 2n },
        bootDiskSpec: { diskSpec: { size: 10n * 1024n ** 3n, imageId: "fd8conformanceimage1" } },
        networkInterfaceSpecs: [{ subnetId: SUBNET }],
      });
      env.ids.vm = vm.id;
    },
  },
  {
    type: "yandex_organizationmanager_os_login_member",
    kind: "data",
    config: () => ({ organization_id: ORG, email: "alice@example.com" }),
    updates: [],
    replaces: [],
    drift: {
      // A new default profile changes the login the data source reports.
      apply: async ({ cloud }) => {
        const p = await cloud.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "alice-drift" });
        await cloud.setDefaultOsLoginProfile(p.id);
      },
      paths: [["login"], ["uid"]],
    },
    created: (s) => expect([s.user_id, s.name, s.member, s.login]).toEqual([ALICE, "Alice", `userAccount:${ALICE}`, "alice"]),
  },
  {
    type: "null_resource",
    config: () => ({ triggers: { version: "1" } }),
    updates: [],
    replaces: [{ change: () => ({ triggers: { version: "2" } }), requiresReplace: [["triggers"]] }],
    drift: { none: "null_resource owns no remote object, so nothing can change out of band" },
    outlivesDelete: "null_resource owns no remote object: read returns the state it is given",
    created: (s) => expect(String(s.id)).toMatch(/^\d+$/),
  },
];

function iamMemberFixture(
  type: string,
  scope: string,
  scopeId: (env: Env) => string,
  kind: "organization" | "folder" | "instance",
  role: string,
  otherRole: string,
): Fixture {
  return {
    type,
    config: (env) => ({ [scope]: scopeId(env), role, member: `userAccount:${ALICE}` }),
    updates: [{ change: (c) => ({ ...c, sleep_after: 5 }), changed: [["sleep_after"]] }],
    replaces: [
      { change: (c) => ({ ...c, role: otherRole }), requiresReplace: [["role"]] },
      { change: (c) => ({ ...c, member: `userAccount:${BOB}` }), requiresReplace: [["member"]] },
    ],
    drift: {
      apply: async ({ cloud }, s) => {
        await cloud.updateAccessBindings({ kind, id: String(s[scope]) }, [
          { action: "REMOVE", accessBinding: { roleId: role, subject: { type: "userAccount", id: ALICE } } },
        ]);
      },
      paths: null,
    },
    importId: (s) => `${String(s[scope])},${String(s.role)},${String(s.member)}`,
    // sleep_after lives only in the config (as in the real provider): an import cannot know it.
    importIgnore: (s) => ({ ...s, sleep_after: null }),
    created: (s) => expect(s.id).toBe(`${String(s[scope])}/${role}/userAccount:${ALICE}`),
  };
}

let model: CloudModel;
let env: Env;

beforeAll(() => {
  model = CloudModel.open();
  const seed = parseYaml(readFileSync(new URL("../../examples/quickstart/seed.yaml", import.meta.url), "utf8"));
  seed.organizations[0].clouds[0].folders.push({ id: FOLDER2, name: "conformance" });
  model.directory.seed(seed);
  env = { cloud: new InProcessCloudClient(model), ids: {} };
});

afterAll(() => model.close());

beforeEach(async () => {
  // Every fixture starts from an organization with OS Login fully on (the settings fixture turns it off).
  await env.cloud.updateOsLoginSettings({
    organizationId: ORG,
    userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
    sshCertificateSettings: { enabled: true },
  });
});

const ctx = (): ResourceContext => ({ cloud: env.cloud, provider: { organization_id: ORG, folder_id: FOLDER, zone: "ru-central1-a" } });

function validated(def: ResourceDefinition, raw: Raw): ObjectValue {
  const v = validateConfig(def, raw, ctx().provider);
  expect(v.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return v.config;
}

async function readBack(def: ResourceDefinition, state: ObjectValue): Promise<ObjectValue | null> {
  const got = await def.read(ctx(), state);
  return got && completeState(def.schema, got);
}

it("GIVEN the registry WHEN the suite is listed THEN every registered type has a fixture", () => {
  expect(FIXTURES.map((f) => `${f.kind ?? "resource"} ${f.type}`).sort()).toEqual(DEFINITIONS.map((d) => `${d.kind} ${d.type}`).sort());
});

for (const f of FIXTURES) {
  describe(`${f.kind ?? "resource"} ${f.type}`, () => {
    it("GIVEN a config WHEN created, updated, replaced, drifted, imported and deleted THEN each step matches the plan", async () => {
      const def = getDefinition(f.type, f.kind ?? "resource");
      env.ids = {};
      await f.setup?.(env);
      let raw = f.config(env);

      // create
      const config = validated(def, raw);
      expect(planResourceChange(def, null, config).action).toBe("create");
      let state = completeState(def.schema, await def.create(ctx(), config));
      f.created?.(state);

      // read back equal (one Get, and one List where the type refreshes in bulk)
      expect(await readBack(def, state)).toEqual(state);
      if (def.readMany) expect((await def.readMany(ctx(), [state])).map((s) => s && completeState(def.schema, s))).toEqual([state]);
      expect(planResourceChange(def, state, config).action).toBe("noop");

      // in-place update of each updatable attribute
      for (const u of f.updates) {
        raw = u.change(raw, env);
        const next = validated(def, raw);
        const plan = planResourceChange(def, state, next);
        expect([plan.action, plan.changed]).toEqual(["update", u.changed]);
        state = completeState(def.schema, await def.update!(ctx(), state, next));
        expect(await readBack(def, state)).toEqual(state);
        expect(planResourceChange(def, state, next).action).toBe("noop");
      }

      // replace detection for force-new arguments
      for (const r of f.replaces) {
        const plan = planResourceChange(def, state, validated(def, r.change(raw, env)));
        expect([plan.action, plan.requiresReplace]).toEqual(["replace", r.requiresReplace]);
      }

      // drift: an out-of-band change is visible on read
      if ("none" in f.drift) {
        expect(f.drift.none).not.toBe("");
      } else {
        await f.drift.apply(env, state);
        const drifted = await readBack(def, state);
        if (f.drift.paths === null) {
          expect(drifted).toBeNull();
          // Put it back so import and delete have an object to work on.
          state = completeState(def.schema, await def.create(ctx(), validated(def, raw)));
        } else {
          expect(drifted).not.toBeNull();
          expect(diffPaths(def.schema, state, drifted!)).toEqual(f.drift.paths);
          if (def.kind === "resource") {
            // The plan corrects the drift in place, and afterwards there is nothing left to do.
            const fix = planResourceChange(def, drifted, validated(def, raw));
            expect([fix.action, fix.changed]).toEqual(["update", f.drift.paths]);
            state = completeState(def.schema, await def.update!(ctx(), drifted!, validated(def, raw)));
            expect(planResourceChange(def, state, validated(def, raw)).action).toBe("noop");
          } else state = drifted!;
        }
      }

      if (def.kind === "data") return;

      // import by the documented ID
      if (f.importId) {
        const partial = def.importer!.parse(f.importId(state));
        expect(typeof partial).toBe("object");
        const imported = await readBack(def, completeState(def.schema, partial as ObjectValue));
        const ignore = f.importIgnore ?? ((s: ObjectValue) => s);
        expect(imported && ignore(imported)).toEqual(ignore(state));
      } else {
        expect(def.importer).toBeUndefined();
      }

      // delete, then read reports gone (and so does the bulk read, where the type has one)
      await def.delete(ctx(), state);
      if (f.outlivesDelete) expect(await readBack(def, state)).not.toBeNull();
      else {
        expect(await readBack(def, state)).toBeNull();
        if (def.readMany) expect(await def.readMany(ctx(), [state])).toEqual([null]);
      }
    });
  });
}

describe("data yandex_organizationmanager_os_login_member lookups", () => {
  const def = () => getDefinition("yandex_organizationmanager_os_login_member", "data");

  it("GIVEN an email nobody has WHEN read THEN the error names the organization and the query", async () => {
    await expect(def().create(ctx(), validated(def(), { email: "carol@example.com" }))).rejects.toThrow(
      'no member of organization bpfquickstartorg0001 has email "carol@example.com"',
    );
  });

  it("GIVEN bob's derived login WHEN read THEN bob is found with his member string", async () => {
    const found = await def().create(ctx(), validated(def(), { login: "bob" }));
    expect([found.user_id, found.member, found.email]).toEqual([BOB, `userAccount:${BOB}`, "bob@example.com"]);
  });
});

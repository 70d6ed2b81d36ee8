// Test fixtures: the real in-memory emulator (seeded with the quickstart organization) behind the
// in-process client, the real resource definitions, and a cdktf.out written from a stack object.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { Engine } from "../../src/engine/engine.js";
import type { EngineHooks } from "../../src/engine/types.js";
import { findDefinition } from "../../src/resources/registry.js";

export const ORG = "bpfquickstartorg0001";
export const ALICE = "ajealice000000000001";
export const BOB = "ajebob00000000000002";

/** The embedded cloud as the CLI opens it for the engine (group commit on), seeded with the quickstart organization. */
export function seededModel(dataDir?: string): CloudModel {
  const model = CloudModel.open({ dataDir, groupCommit: true });
  model.directory.seedFromYaml(readFileSync(path.join(import.meta.dirname, "../../examples/quickstart/seed.yaml"), "utf8"));
  return model;
}

export function tempDir(prefix = "oslogin-engine-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes <dir>/cdktf.out/manifest.json and stacks/<stack>/cdk.tf.json as cdktf synth does. */
export function writeStack(dir: string, stack: object | string, name = "test"): string {
  const out = path.join(dir, "cdktf.out");
  mkdirSync(path.join(out, "stacks", name), { recursive: true });
  writeFileSync(
    path.join(out, "manifest.json"),
    JSON.stringify({ version: "0.21.0", stacks: { [name]: { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, annotations: [], dependencies: [] } } }),
  );
  writeFileSync(path.join(out, "stacks", name, "cdk.tf.json"), typeof stack === "string" ? stack : JSON.stringify(stack, null, 2));
  return out;
}

export function engineFor(model: CloudModel, dataDir: string, extra: { hooks?: EngineHooks; lockTimeoutMs?: number; parallelism?: number; lock?: boolean } = {}): Engine {
  return new Engine({
    cloud: new InProcessCloudClient(model),
    definitions: (type, kind) => findDefinition(type, kind),
    dataDir,
    ...extra,
  });
}

/** `stack` with its state in the PostgreSQL database at `pgUrl` (cdktf's PgBackend block); unchanged without one. */
export function withBackend<T extends { terraform: object }>(stack: T, pgUrl: string | undefined): T {
  return pgUrl ? { ...stack, terraform: { ...stack.terraform, backend: { pg: { conn_str: pgUrl } } } } : stack;
}

/** A stack using the types the in-process cloud serves today: settings, profiles, org bindings, null. */
export function profilesStack(opts: { profiles?: number; shell?: string; bobRole?: string } = {}) {
  return {
    provider: { yandex: [{ organization_id: ORG }], null: [{}] },
    terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" }, null: { source: "hashicorp/null" } } },
    resource: {
      yandex_organizationmanager_os_login_settings: {
        org: {
          organization_id: ORG,
          user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true },
          ssh_certificate_settings: { enabled: true },
        },
      },
      yandex_organizationmanager_os_login_profile: {
        alice: {
          count: opts.profiles ?? 2,
          organization_id: "${yandex_organizationmanager_os_login_settings.org.organization_id}",
          subject_id: ALICE,
          login: "alice-extra-${count.index}",
          ...(opts.shell ? { shell: opts.shell } : {}),
        },
      },
      yandex_organizationmanager_organization_iam_member: {
        bob: { organization_id: ORG, role: opts.bobRole ?? "compute.osLogin", member: `userAccount:${BOB}`, depends_on: ["yandex_organizationmanager_os_login_settings.org"] },
      },
      null_resource: {
        marker: { triggers: { profiles: '${join(",", yandex_organizationmanager_os_login_profile.alice[*].id)}' } },
      },
    },
    output: {
      logins: { value: "${yandex_organizationmanager_os_login_profile.alice[*].login}" },
      first_uid: { value: "${yandex_organizationmanager_os_login_profile.alice[0].uid}", sensitive: true },
    },
  };
}

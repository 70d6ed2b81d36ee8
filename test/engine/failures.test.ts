import { afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import { listAll, type CloudClient } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudError } from "../../src/contract/errors.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { Engine } from "../../src/engine/engine.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { findDefinition } from "../../src/resources/registry.js";
import { ALICE, ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());
const errors = (d: { severity: string }[]) => d.filter((x) => x.severity === "error").map((x) => formatDiagnostic(x as never));

describe("GIVEN one resource that the cloud rejects", () => {
  it("WHEN applied THEN independent resources are created, its dependents are skipped, and a fixed config converges", async () => {
    model = seededModel();
    const dir = tempDir();
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const s = profilesStack({ profiles: 1 }) as Record<string, any>;
    s.resource.yandex_organizationmanager_os_login_profile.ghost = { organization_id: ORG, subject_id: "ajenosuchmember00001", login: "ghost" };
    s.resource.null_resource.after_ghost = { triggers: { id: "${yandex_organizationmanager_os_login_profile.ghost.id}" } };
    const r = await engine.run({ outDir: writeStack(dir, s) });
    expect(r.applied).toEqual({ added: 4, changed: 0, destroyed: 0, read: 0, failed: 1, skipped: 1, interrupted: 0 });
    const errs = errors(r.diagnostics);
    expect(errs[0]).toMatch(/^Error: Creating failed \(yandex_organizationmanager_os_login_profile\.ghost\): NOT_FOUND: /);
    expect(errs[1]).toBe("Error: Skipped (null_resource.after_ghost): not created because yandex_organizationmanager_os_login_profile.ghost failed");
    s.resource.yandex_organizationmanager_os_login_profile.ghost.subject_id = ALICE;
    const fixed = await engine.run({ outDir: writeStack(dir, s) });
    expect(errors(fixed.diagnostics)).toEqual([]);
    expect(fixed.applied).toEqual({ added: 2, changed: 0, destroyed: 0, read: 0, failed: 0, skipped: 0, interrupted: 0 });
  });
});

describe("GIVEN a cloud that answers UNAVAILABLE and RESOURCE_EXHAUSTED at first", () => {
  it("WHEN applied THEN the calls are retried with backoff and the apply succeeds without duplicates", async () => {
    model = seededModel();
    const dir = tempDir();
    const real = new InProcessCloudClient(model);
    let failures = 4;
    const retries: string[] = [];
    // Fault injection in front of the real client: the first calls fail as an overloaded API would.
    const flaky = new Proxy(real, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function" || prop === "close") return v;
        return (...args: unknown[]) => {
          if (failures > 0) {
            failures--;
            return Promise.reject(new CloudError(failures % 2 ? "UNAVAILABLE" : "RESOURCE_EXHAUSTED", "try again later"));
          }
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as CloudClient;
    const engine = new Engine({
      cloud: flaky,
      definitions: (t, k) => findDefinition(t, k),
      dataDir: path.join(dir, ".oslogin"),
      parallelism: 1,
      retry: { attempts: 6, baseDelayMs: 1 },
      hooks: { retry: (e) => retries.push(e.code) },
    });
    const r = await engine.run({ outDir: writeStack(dir, profilesStack({ profiles: 2 })) });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(retries.sort()).toEqual(["RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "UNAVAILABLE"]);
    const profiles = (await listAll((t) => real.listOsLoginProfiles({ organizationId: ORG, pageToken: t }))).filter((p) => p.login.startsWith("alice-extra"));
    expect(profiles.map((p) => p.login).sort()).toEqual(["alice-extra-0", "alice-extra-1"]);
  });
});

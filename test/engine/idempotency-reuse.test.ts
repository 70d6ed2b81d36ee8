// Issue 15 item 8, as the engine meets it: a create whose answer was lost keeps its idempotency key
// in state; if the configuration then changes, the cloud refuses the key for the other request
// (before the fix it answered the first call's Operation). The engine must keep the key: a fresh one
// would create a second object and leave the first behind, untracked.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listAll, type CloudClient } from "../../src/contract/cloud-client.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudError } from "../../src/contract/errors.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { Engine } from "../../src/engine/engine.js";
import { findDefinition } from "../../src/resources/registry.js";
import { ORG, seededModel, tempDir, writeStack } from "./fixtures.js";

const FOLDER = "b1gquickstartfolder1";
let model: CloudModel | undefined;
afterEach(() => model?.close());

const stack = (description: string) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: FOLDER }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: { yandex_iam_service_account: { deploy: { name: "deploy", description } } },
});

describe("GIVEN a service account create whose answer was lost (the cloud made it)", () => {
  it("WHEN the configuration changed before the next apply THEN the key is refused and kept, and once restored the first object is adopted: one account", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const real = new InProcessCloudClient(model);
    let loseAnswers = true;
    // The create reaches the cloud, its answer does not reach the engine (a dropped connection).
    const lossy = new Proxy(real, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== "createServiceAccount" || typeof v !== "function") return v;
        return async (...args: unknown[]) => {
          const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (loseAnswers) throw new CloudError("UNAVAILABLE", "connection reset");
          return r;
        };
      },
    }) as CloudClient;
    const engine = new Engine({ cloud: lossy, definitions: (t, k) => findDefinition(t, k), dataDir, retry: { attempts: 2, baseDelayMs: 1 } });
    const accounts = async () => (await listAll((pageToken) => real.listServiceAccounts({ folderId: FOLDER, pageToken }))).map((a) => [a.name, a.description]);

    const lost = await engine.run({ outDir: writeStack(dir, stack("first")), mode: "normal" });
    expect(lost.applied?.failed).toBe(1);
    expect(Object.keys((await engine.currentState("test")).state!.pending)).toEqual(["yandex_iam_service_account.deploy"]);
    expect(await accounts()).toEqual([["deploy", "first"]]);

    loseAnswers = false;
    const changed = await engine.run({ outDir: writeStack(dir, stack("second")), mode: "normal" });
    expect(changed.diagnostics.map((d) => [d.address, d.summary, /idempotency-key: ".+" was already used for a different iam\.ServiceAccountService\.Create request/.test(d.detail ?? "")])).toEqual([
      ["yandex_iam_service_account.deploy", "Creating failed", true],
    ]);
    expect(Object.keys((await engine.currentState("test")).state!.pending)).toEqual(["yandex_iam_service_account.deploy"]);

    const restored = await engine.run({ outDir: writeStack(dir, stack("first")), mode: "normal" });
    expect(restored.diagnostics).toEqual([]);
    expect(await accounts()).toEqual([["deploy", "first"]]);
    const then = await engine.run({ outDir: writeStack(dir, stack("second")), mode: "normal" });
    expect(then.diagnostics).toEqual([]);
    expect(await accounts()).toEqual([["deploy", "second"]]);
  });
});

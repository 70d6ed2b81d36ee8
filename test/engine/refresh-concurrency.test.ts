// Refresh lists a type's scopes side by side under the one parallelism cap: instance bindings have a
// scope per VM, and listing them one after another made a fleet's refresh as slow as its VM count
// times a round trip. A client that counts the ListAccessBindings calls in flight (each held for a
// few milliseconds, as a network would) shows the cap is filled and never exceeded, and that
// --refresh-parallelism gives the refresh's reads a cap of their own.
import { afterEach, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { Engine } from "../../src/engine/engine.js";
import { findDefinition } from "../../src/resources/registry.js";
import { ALICE, ORG, seededModel, tempDir, writeStack } from "./fixtures.js";

const VMS = 12;

/** The in-process client with ListAccessBindings taking 5 ms, counting how many run at once. */
class CountingClient extends InProcessCloudClient {
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;

  override async listAccessBindings(...args: Parameters<InProcessCloudClient["listAccessBindings"]>) {
    this.calls++;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await super.listAccessBindings(...args);
    } finally {
      this.inFlight--;
    }
  }
}

function vmStack() {
  const vm = (i: number) => ({
    name: `vm-${i}`,
    platform_id: "standard-v3",
    resources: { cores: 2, memory: 2 },
    boot_disk: { initialize_params: { image_id: "fd8quickstartoslogin" } },
    network_interface: [{ subnet_id: "e9bquickstartsubnet1" }],
    metadata: { "enable-oslogin": "true" },
  });
  const login = (i: number) => ({ instance_id: `\${yandex_compute_instance.vm${i}.id}`, role: "compute.osLogin", member: `userAccount:${ALICE}` });
  return {
    provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
    terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
    resource: {
      yandex_compute_instance: Object.fromEntries(Array.from({ length: VMS }, (_, i) => [`vm${i}`, vm(i)])),
      yandex_compute_instance_iam_member: Object.fromEntries(Array.from({ length: VMS }, (_, i) => [`login${i}`, login(i)])),
    },
  };
}

let model: CloudModel | undefined;
afterEach(() => model?.close());

describe("GIVEN a stack with a binding on each of 12 VMs", () => {
  it.each([1, 4])("WHEN planned with --parallelism %i THEN the VMs' bindings are listed that many at a time, one call per VM, and nothing changes", async (parallelism) => {
    const dir = tempDir();
    model = seededModel();
    const outDir = writeStack(dir, vmStack());
    const engine = (client: InProcessCloudClient) => new Engine({ cloud: client, definitions: (t, k) => findDefinition(t, k), dataDir: dir, parallelism });
    const applied = await engine(new InProcessCloudClient(model)).run({ outDir, mode: "normal" });
    expect(applied.diagnostics).toEqual([]);
    expect(applied.applied?.added).toBe(2 * VMS);

    const counting = new CountingClient(model);
    const r = await engine(counting).plan({ outDir });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(r.plan!.drift).toEqual([]);
    expect(counting.calls).toBe(VMS);
    expect(counting.maxInFlight).toBe(parallelism);
    expect(counting.inFlight).toBe(0);
  });

  it("WHEN planned with --parallelism 2 and --refresh-parallelism 6 THEN the refresh lists 6 VMs' bindings at a time, not 2", async () => {
    const dir = tempDir();
    model = seededModel();
    const outDir = writeStack(dir, vmStack());
    const definitions = (t: string, k: "resource" | "data") => findDefinition(t, k);
    const applied = await new Engine({ cloud: new InProcessCloudClient(model), definitions, dataDir: dir, parallelism: 2 }).run({ outDir, mode: "normal" });
    expect(applied.diagnostics).toEqual([]);

    const counting = new CountingClient(model);
    const r = await new Engine({ cloud: counting, definitions, dataDir: dir, parallelism: 2, refreshParallelism: 6 }).plan({ outDir });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(counting.calls).toBe(VMS);
    expect(counting.maxInFlight).toBe(6);
    expect(counting.inFlight).toBe(0);
  });
});

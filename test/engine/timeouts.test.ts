// `timeouts { create = "1s" }` against the realistic cloud's slow operations, over gRPC with the
// official SDK (as `oslogin plan/apply --endpoint` runs): a VM whose operation takes 2.5 s fails a
// 1 s create limit with an error naming the VM, the operation and the limit, after about 1 s (not
// after the client's retries); the next apply adopts the VM that operation made (one VM, not two);
// a limit longer than the operation succeeds and keeps the block in state (a plan shows no changes).
// The block is declared once and reaches the engine's validation, the provider schema and the
// generated constructs.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { GrpcCloudClient } from "../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { retrying } from "../../src/cloud/client/retrying.js";
import { parseRealism } from "../../src/cloud/realism/options.js";
import { startCloudServer, type CloudServer } from "../../src/cloud/server.js";
import { listAll } from "../../src/contract/cloud-client.js";
import { Engine } from "../../src/engine/engine.js";
import { validateConfig } from "../../src/resources/plan.js";
import { DEFINITIONS, findDefinition, getDefinition } from "../../src/resources/registry.js";
import { parseGoDuration } from "../../src/resources/timeouts.js";
import { definitionSchema } from "../../src/tfplugin/schema.js";
import { osLoginVm } from "../cli/run-cli.js";
import { tempDir, writeStack } from "./fixtures.js";

const FOLDER = "b1gquickstartfolder1";
let server: CloudServer;
let grpc: GrpcCloudClient;

beforeAll(async () => {
  server = await startCloudServer({ realism: parseRealism("operations=2500ms,seed=5") });
  server.model.directory.seed(parseYaml(readFileSync(new URL("../../examples/quickstart/seed.yaml", import.meta.url), "utf8")));
  grpc = new GrpcCloudClient({ endpoint: server.grpcEndpoint, rootCertPem: server.caCertPem, iamToken: server.adminToken, pollIntervalMs: 50 });
});

afterAll(async () => {
  await grpc?.close();
  await server?.close();
});

const vmStack = (name: string, timeouts: object) => ({
  provider: { yandex: [{ folder_id: FOLDER, zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_compute_instance: {
      web: { ...osLoginVm(name), timeouts },
    },
  },
});

const vmsNamed = async (name: string) =>
  (await listAll((pageToken) => new InProcessCloudClient(server.model).listInstances({ folderId: FOLDER, pageToken }))).filter((i) => i.name === name).length;

describe("GIVEN the realistic cloud's operations take 2.5 s", () => {
  it('WHEN a VM is applied with timeouts.create = "1s" THEN the apply fails after about 1 s naming the VM and the limit, and the next apply adopts the one VM that operation made', async () => {
    const dir = tempDir();
    const outDir = writeStack(dir, vmStack("web", { create: "1s" }));
    const engine = new Engine({ cloud: retrying(grpc, { baseDelayMs: 5 }), definitions: (t, k) => findDefinition(t, k), dataDir: dir });

    const started = Date.now();
    const failed = await engine.run({ outDir, mode: "normal" });
    const took = Date.now() - started;
    expect(failed.diagnostics.map((d) => [d.severity, d.address, d.summary])).toEqual([["error", "yandex_compute_instance.web", "Creating failed"]]);
    expect(failed.diagnostics[0].detail).toMatch(
      /^DEADLINE_EXCEEDED: yandex_compute_instance: create did not finish within timeouts\.create = "1s"; operation \S+ is still running in the cloud$/,
    );
    // Awaited for the limit, not retried on: well under the 2.5 s operation.
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(2400);
    expect(await vmsNamed("web")).toBe(1);

    // The same create again, under the same idempotency key: the operation's VM, not a second one.
    await new Promise((r) => setTimeout(r, 2000));
    const again = await engine.run({ outDir, mode: "normal" });
    expect(again.diagnostics).toEqual([]);
    expect(again.applied?.added).toBe(1);
    expect(await vmsNamed("web")).toBe(1);
  }, 30_000);

  it('WHEN the limit is longer than the operation THEN the create succeeds, state keeps the block and a plan wants no changes', async () => {
    const dir = tempDir();
    const outDir = writeStack(dir, vmStack("db", { create: "10s", delete: "10s" }));
    const engine = new Engine({ cloud: retrying(grpc, { baseDelayMs: 5 }), definitions: (t, k) => findDefinition(t, k), dataDir: dir });
    const applied = await engine.run({ outDir, mode: "normal" });
    expect(applied.diagnostics).toEqual([]);
    expect(applied.applied?.added).toBe(1);
    const plan = await engine.plan({ outDir });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.plan!.changes.map((c) => c.action)).toEqual(["noop"]);
    expect(plan.plan!.changes[0].after?.timeouts).toEqual([{ create: "10s", update: null, delete: "10s" }]);
  }, 30_000);
});

describe("GIVEN the timeouts block", () => {
  it("THEN exactly the types whose real provider has it (and our profile) declare it, with its operations", () => {
    const withBlock = Object.fromEntries(
      DEFINITIONS.filter((d) => d.schema.blocks?.timeouts).map((d) => [d.type, Object.keys(d.schema.blocks!.timeouts.block.attributes)]),
    );
    expect(withBlock).toEqual({
      yandex_compute_instance: ["create", "update", "delete"],
      yandex_organizationmanager_os_login_profile: ["create", "update", "delete"],
      yandex_organizationmanager_os_login_settings: ["create", "read", "update", "delete"],
      yandex_organizationmanager_user_ssh_key: ["create", "read", "update", "delete"],
    });
  });

  it("THEN terraform sees it in our provider's schema as one optional block of duration strings", () => {
    const blocks = (definitionSchema(getDefinition("yandex_compute_instance", "resource")).block as { block_types: { type_name: string }[] }).block_types;
    const timeouts = blocks.find((b) => b.type_name === "timeouts") as unknown as { max_items: string; block: { attributes: { name: string; type: Buffer; optional: boolean }[] } };
    expect(timeouts.max_items).toBe("1");
    expect(timeouts.block.attributes.map((a) => [a.name, Buffer.from(a.type).toString(), a.optional])).toEqual([
      ["create", '"string"', true],
      ["delete", '"string"', true],
      ["update", '"string"', true],
    ]);
  });

  it.each([
    ["5 minutes", 'got "5 minutes"'],
    ["0s", 'got "0s"'],
    ["10", 'got "10"'],
  ])("WHEN create is %j THEN validation fails naming timeouts.create and the rule", (value, got) => {
    const def = getDefinition("yandex_organizationmanager_os_login_settings", "resource");
    const r = validateConfig(def, { organization_id: "bpfquickstartorg0001", timeouts: [{ create: value }] });
    expect(r.diagnostics).toEqual([
      {
        severity: "error",
        summary: "Invalid timeout",
        detail: `timeouts.create must be a duration longer than zero: a number and a unit (ns, us, ms, s, m, h), e.g. "30s", "10m" or "1h30m"; ${got}`,
        path: ["timeouts", 0, "create"],
      },
    ]);
  });

  it("THEN durations read as Go writes them", () => {
    expect(["300ms", "1.5h", "2h45m", "90s", "1m30s"].map(parseGoDuration)).toEqual([300, 5_400_000, 9_900_000, 90_000, 90_000]);
    expect(["", "m", "1", "1d", "-1s"].map(parseGoDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

// The evaluation context's locals are evaluated once and kept until a resource they depend on
// changes: during apply a local over a resource follows the ids the cloud returns.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { loadStack } from "../../src/engine/config/load.js";
import { EvalContext } from "../../src/engine/eval-context.js";
import { UNKNOWN } from "../../src/resources/define.js";
import { ALICE, ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

describe("GIVEN a context with a local over a resource and one over a variable", () => {
  it("WHEN the resource's values change after the local was read THEN the local follows them; the other local is not re-evaluated", () => {
    const out = writeStack(tempDir(), {
      variable: { zone: { default: "ru-central1-a" } },
      locals: { ids: '${join(",", null_resource.n[*].id)}', where: { zone: "${var.zone}" } },
      resource: { null_resource: { n: { count: 2 } } },
    });
    const { config } = loadStack(out);
    const ctx = new EvalContext(config!, { zone: "ru-central1-b" });
    ctx.initResource("null_resource.n", "list");
    ctx.setInstance("null_resource.n", 0, { id: UNKNOWN });
    ctx.setInstance("null_resource.n", 1, { id: UNKNOWN });
    expect(ctx.local("ids")).toBe(UNKNOWN);
    const where = ctx.local("where");
    expect(where).toEqual({ zone: "ru-central1-b" });
    ctx.setInstance("null_resource.n", 0, { id: "11" });
    ctx.setInstance("null_resource.n", 1, { id: "22" });
    expect(ctx.local("ids")).toBe("11,22");
    ctx.setInstance("null_resource.n", 1, null);
    expect(() => ctx.local("ids")).toThrow('cannot read attribute "id" of a null value');
    // The same object: kept from its first evaluation, as nothing it depends on changed.
    expect(ctx.local("where")).toBe(where);
  });
});

describe("GIVEN a local over profile ids, used by a null_resource and an output", () => {
  it("WHEN applied THEN both see the ids the cloud assigned, not the unknowns of the plan", async () => {
    model = seededModel();
    const dir = tempDir();
    const dataDir = path.join(dir, ".oslogin");
    const out = writeStack(dir, {
      provider: { yandex: [{ organization_id: ORG }], null: [{}] },
      terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" }, null: { source: "hashicorp/null" } } },
      locals: { prefix: "loc", ids: '${join(",", yandex_organizationmanager_os_login_profile.p[*].id)}' },
      resource: {
        yandex_organizationmanager_os_login_profile: { p: { count: 2, organization_id: ORG, subject_id: ALICE, login: "${local.prefix}-${count.index}" } },
        null_resource: { marker: { triggers: { ids: "${local.ids}" } } },
      },
      output: { ids: { value: "${local.ids}" } },
    });
    const engine = engineFor(model, dataDir);
    const plan = await engine.plan({ outDir: out });
    expect(plan.plan!.outputs).toMatchObject([{ name: "ids", action: "create" }]);
    const r = await engine.run({ outDir: out });
    expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => formatDiagnostic(d))).toEqual([]);
    const state = JSON.parse(readFileSync(path.join(dataDir, "stacks/test/terraform.tfstate"), "utf8"));
    const ids = state.resources
      .find((x: { type: string }) => x.type === "yandex_organizationmanager_os_login_profile")
      .instances.map((i: { attributes: { id: string } }) => i.attributes.id)
      .join(",");
    expect(ids).toMatch(/^olp\w+,olp\w+$/);
    expect(state.resources.find((x: { type: string }) => x.type === "null_resource").instances[0].attributes.triggers).toEqual({ ids });
    expect(state.outputs.ids.value).toBe(ids);
  });
});

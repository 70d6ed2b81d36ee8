// The terraform provider runs the same plan-time checks as the engine (ResourceDefinition.verify):
// terraform's plan of a grant on a VM that does not exist fails there, naming the attribute, instead
// of in apply next to changes that went through.
import { afterEach, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { optional, types, type ObjectValue } from "../../src/resources/define.js";
import { instanceIamMember } from "../../src/resources/instance-iam-member.js";
import { createProviderHandlers } from "../../src/tfplugin/provider.js";
import { encodeMsgpack } from "../../src/tfplugin/values.js";
import { ALICE, ORG, seededModel } from "../engine/fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

const providerSchema = { attributes: { organization_id: optional(types.string, { description: "" }) } };
const dv = (v: ObjectValue | null) => ({ msgpack: encodeMsgpack(v, instanceIamMember.schema) });

describe("GIVEN the yandex provider's instance binding, configured against the cloud", () => {
  it("WHEN terraform plans a grant on an instance id that does not exist THEN the plan is an error naming instance_id", async () => {
    model = seededModel();
    const cloud = new InProcessCloudClient(model);
    const h = createProviderHandlers({ name: "yandex", config: providerSchema, definitions: [instanceIamMember], connect: async () => ({ cloud, provider: { organization_id: ORG } }) });
    expect(await h.ConfigureProvider({ config: { msgpack: encodeMsgpack({ organization_id: ORG }, providerSchema) } })).toEqual({ diagnostics: [] });
    const grant = { id: null, instance_id: "fhmnosuchinstance000", role: "compute.osLogin", member: `userAccount:${ALICE}`, sleep_after: null };
    const res = await h.PlanResourceChange({ type_name: "yandex_compute_instance_iam_member", prior_state: dv(null), proposed_new_state: dv(grant), config: dv(grant) });
    expect(res.diagnostics).toEqual([
      {
        severity: 1,
        summary: "No such VM instance",
        detail: 'instance_id "fhmnosuchinstance000" names no VM instance in the cloud: a binding can only be granted on an existing VM instance',
        attribute: { steps: [{ attribute_name: "instance_id" }] },
      },
    ]);
    expect(res.planned_state).toBeUndefined();
  });
});

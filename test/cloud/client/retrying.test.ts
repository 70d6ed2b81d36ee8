// The retrying client over the realistic in-process cloud: how long it waits, what it retries, and
// that the idempotency key it gives a mutation stays the same across that mutation's retries.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { retrying } from "../../../src/cloud/client/retrying.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { embeddedWithRealism } from "../../../src/cloud/realism/embedded.js";

const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";

let model: CloudModel | undefined;
afterEach(() => model?.close());

function realistic(spec: string) {
  model = CloudModel.open();
  model.directory.seed(parseYaml(readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8")));
  return embeddedWithRealism(new InProcessCloudClient(model), { OSLOGIN_REALISM: spec });
}

describe("retrying", () => {
  it("GIVEN RESOURCE_EXHAUSTED asking for 300 ms WHEN retried THEN it waits at least that long, whatever the backoff says", async () => {
    const retries: number[] = [];
    const cloud = retrying(realistic("fault-first=2,fault-kinds=exhausted,retry-after=300ms,fault-methods=^getOrganization$"), {
      baseDelayMs: 1,
      onRetry: (r) => retries.push(r.delayMs),
    });
    expect((await cloud.getOrganization(ORG)).id).toBe(ORG);
    expect(retries).toEqual([300, 300]);
  });

  it("GIVEN a fault that does not go away WHEN the attempts are used up THEN the last error is thrown", async () => {
    const cloud = retrying(realistic("faults=1,fault-kinds=unavailable,fault-methods=^getOrganization$"), { attempts: 3, baseDelayMs: 1 });
    await expect(cloud.getOrganization(ORG)).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("GIVEN a request error WHEN called THEN it is not retried", async () => {
    const retries: string[] = [];
    const cloud = retrying(realistic("latency=1ms"), { onRetry: (r) => retries.push(r.code) });
    await expect(cloud.getOrganization("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(retries).toEqual([]);
  });

  it("GIVEN DEADLINE_EXCEEDED after a delete was made WHEN retried with its key THEN the delete succeeds once", async () => {
    const cloud = retrying(realistic("fault-first=1,fault-kinds=deadline,fault-methods=^deleteServiceAccount$"), { baseDelayMs: 1 });
    const sa = await cloud.createServiceAccount({ folderId: FOLDER, name: "doomed" });
    await cloud.deleteServiceAccount(sa.id);
    expect((await cloud.listServiceAccounts({ folderId: FOLDER })).items).toEqual([]);
  });
});

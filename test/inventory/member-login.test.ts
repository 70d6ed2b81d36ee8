// `oslogin ssh --member`: acting as a member of the embedded cloud, and the login pre-check for a
// member, whose role may come through a group (the real SQLite model, in process).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import type { Instance } from "../../src/contract/api-types.js";
import { parseInventoryConfig } from "../../src/inventory/config.js";
import { connectAsMember } from "../../src/inventory/connect.js";
import { instancesGranting, listFolderInstances } from "../../src/inventory/gather.js";
import { QUICKSTART as Q, createInstance, grant, seedQuickstart, user } from "../e2e/harness/cloud.js";

const work = mkdtempSync(join(tmpdir(), "member-login-"));
const dataDir = join(work, "cloud");
let web1: Instance;
let open: Instance;
const config = () => parseInventoryConfig({ data_dir: dataDir, member: "x", organization_id: Q.organizationId, folders: [Q.folderId] }, work);

beforeAll(async () => {
  const model = CloudModel.open({ dataDir });
  const cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  web1 = await createInstance(cloud, Q.folderId, "web-1");
  open = await createInstance(cloud, Q.folderId, "open-1");
  // The devs group (Alice) may log in on the folder; every user on open-1. Both members read every
  // level's bindings and the groups, so the pre-check decides from what it read, never "cannot tell".
  await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", { type: "group", id: Q.devsGroup });
  await grant(cloud, { kind: "instance", id: open.id }, "compute.osLogin", { type: "system", id: "allUsers" });
  for (const member of [Q.alice, Q.bob]) await grant(cloud, { kind: "organization", id: Q.organizationId }, "viewer", user(member));
  model.close();
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The VMs the member may log in to, as `oslogin ssh`'s pre-check decides. */
async function loginVms(member: string): Promise<{ who: string; granted: string[] }> {
  const conn = await connectAsMember(config(), member);
  try {
    const ctx = { client: conn.client, config: config(), subject: conn.subject, who: conn.who };
    const { instances, cloudOf } = await listFolderInstances(ctx);
    const granted = await instancesGranting(ctx, instances, cloudOf, ["compute.osLogin", "compute.osAdminLogin"], true);
    return { who: conn.who, granted: [...granted].sort() };
  } finally {
    await conn.close();
  }
}

describe("GIVEN compute.osLogin granted to the devs group on the folder and to system:allUsers on open-1", () => {
  it("WHEN Alice, a member of devs, is named by e-mail (any case) THEN she acts as herself and the group's role counts", async () => {
    expect(await loginVms("Alice@Example.com")).toEqual({ who: "member alice@example.com", granted: [open.id, web1.id].sort() });
  });

  it("WHEN Bob, in no group, is named by user id THEN only open-1 grants him a login", async () => {
    expect(await loginVms(Q.bob)).toEqual({ who: "member bob@example.com", granted: [open.id] });
  });

  it("WHEN someone outside the organization is named THEN it says who and where", async () => {
    await expect(connectAsMember(config(), "mallory@example.com")).rejects.toThrow(
      `member "mallory@example.com" is not a member of organization ${Q.organizationId} (give their e-mail or user id)`,
    );
  });
});

// The inventory over gRPC as its service account, across an IAM token expiry: the emulator issues
// 2-second tokens (and injects 5 % faults with 20 ms latency); one connection gathers the inventory,
// waits past the token's end, and gathers again. The second gather works because the client renewed
// the token from the key, not because the token lived on.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../../src/contract/key-file.js";
import { parseRealism } from "../../../src/cloud/realism/options.js";
import { startCloudServer, type CloudServer } from "../../../src/cloud/server.js";
import { parseInventoryConfig } from "../../../src/inventory/config.js";
import { connectAsServiceAccount } from "../../../src/inventory/connect.js";
import { gatherInventory } from "../../../src/inventory/gather.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, seedQuickstart, serviceAccount } from "../../e2e/harness/cloud.js";

const work = mkdtempSync(join(tmpdir(), "inventory-expiry-"));
let server: CloudServer;
let saId: string;

beforeAll(async () => {
  server = await startCloudServer({ realism: parseRealism("token-lifetime=2s,latency=20ms,faults=0.05,seed=5") });
  seedQuickstart(server.model);
  const admin = new InProcessCloudClient(server.model);
  await enableOsLogin(admin, Q.organizationId, { keys: true, certificates: true });
  await createInstance(admin, Q.folderId, "web-1");
  await createInstance(admin, Q.folderId, "web-2");
  const sa = await admin.createServiceAccount({ folderId: Q.folderId, name: "ansible" });
  saId = sa.id;
  await admin.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: "yc-sa-ansible" });
  writeAuthorizedKeyFile(join(work, "key.json"), authorizedKeyFileOf(await admin.createKey({ serviceAccountId: sa.id })));
  await grant(admin, { kind: "folder", id: Q.folderId }, "compute.osLogin", serviceAccount(sa.id));
  await grant(admin, { kind: "folder", id: Q.folderId }, "viewer", serviceAccount(sa.id));
  writeFileSync(join(work, "ca.pem"), server.caCertPem);
});

afterAll(async () => server?.close());

const tokensIssued = () =>
  server.model.audit.list({ kind: "admin" }, { pageSize: 1000 }).items.filter((e) => e.action === "iam.IamTokenService.Create" && e.resourceId === saId).length;

it("GIVEN 2-second IAM tokens WHEN one inventory connection gathers before and after its token expires THEN both gathers list the hosts", { timeout: 60_000 }, async () => {
  const config = parseInventoryConfig(
    { endpoint: server.grpcEndpoint, root_certs: "ca.pem", service_account_key_file: "key.json", organization_id: Q.organizationId, folders: [Q.folderId], cache_dir: "cache" },
    work,
  );
  const conn = await connectAsServiceAccount(config);
  try {
    const ctx = { client: conn.client, config, subject: conn.subject, who: conn.who };
    const hostsOf = async () => Object.keys((await gatherInventory(ctx))._meta.hostvars).sort();
    expect(await hostsOf()).toEqual(["web-1", "web-2"]);
    const before = tokensIssued();
    expect(before).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2200));
    expect(await hostsOf()).toEqual(["web-1", "web-2"]);
    expect(tokensIssued()).toBeGreaterThan(before);
  } finally {
    await conn.close();
  }
});

// The realistic mode itself: the spec, replayable draws, and what a gRPC client meets (unfinished
// operations polled through OperationService.Get, PROVISIONING instances, RetryInfo, rate limits,
// short-lived IAM tokens that the client renews from its key).
import { readFileSync } from "node:fs";
import { Session } from "@yandex-cloud/nodejs-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { clientClass } from "../../../src/cloud/api/grpc/catalog.js";
import { createInstanceRequestToSdk } from "../../../src/cloud/api/grpc/mapping/compute.js";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudError } from "../../../src/contract/errors.js";
import { authorizedKeyFileOf } from "../../../src/contract/key-file.js";
import { parseRealism } from "../../../src/cloud/realism/options.js";
import { Realism } from "../../../src/cloud/realism/realism.js";
import { startCloudServer, type CloudServer } from "../../../src/cloud/server.js";

const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";
const GiB = 1024n ** 3n;

let server: CloudServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(spec: string): Promise<CloudServer> {
  server = await startCloudServer({ realism: parseRealism(spec) });
  server.model.directory.seed(parseYaml(readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8")));
  return server;
}

async function failure(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CloudError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the spec", () => {
  it("GIVEN every key WHEN parsed THEN each lands in its option", () => {
    const o = parseRealism("seed=7,latency=50ms,jitter=20,operations=2s,faults=0.05,fault-kinds=unavailable+deadline,fault-first=2,fault-methods=Create$,retry-after=1s,token-lifetime=1m,rate-limit=30");
    expect({ ...o, faultMethods: o.faultMethods?.source }).toEqual({
      seed: 7,
      latencyMs: 50,
      jitterMs: 20,
      operationMs: 2000,
      faultRate: 0.05,
      faultKinds: ["unavailable", "deadline"],
      faultFirstCalls: 2,
      faultMethods: "Create$",
      retryAfterMs: 1000,
      tokenLifetimeSeconds: 60,
      rateLimitPerSecond: 30,
    });
  });

  it.each([
    ["latency=fast", "Illegal argument realism latency: must be a duration like 50ms, 2s or 1m, got \"fast\""],
    ["faults=1.5", "Illegal argument realism faults: must be a number from 0 to 1, got \"1.5\""],
    ["fault-kinds=boom", "Illegal argument realism fault-kinds: \"boom\" must be one of unavailable, exhausted, deadline"],
    ["speed=1", "Illegal argument realism speed: unknown setting; known: seed, latency, jitter, operations, faults, fault-kinds, fault-first, fault-methods, retry-after, token-lifetime, rate-limit"],
    ["latency", "Illegal argument realism latency: needs a value (key=value)"],
  ])("GIVEN %s WHEN parsed THEN the error names the setting and the rule", (spec, message) => {
    expect(() => parseRealism(spec)).toThrow(message);
  });
});

describe("draws are replayable", () => {
  const plans = (seed: number) => {
    const r = new Realism(parseRealism(`seed=${seed},jitter=100ms,faults=0.3`));
    return Array.from({ length: 40 }, (_, i) => {
      const p = r.plan(i % 2 ? "/svc/Create" : "/svc/Get", "caller", i % 2 === 1);
      return `${p.delayMs}:${p.before?.code ?? p.after?.code ?? "ok"}`;
    });
  };

  it("GIVEN the same seed WHEN the same calls are planned THEN the same latencies and faults come back", () => {
    const a = plans(11);
    expect(plans(11)).toEqual(a);
    expect(plans(12)).not.toEqual(a);
    // 30 % of 40 calls: some faults, but not all
    const faulted = a.filter((p) => !p.endsWith(":ok")).length;
    expect(faulted).toBeGreaterThan(3);
    expect(faulted).toBeLessThan(25);
  });
});

describe("over gRPC", () => {
  it("GIVEN operations=300ms WHEN an instance is created THEN the operation is done: false and the VM PROVISIONING until then, RUNNING after", async () => {
    const s = await serve("operations=300ms");
    const session = new Session({ iamToken: s.adminToken, ssl: { rootCerts: Buffer.from(s.caCertPem) } });
    const instances = session.client(clientClass("instance"), s.grpcEndpoint);
    const operations = session.client(clientClass("operation"), s.grpcEndpoint);
    const op = await instances.create(
      createInstanceRequestToSdk({
        folderId: FOLDER,
        name: "slow-vm",
        zoneId: "ru-central1-a",
        platformId: "standard-v3",
        resourcesSpec: { memory: 2n * GiB, cores: 2n },
        bootDiskSpec: { diskSpec: { size: 10n * GiB, imageId: "fd8conformanceimage1" } },
        networkInterfaceSpecs: [{ subnetId: "e9bsubnet00000000001" }],
      }) as never,
    );
    expect([op.done, op.response]).toEqual([false, undefined]);
    const id = new InProcessCloudClient(s.model).listInstances({ folderId: FOLDER }).then((p) => p.items[0].id);
    expect((await instances.get({ instanceId: await id, view: 0 } as never)).status).toBe(1); // PROVISIONING
    expect((await operations.get({ operationId: op.id })).done).toBe(false);
    await sleep(350);
    expect((await operations.get({ operationId: op.id })).done).toBe(true);
    expect((await instances.get({ instanceId: await id, view: 0 } as never)).status).toBe(2); // RUNNING
  });

  it("GIVEN RESOURCE_EXHAUSTED faults WHEN a call fails THEN the client reads the RetryInfo delay from the status details", async () => {
    const s = await serve("faults=1,fault-kinds=exhausted,retry-after=1500ms,fault-methods=GetSettings");
    const client = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.caCertPem, iamToken: s.adminToken });
    const e = await failure(client.getOsLoginSettings(ORG));
    expect([e.code, e.retryAfterMs]).toEqual(["RESOURCE_EXHAUSTED", 1500]);
    expect((await client.getOrganization(ORG)).id).toBe(ORG); // other methods are not faulted
    await client.close();
  });

  it("GIVEN an UNAVAILABLE fault on a create WHEN it fails THEN nothing was created", async () => {
    const s = await serve("faults=1,fault-kinds=unavailable,fault-methods=ServiceAccountService/Create$");
    const client = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.caCertPem, iamToken: s.adminToken });
    expect((await failure(client.createServiceAccount({ folderId: FOLDER, name: "never" }))).code).toBe("UNAVAILABLE");
    expect((await new InProcessCloudClient(s.model).listServiceAccounts({ folderId: FOLDER })).items).toEqual([]);
    await client.close();
  });

  it("GIVEN rate-limit=3 WHEN a caller makes a fourth call in the same second THEN RESOURCE_EXHAUSTED says how long to wait", async () => {
    const s = await serve("rate-limit=3");
    const client = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.caCertPem, iamToken: s.adminToken });
    for (let i = 0; i < 3; i++) await client.getOrganization(ORG);
    const e = await failure(client.getOrganization(ORG));
    expect(e.code).toBe("RESOURCE_EXHAUSTED");
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.retryAfterMs).toBeLessThanOrEqual(1000);
    await client.close();
  });

  it("GIVEN token-lifetime=2s WHEN a service account keeps calling past it THEN its client renews the token from the key, and a fixed token stops working", async () => {
    const s = await serve("token-lifetime=2s");
    const admin = new InProcessCloudClient(s.model);
    const sa = await admin.createServiceAccount({ folderId: FOLDER, name: "renewer" });
    await admin.updateAccessBindings({ kind: "folder", id: FOLDER }, [{ action: "ADD", accessBinding: { roleId: "viewer", subject: { type: "serviceAccount", id: sa.id } } }]);
    const keyFile = authorizedKeyFileOf(await admin.createKey({ serviceAccountId: sa.id }));
    const renewing = await GrpcCloudClient.fromAuthorizedKey({ endpoint: s.grpcEndpoint, rootCertPem: s.caCertPem, keyFile });
    const fixedToken = s.model.iamTokens.create({ jwt: (await import("../../../src/cloud/model/iam-tokens.js")).signServiceAccountJwt(keyFile) }).iamToken;
    const fixed = new GrpcCloudClient({ endpoint: s.grpcEndpoint, rootCertPem: s.caCertPem, iamToken: fixedToken });
    expect((await renewing.getServiceAccount(sa.id)).name).toBe("renewer");
    expect((await fixed.getServiceAccount(sa.id)).name).toBe("renewer");
    await sleep(2300);
    expect((await renewing.getServiceAccount(sa.id)).name).toBe("renewer");
    expect((await failure(fixed.getServiceAccount(sa.id))).code).toBe("UNAUTHENTICATED");
    await Promise.all([renewing.close(), fixed.close()]);
  });
});

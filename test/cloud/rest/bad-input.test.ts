// Issue 15 item 8: bad input to the REST gateway, over real HTTP. Each case answered wrongly before
// the fix: a 500 for a uid past 2^63-1 in a filter, the YAML parser's 400 to a member posting to an
// admin-only route, the first call's Operation for a reused Idempotency-Key with another body, and
// "internal error" logged for a client that hung up mid-body.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestServer, type RestServer } from "../../../src/cloud/api/rest/server.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN_TOKEN, ALICE, BOB, errorBody, ORG, SEED_YAML, startHarness, type Harness } from "./harness.js";

const PROFILES = "/organization-manager/v1/osLoginProfiles";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN a uid past 2^63-1", () => {
  const TOO_BIG = "9223372036854775808";

  it("WHEN it is the ListProfiles filter THEN 400 naming the filter and the range, and the largest uid still filters", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent(`uid="${TOO_BIG}"`)}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, 'Illegal argument filter: uid must be a decimal integer from 0 to 9223372036854775807 in double quotes, e.g. uid="10000"'));
    const max = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent('uid="9223372036854775807"')}`);
    expect([max.status, max.body]).toEqual([200, { profiles: [], nextPageToken: "" }]);
  });

  it("WHEN it is the uid of a create or an update THEN 400 naming uid", async () => {
    const create = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: ALICE, login: "alice-big", uid: TOO_BIG } });
    expect(create.status).toBe(400);
    expect(create.body).toEqual(errorBody(3, "Illegal argument uid: must fit in a signed 64-bit integer"));
    const made = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: ALICE, login: "alice-small", uid: "50000" } });
    expect(made.status).toBe(200);
    const id = made.body.response.id as string;
    const update = await h.call("PATCH", `${PROFILES}/${id}`, { body: { login: "alice-small", uid: TOO_BIG, updateMask: "uid" } });
    expect(update.status).toBe(400);
    expect(update.body).toEqual(errorBody(3, "Illegal argument uid: must fit in a signed 64-bit integer"));
  });
});

describe("GIVEN a member's token", () => {
  it("WHEN it calls any admin-only route with a broken body or query THEN 403 before anything is parsed", async () => {
    const token = await h.tokenFor(BOB);
    const denied = (method: string, path: string) => errorBody(7, `Permission denied: ${method} ${path} is emulator-only and needs the emulator admin token`);
    const yaml = await h.call("POST", "/emulator/v1/seed", { token, raw: "organizations: [ {id: x", headers: { "content-type": "application/yaml" } });
    expect(yaml).toMatchObject({ status: 403, body: denied("POST", "/emulator/v1/seed") });
    const routes: [string, string][] = [
      ["POST", "/emulator/v1/iamTokens"],
      ["POST", "/emulator/v1/organizations"],
      ["POST", `/emulator/v1/organizations/${ORG}/members`],
      ["POST", `/emulator/v1/organizations/${ORG}/groups`],
      ["POST", `/emulator/v1/organizations/${ORG}/clouds`],
      ["POST", "/emulator/v1/clouds/b1gquickstartcloud01/folders"],
    ];
    for (const [method, path] of routes) {
      const r = await h.call(method, path, { token, raw: "{not json", headers: { "content-type": "application/json" } });
      expect({ path, ...r, headers: undefined }).toEqual({ path, status: 403, body: denied(method, path), headers: undefined });
    }
    const audit = await h.call("GET", "/emulator/v1/auditEvents?pageSize=oops", { token });
    expect(audit).toMatchObject({ status: 403, body: denied("GET", "/emulator/v1/auditEvents") });
    // The admin still gets the parse errors.
    const admin = await h.call("POST", "/emulator/v1/organizations", { raw: "{not json", headers: { "content-type": "application/json" } });
    expect(admin.status).toBe(400);
  });
});

describe("GIVEN an Idempotency-Key already used for a create", () => {
  it("WHEN the same body is sent again THEN the first Operation; WHEN another body THEN 400 naming the key, and nothing is written", async () => {
    const headers = { "idempotency-key": "create-deploy-profile-1" };
    const body = { organizationId: ORG, subjectId: BOB, login: "bob-deploy", uid: "60000" };
    const first = await h.call("POST", PROFILES, { body, headers });
    expect(first.status).toBe(200);
    const again = await h.call("POST", PROFILES, { body: { uid: "60000", login: "bob-deploy", subjectId: BOB, organizationId: ORG }, headers });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await h.call("POST", PROFILES, { body: { ...body, login: "bob-other", uid: "60001" }, headers });
    expect(other.status).toBe(400);
    expect(other.body).toEqual(
      errorBody(
        3,
        `Illegal argument idempotency-key: "create-deploy-profile-1" was already used for a different organizationmanager.OsLoginService.CreateProfile request (operation ${first.body.id}); send the same request to get that operation again, or use a new key`,
      ),
    );
    const list = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent('login="bob-other"')}`);
    expect(list.body).toEqual({ profiles: [], nextPageToken: "" });
  });
});

describe("GIVEN a client that hangs up in the middle of its request body", () => {
  let server: RestServer;
  let model: CloudModel;
  const logged: string[] = [];
  beforeAll(async () => {
    model = CloudModel.open();
    model.directory.seedFromYaml(SEED_YAML);
    server = await startRestServer(model, { adminToken: ADMIN_TOKEN, port: 0, log: (l) => logged.push(l) });
  });
  afterAll(async () => {
    await server.close();
    model.close();
  });

  it("WHEN the server notices THEN it logs a client abort, not an internal error, and keeps serving", async () => {
    await new Promise<void>((resolve, reject) => {
      const s = connect(server.port, "127.0.0.1", () => {
        s.write(`POST ${PROFILES} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"organizationId":`);
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 50);
      });
      s.on("error", reject);
    });
    for (let i = 0; i < 100 && logged.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(logged).toEqual([`rest: client closed the connection before sending the whole request body (POST ${PROFILES})`]);
    const ok = await fetch(`${server.url}/organization-manager/v1/organizations/${ORG}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
  });
});

describe("GIVEN an emulator whose key-create bound is 2", () => {
  let server: RestServer;
  let model: CloudModel;
  beforeAll(async () => {
    model = CloudModel.open({ maxPendingKeyCreates: 2 });
    model.directory.seedFromYaml(SEED_YAML);
    server = await startRestServer(model, { adminToken: ADMIN_TOKEN, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    model.close();
  });

  it("WHEN 6 RSA-2048 key creates arrive at once THEN 2 are generated and 4 are refused at once with 429 RESOURCE_EXHAUSTED saying why", async () => {
    const post = (path: string, body: object) =>
      fetch(server.url + path, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const sa = await post("/iam/v1/serviceAccounts", { folderId: "b1gquickstartfolder1", name: "bulk" });
    const saId = sa.body.response.id as string;
    const replies = await Promise.all(Array.from({ length: 6 }, () => post("/iam/v1/keys", { serviceAccountId: saId, keyAlgorithm: "RSA_2048" })));
    const refused = replies.filter((r) => r.status === 429);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(2);
    expect(refused).toHaveLength(4);
    expect(refused[0].body).toEqual(
      errorBody(
        8,
        "Too many service account key creates in progress: at most 2 are generated or queued at once; retry later (the emulator's bound, set with oslogin serve --max-key-creates)",
      ),
    );
    // Once the bound has room again, a create goes through.
    expect((await post("/iam/v1/keys", { serviceAccountId: saId, keyAlgorithm: "RSA_2048" })).status).toBe(200);
  }, 60_000);
});

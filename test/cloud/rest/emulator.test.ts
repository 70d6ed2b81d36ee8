// The emulator-only REST routes: seeding (YAML and JSON), single directory creates, IAM tokens for
// members, the audit log; and that they are admin-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, anyId, errorBody, NOW, ORG, SEED_YAML, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: false });
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN an empty emulator", () => {
  it("WHEN the quickstart YAML is posted to /emulator/v1/seed THEN the counts of what was written", async () => {
    const r = await h.call("POST", "/emulator/v1/seed", { raw: SEED_YAML, headers: { "content-type": "application/yaml" } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ organizations: 1, members: 2, groups: 1, clouds: 1, folders: 1, defaultProfiles: 0 });
    expect((await h.call("GET", `/organization-manager/v1/organizations/${ORG}`)).body.name).toBe("quickstart");
  });

  it("WHEN a JSON seed document is posted THEN it is applied the same way", async () => {
    const r = await h.call("POST", "/emulator/v1/seed", {
      body: { organizations: [{ id: "bpfsecond", name: "second", members: [{ id: "ajecarol", name: "Carol", email: "c@example.com" }] }] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ organizations: 1, members: 1, groups: 0, clouds: 0, folders: 0, defaultProfiles: 0 });
  });

  it("WHEN the YAML is malformed THEN 400 naming the seed and the position", async () => {
    const r = await h.call("POST", "/emulator/v1/seed", { raw: "organizations: [ {id: x", headers: { "content-type": "text/yaml" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(
        3,
        "Illegal argument seed: is not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 1, column 24:",
      ),
    );
  });

  it("WHEN the JSON body is malformed THEN 400", async () => {
    const r = await h.call("POST", "/emulator/v1/seed", { raw: "{oops", headers: { "content-type": "application/json" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument body: is not valid JSON (send YAML with Content-Type: application/yaml)"));
  });

  it("WHEN an id breaks the rule THEN 400 naming the document path; nothing is written", async () => {
    const r = await h.call("POST", "/emulator/v1/seed", { body: { organizations: [{ id: "BAD", name: "x" }] } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument organizations[0].id: must be 1-50 lower-case Latin letters and digits"));
  });

  it("WHEN an organization, member, group, cloud and folder are created one by one THEN each returns a done Operation", async () => {
    const org = await h.call("POST", "/emulator/v1/organizations", { body: { id: "bpfthird", name: "third" } });
    expect(org.status).toBe(200);
    expect(org.body).toMatchObject({ done: true, createdBy: "system:emulator-admin", createdAt: NOW });
    const member = await h.call("POST", "/emulator/v1/organizations/bpfthird/members", {
      body: { id: "ajedave", name: "Dave", email: "dave@example.com" },
    });
    expect(member.status).toBe(200);
    const group = await h.call("POST", "/emulator/v1/organizations/bpfthird/groups", { body: { name: "ops", members: ["ajedave"] } });
    expect(group.status).toBe(200);
    const cloud = await h.call("POST", "/emulator/v1/organizations/bpfthird/clouds", { body: { id: "b1gthird", name: "c" } });
    expect(cloud.status).toBe(200);
    const folder = await h.call("POST", "/emulator/v1/clouds/b1gthird/folders", { body: { id: "b1fthird", name: "f" } });
    expect(folder.status).toBe(200);
    expect((await h.call("GET", "/resource-manager/v1/folders/b1fthird")).body).toEqual({
      id: "b1fthird",
      cloudId: "b1gthird",
      name: "f",
      createdAt: NOW,
    });
  });

  it("WHEN the same organization id is created twice THEN 409", async () => {
    const r = await h.call("POST", "/emulator/v1/organizations", { body: { id: "bpfthird", name: "third" } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe(6);
  });
});

describe("GIVEN a seeded member", () => {
  it("WHEN the admin issues an IAM token for Alice THEN iamToken + expiresAt (12 h later)", async () => {
    const r = await h.call("POST", "/emulator/v1/iamTokens", { body: { subject: { type: "userAccount", id: ALICE } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ iamToken: expect.stringMatching(/^t1\.[A-Za-z0-9_-]{43}$/), expiresAt: "2030-01-02T15:04:05.000Z" });
  });

  it("WHEN the subject does not exist THEN 404", async () => {
    const r = await h.call("POST", "/emulator/v1/iamTokens", { body: { subject: { type: "userAccount", id: "ajenobody" } } });
    expect(r.status).toBe(404);
    expect(r.body).toEqual(errorBody(5, 'User "ajenobody" not found'));
  });

  it("WHEN a member's token calls an emulator route THEN 403 (admin only)", async () => {
    const token = await h.tokenFor(ALICE);
    const seed = await h.call("POST", "/emulator/v1/seed", { token, body: { organizations: [] } });
    expect(seed.status).toBe(403);
    const audit = await h.call("GET", "/emulator/v1/auditEvents", { token });
    expect(audit.status).toBe(403);
    expect(audit.body).toEqual(errorBody(7, "Permission denied: GET /emulator/v1/auditEvents is emulator-only and needs the emulator admin token"));
  });
});

describe("GIVEN mutations happened", () => {
  it("WHEN audit events are listed for one resource THEN who, what, when, before, after; seq as a string", async () => {
    const r = await h.call("GET", `/emulator/v1/auditEvents?resourceType=organization&resourceId=bpfthird`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      auditEvents: [
        {
          seq: expect.stringMatching(/^\d+$/),
          time: NOW,
          actor: "system:emulator-admin",
          action: "emulator.DirectoryService.CreateOrganization",
          resourceType: "organization",
          resourceId: "bpfthird",
          operationId: anyId("op0"),
          before: null,
          after: { id: "bpfthird", name: "third", title: "third", createdAt: NOW },
        },
      ],
      nextPageToken: "",
    });
  });

  it("WHEN paging with pageSize=1 THEN nextPageToken continues the list", async () => {
    const first = await h.call("GET", "/emulator/v1/auditEvents?pageSize=1");
    expect(first.body.auditEvents).toHaveLength(1);
    const next = await h.call("GET", `/emulator/v1/auditEvents?pageSize=1&pageToken=${encodeURIComponent(first.body.nextPageToken)}`);
    expect(BigInt(next.body.auditEvents[0].seq)).toBeGreaterThan(BigInt(first.body.auditEvents[0].seq));
  });

  it("WHEN an operation id does not exist THEN 404", async () => {
    const r = await h.call("GET", "/operations/op0doesnotexist0000");
    expect(r.status).toBe(404);
    expect(r.body).toEqual(errorBody(5, 'Operation "op0doesnotexist0000" not found'));
  });
});

// The directory over REST: OrganizationService, UserService.ListMembers, resource-manager clouds
// and folders, and access bindings on each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, CLOUD, errorBody, FOLDER, NOW, ORG, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN the seeded quickstart organization", () => {
  it("WHEN GET organization THEN its fields", async () => {
    const r = await h.call("GET", `/organization-manager/v1/organizations/${ORG}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: ORG, name: "quickstart", title: "Quickstart organization", createdAt: NOW });
  });

  it("WHEN listing organizations THEN organizations + nextPageToken", async () => {
    const r = await h.call("GET", "/organization-manager/v1/organizations");
    expect(r.body).toEqual({
      organizations: [{ id: ORG, name: "quickstart", title: "Quickstart organization", createdAt: NOW }],
      nextPageToken: "",
    });
  });

  it("WHEN ListMembers THEN users as subjectClaims", async () => {
    const r = await h.call("GET", `/organization-manager/v1/organizations/${ORG}/users`);
    expect(r.body).toEqual({
      users: [
        { subjectClaims: { sub: ALICE, name: "Alice", email: "alice@example.com" } },
        { subjectClaims: { sub: BOB, name: "Bob", email: "bob@example.com" } },
      ],
      nextPageToken: "",
    });
  });

  it("WHEN GET cloud and list clouds by organization THEN the seeded cloud", async () => {
    const cloud = { id: CLOUD, organizationId: ORG, name: "quickstart-cloud", createdAt: NOW };
    expect((await h.call("GET", `/resource-manager/v1/clouds/${CLOUD}`)).body).toEqual(cloud);
    expect((await h.call("GET", `/resource-manager/v1/clouds?organizationId=${ORG}`)).body).toEqual({
      clouds: [cloud],
      nextPageToken: "",
    });
  });

  it("WHEN GET folder and list folders of the cloud THEN the seeded folder", async () => {
    const folder = { id: FOLDER, cloudId: CLOUD, name: "default", createdAt: NOW };
    expect((await h.call("GET", `/resource-manager/v1/folders/${FOLDER}`)).body).toEqual(folder);
    expect((await h.call("GET", `/resource-manager/v1/folders?cloudId=${CLOUD}`)).body).toEqual({
      folders: [folder],
      nextPageToken: "",
    });
  });

  it("WHEN listing folders without cloudId THEN 400 naming cloudId", async () => {
    const r = await h.call("GET", "/resource-manager/v1/folders");
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument cloudId: the field is required"));
  });

  it("WHEN ids do not exist THEN 404 for organization, cloud and folder", async () => {
    for (const path of [
      "/organization-manager/v1/organizations/bpfnone",
      "/resource-manager/v1/clouds/b1gnone",
      "/resource-manager/v1/folders/b1fnone",
    ]) {
      const r = await h.call("GET", path);
      expect(r.status, path).toBe(404);
      expect(r.body.code, path).toBe(5);
    }
  });
});

describe("GIVEN access bindings", () => {
  const viewer = { roleId: "viewer", subject: { type: "userAccount", id: ALICE } };

  it("WHEN updateAccessBindings on the organization THEN the Operation's response is Empty (as the real API)", async () => {
    const r = await h.call("POST", `/organization-manager/v1/organizations/${ORG}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: viewer }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": "type.googleapis.com/yandex.cloud.access.UpdateAccessBindingsMetadata", resourceId: ORG });
    expect(r.body.response).toEqual({ "@type": "type.googleapis.com/google.protobuf.Empty", value: {} });
    const list = await h.call("GET", `/organization-manager/v1/organizations/${ORG}:listAccessBindings`);
    expect(list.body).toEqual({ accessBindings: [viewer], nextPageToken: "" });
  });

  it("WHEN updateAccessBindings on a folder THEN the response is AccessBindingsOperationResult with the effective deltas", async () => {
    const r = await h.call("POST", `/resource-manager/v1/folders/${FOLDER}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: viewer }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.response).toEqual({
      "@type": "type.googleapis.com/yandex.cloud.access.AccessBindingsOperationResult",
      effectiveDeltas: [{ action: "ADD", accessBinding: viewer }],
    });
  });

  it("WHEN setAccessBindings on a cloud THEN it replaces every binding", async () => {
    const admin = { roleId: "admin", subject: { type: "userAccount", id: BOB } };
    await h.call("POST", `/resource-manager/v1/clouds/${CLOUD}:setAccessBindings`, { body: { accessBindings: [viewer] } });
    const r = await h.call("POST", `/resource-manager/v1/clouds/${CLOUD}:setAccessBindings`, { body: { accessBindings: [admin] } });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": "type.googleapis.com/yandex.cloud.access.SetAccessBindingsMetadata", resourceId: CLOUD });
    const list = await h.call("GET", `/resource-manager/v1/clouds/${CLOUD}:listAccessBindings`);
    expect(list.body).toEqual({ accessBindings: [admin], nextPageToken: "" });
  });

  it("WHEN a delta has an unknown action THEN 400 naming the path and the allowed values", async () => {
    const r = await h.call("POST", `/resource-manager/v1/folders/${FOLDER}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "GRANT", accessBinding: viewer }] },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, 'Illegal argument accessBindingDeltas[0].action: must be one of ADD, REMOVE, got "GRANT"'));
  });

  it("WHEN a delta lacks the subject id THEN 400 naming the nested path", async () => {
    const r = await h.call("POST", `/resource-manager/v1/folders/${FOLDER}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "viewer", subject: { type: "userAccount" } } }] },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument accessBindingDeltas[0].accessBinding.subject.id: the field is required"));
  });

  it("WHEN the role does not exist THEN 400 from the model", async () => {
    const r = await h.call("POST", `/resource-manager/v1/folders/${FOLDER}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: { roleId: "no.such.role", subject: { type: "userAccount", id: ALICE } } }] },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(
        3,
        'Illegal argument access_binding_deltas[0].access_binding.role_id: unknown role "no.such.role"; the emulator\'s role catalog is listed in src/contract/roles.ts',
      ),
    );
  });

  it("WHEN bindings are listed on an unknown folder THEN 404", async () => {
    const r = await h.call("GET", "/resource-manager/v1/folders/b1fnone:listAccessBindings");
    expect(r.status).toBe(404);
  });
});

// OsLoginService over REST: settings, profiles (create/get/list/update/setDefault/delete) with the
// exact JSON the real API writes (camelCase, int64 strings, Operation with @type).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_RULE, UID_RULE } from "../../../src/contract/rules.js";
import { ALICE, anyId, BOB, errorBody, NOW, ORG, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
const BASE = "/organization-manager/v1";
const SETTINGS = `${BASE}/organizations/${ORG}/osLoginSettings`;
const PROFILES = `${BASE}/osLoginProfiles`;
const T = "type.googleapis.com/yandex.cloud.organizationmanager.v1.";

const op = (description: string, metadata: object, response: object) => ({
  id: anyId("op0"),
  description,
  createdAt: NOW,
  createdBy: "system:emulator-admin",
  modifiedAt: NOW,
  done: true,
  metadata,
  response,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN a seeded organization with OS Login off", () => {
  it("WHEN GetSettings THEN both modes are off", async () => {
    const r = await h.call("GET", SETTINGS);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      userSshKeySettings: { enabled: false, allowManageOwnKeys: false },
      sshCertificateSettings: { enabled: false },
    });
  });

  it("WHEN UpdateSettings turns user keys on THEN the Operation carries the metadata and the new settings", async () => {
    const r = await h.call("PATCH", SETTINGS, {
      body: { userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, updateMask: "userSshKeySettings" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      op(
        "Update OS Login settings",
        { "@type": `${T}UpdateOsLoginSettingsMetadata`, organizationId: ORG },
        {
          "@type": `${T}OsLoginSettings`,
          userSshKeySettings: { enabled: true, allowManageOwnKeys: true },
          sshCertificateSettings: { enabled: false },
        },
      ),
    );
  });

  it("WHEN the operation is fetched THEN GET /operations/{id} returns the same Operation", async () => {
    const r = await h.call("PATCH", SETTINGS, { body: { sshCertificateSettings: { enabled: true }, updateMask: "ssh_certificate_settings" } });
    const got = await h.call("GET", `/operations/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
  });

  it("WHEN an unknown organization is asked for THEN 404", async () => {
    const r = await h.call("GET", `${BASE}/organizations/bpfnosuchorg/osLoginSettings`);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe(5);
  });
});

describe("GIVEN OS Login on", () => {
  it("WHEN ListProfiles THEN every member has a default profile with the derived login and auto uid as strings", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      profiles: [
        {
          id: anyId("olp"),
          organizationId: ORG,
          subjectId: ALICE,
          login: "alice",
          uid: "10000",
          isDefault: true,
          homeDirectory: "/home/alice",
          shell: "/bin/bash",
        },
        {
          id: anyId("olp"),
          organizationId: ORG,
          subjectId: BOB,
          login: "bob",
          uid: "10001",
          isDefault: true,
          homeDirectory: "/home/bob",
          shell: "/bin/bash",
        },
      ],
      nextPageToken: "",
    });
  });

  let created: { id: string };
  it("WHEN CreateProfile with a manual uid THEN the Operation has CreateOsLoginProfileMetadata and the profile", async () => {
    const r = await h.call("POST", PROFILES, {
      body: { organizationId: ORG, subjectId: ALICE, login: "alice-ops", uid: "4000000000", shell: "/bin/sh" },
    });
    expect(r.status).toBe(200);
    created = r.body.response;
    expect(r.body).toEqual(
      op(
        "Create OS Login profile",
        { "@type": `${T}CreateOsLoginProfileMetadata`, osLoginProfileId: created.id, organizationId: ORG, subjectId: ALICE },
        {
          "@type": `${T}OsLoginProfile`,
          id: created.id,
          organizationId: ORG,
          subjectId: ALICE,
          login: "alice-ops",
          uid: "4000000000",
          isDefault: false,
          homeDirectory: "/home/alice-ops",
          shell: "/bin/sh",
        },
      ),
    );
  });

  it("WHEN GetProfile THEN the stored profile comes back", async () => {
    const r = await h.call("GET", `${PROFILES}/${created.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: created.id,
      organizationId: ORG,
      subjectId: ALICE,
      login: "alice-ops",
      uid: "4000000000",
      isDefault: false,
      homeDirectory: "/home/alice-ops",
      shell: "/bin/sh",
    });
  });

  it("WHEN ListProfiles with a filter on uid THEN only that profile", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent('uid="4000000000"')}`);
    expect(r.body.profiles.map((p: { id: string }) => p.id)).toEqual([created.id]);
  });

  it("WHEN ListProfiles pages with pageSize=1 THEN the token leads to the next page", async () => {
    const first = await h.call("GET", `${PROFILES}?organizationId=${ORG}&pageSize=1`);
    expect(first.body.profiles).toHaveLength(1);
    expect(first.body.nextPageToken).not.toBe("");
    const second = await h.call(
      "GET",
      `${PROFILES}?organizationId=${ORG}&pageSize=1&pageToken=${encodeURIComponent(first.body.nextPageToken)}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.profiles).toHaveLength(1);
    expect(second.body.profiles[0].id).not.toBe(first.body.profiles[0].id);
  });

  it("WHEN UpdateProfile changes the shell (login still sent, as the API requires) THEN the Operation has the new profile", async () => {
    const r = await h.call("PATCH", `${PROFILES}/${created.id}`, {
      body: { login: "alice-ops", shell: "/bin/zsh", updateMask: "shell" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      op(
        "Update OS Login profile",
        { "@type": `${T}UpdateOsLoginProfileMetadata`, osLoginProfileId: created.id },
        {
          "@type": `${T}OsLoginProfile`,
          id: created.id,
          organizationId: ORG,
          subjectId: ALICE,
          login: "alice-ops",
          uid: "4000000000",
          isDefault: false,
          homeDirectory: "/home/alice-ops",
          shell: "/bin/zsh",
        },
      ),
    );
  });

  it("WHEN UpdateProfile omits login THEN 400 naming login", async () => {
    const r = await h.call("PATCH", `${PROFILES}/${created.id}`, { body: { shell: "/bin/zsh" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument login: the field is required"));
  });

  it("WHEN SetDefaultProfile THEN the metadata names the previous and the current default", async () => {
    const before = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent('login="alice"')}`);
    const previous = before.body.profiles[0].id;
    const r = await h.call("POST", `${PROFILES}/${created.id}:setDefault`);
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({
      "@type": `${T}SetDefaultOsLoginProfileMetadata`,
      previousDefaultProfileId: previous,
      currentDefaultProfileId: created.id,
    });
    expect(r.body.response).toMatchObject({ "@type": `${T}OsLoginProfile`, id: created.id, isDefault: true });
    expect((await h.call("GET", `${PROFILES}/${previous}`)).body.isDefault).toBe(false);
  });

  it("WHEN DeleteProfile on a non-default profile THEN the Operation's response is google.protobuf.Empty", async () => {
    const extra = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: BOB, login: "bob-extra" } });
    const id = extra.body.response.id;
    const r = await h.call("DELETE", `${PROFILES}/${id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      op(
        "Delete OS Login profile",
        { "@type": `${T}DeleteOsLoginProfileMetadata`, osLoginProfileId: id },
        { "@type": "type.googleapis.com/google.protobuf.Empty", value: {} },
      ),
    );
    const gone = await h.call("GET", `${PROFILES}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(errorBody(5, `OS Login profile ${JSON.stringify(id)} not found`));
  });
});

describe("GIVEN bad profile input", () => {
  it("WHEN the login breaks the pattern THEN 400 naming login and the rule", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: BOB, login: "-bad.login" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, `Illegal argument login: ${LOGIN_RULE}`));
  });

  it("WHEN the uid is below the documented range THEN 400 naming uid", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: BOB, login: "low", uid: "999" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, `Illegal argument uid: ${UID_RULE}`));
  });

  it("WHEN the login is taken in the organization THEN 409 ALREADY_EXISTS", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: BOB, login: "alice" } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      errorBody(6, `OS Login profile with login "alice" already exists in organization "${ORG}": login must be unique in the organization`),
    );
  });

  it("WHEN the uid is taken in the organization THEN 409 ALREADY_EXISTS", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: BOB, login: "uid-clash", uid: "10000" } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      errorBody(6, `OS Login profile with uid 10000 already exists in organization "${ORG}": uid must be unique in the organization`),
    );
  });

  it("WHEN the profile id does not exist THEN 404 on get, update, setDefault and delete", async () => {
    const id = "olpdoesnotexist000000";
    expect((await h.call("GET", `${PROFILES}/${id}`)).status).toBe(404);
    expect((await h.call("PATCH", `${PROFILES}/${id}`, { body: { login: "x" } })).status).toBe(404);
    expect((await h.call("POST", `${PROFILES}/${id}:setDefault`)).status).toBe(404);
    expect((await h.call("DELETE", `${PROFILES}/${id}`)).status).toBe(404);
  });
});

describe("GIVEN a member with an IAM token", () => {
  it("WHEN Bob reads the organization's profiles without a role THEN 403 PERMISSION_DENIED", async () => {
    const token = await h.tokenFor(BOB);
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`, { token });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe(7);
  });

  it("WHEN Bob is granted organization-manager.osLogins.viewer THEN he can list", async () => {
    const grant = await h.call("POST", `${BASE}/organizations/${ORG}:updateAccessBindings`, {
      body: {
        accessBindingDeltas: [
          { action: "ADD", accessBinding: { roleId: "organization-manager.osLogins.viewer", subject: { type: "userAccount", id: BOB } } },
        ],
      },
    });
    expect(grant.status).toBe(200);
    const token = await h.tokenFor(BOB);
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`, { token });
    expect(r.status).toBe(200);
    expect(r.body.profiles.length).toBeGreaterThan(0);
  });
});

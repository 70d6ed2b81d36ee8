import { describe, expect, it } from "vitest";
import { ADMIN, type OsLoginProfile } from "../../../src/cloud/model/types.js";
import { ALICE, BOB, NOW, ORG, errorOf, member, openModel, valueOf } from "./fixtures.js";

describe("AuditService.list", () => {
  it("GIVEN a create, an update and a delete of one profile WHEN its events are listed THEN who, what, when, before and after are exact", () => {
    const model = openModel();
    const created = valueOf<OsLoginProfile>(model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" }));
    const updateOp = model.osLogin.updateProfile(ADMIN, { osLoginProfileId: created.id, login: "alice", shell: "/bin/sh", updateMask: ["shell"] });
    model.osLogin.deleteProfile(ADMIN, { id: created.id });
    const events = model.audit.list(ADMIN, { resourceType: "osLoginProfile", resourceId: created.id }).items;
    expect(events.map(({ seq: _s, operationId: _o, ...e }) => e)).toEqual([
      { time: NOW, actor: "system:emulator-admin", action: "organizationmanager.OsLoginService.CreateProfile", resourceType: "osLoginProfile", resourceId: created.id, before: null, after: created },
      {
        time: NOW,
        actor: "system:emulator-admin",
        action: "organizationmanager.OsLoginService.UpdateProfile",
        resourceType: "osLoginProfile",
        resourceId: created.id,
        before: created,
        after: { ...created, shell: "/bin/sh" },
      },
      {
        time: NOW,
        actor: "system:emulator-admin",
        action: "organizationmanager.OsLoginService.DeleteProfile",
        resourceType: "osLoginProfile",
        resourceId: created.id,
        before: { ...created, shell: "/bin/sh" },
        after: null,
      },
    ]);
    expect(events[1]!.operationId).toBe(updateOp.id);
    expect(events.map((e) => typeof e.seq)).toEqual(["bigint", "bigint", "bigint"]);
  });

  it("GIVEN a failed mutation WHEN the log is read THEN it left no event (all-or-nothing)", () => {
    const model = openModel();
    model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: "alice" });
    errorOf(() => model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: BOB, login: "alice" }));
    expect(model.audit.list(ADMIN, { resourceType: "osLoginProfile" }).items).toHaveLength(1);
  });

  it("GIVEN many events WHEN paged THEN every event once in commit order; tokens are bound to the filter", () => {
    const model = openModel();
    for (let i = 0; i < 5; i++) model.osLogin.createProfile(ADMIN, { organizationId: ORG, subjectId: ALICE, login: `a${i}` });
    const all = model.audit.list(ADMIN, { resourceType: "osLoginProfile", pageSize: 1000 }).items.map((e) => e.seq);
    const paged: bigint[] = [];
    let token = "";
    do {
      const page = model.audit.list(ADMIN, { resourceType: "osLoginProfile", pageSize: 2, pageToken: token });
      paged.push(...page.items.map((e) => e.seq));
      token = page.nextPageToken;
    } while (token);
    expect(paged).toEqual(all);
    expect(all).toHaveLength(5);
    const t = model.audit.list(ADMIN, { resourceType: "osLoginProfile", pageSize: 2 }).nextPageToken;
    expect(errorOf(() => model.audit.list(ADMIN, { pageToken: t })).field).toBe("page_token");
  });

  it("GIVEN a member caller WHEN listing the audit log THEN PERMISSION_DENIED; resource_id alone is INVALID_ARGUMENT", () => {
    const model = openModel();
    expect(errorOf(() => model.audit.list(member(ALICE), {})).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.audit.list(ADMIN, { resourceId: "x" })).field).toBe("resource_type");
  });
});

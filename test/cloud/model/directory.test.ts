import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../../src/cloud/model/types.js";
import { ALICE, BOB, CAROL, CLOUD, FOLDER, NOW, ORG, OTHER_ORG, errorOf, grant, member, openModel, valueOf } from "./fixtures.js";

const QUICKSTART = readFileSync(new URL("../../../examples/quickstart/seed.yaml", import.meta.url), "utf8");

describe("seeding", () => {
  it("GIVEN the quickstart seed.yaml WHEN seeded THEN its organization, members, group, cloud and folder are readable with their fixed ids", () => {
    const model = CloudModel.open({ now: () => new Date(NOW) });
    expect(model.directory.seedFromYaml(QUICKSTART)).toEqual({ organizations: 1, members: 2, groups: 1, clouds: 1, folders: 1, defaultProfiles: 0 });
    expect(model.directory.getOrganization(ADMIN, { organizationId: "bpfquickstartorg0001" })).toEqual({
      id: "bpfquickstartorg0001",
      name: "quickstart",
      title: "Quickstart organization",
      createdAt: NOW,
    });
    expect(model.directory.listMembers(ADMIN, { organizationId: "bpfquickstartorg0001" }).items).toEqual([
      { id: "ajealice000000000001", organizationId: "bpfquickstartorg0001", name: "Alice", email: "alice@example.com" },
      { id: "ajebob00000000000002", organizationId: "bpfquickstartorg0001", name: "Bob", email: "bob@example.com" },
    ]);
    expect(model.directory.getGroup(ADMIN, { groupId: "ajgdevs0000000000001" })).toEqual({
      id: "ajgdevs0000000000001",
      organizationId: "bpfquickstartorg0001",
      name: "devs",
      members: ["ajealice000000000001"],
    });
    expect(model.directory.getCloud(ADMIN, { cloudId: "b1gquickstartcloud01" })).toEqual({
      id: "b1gquickstartcloud01",
      organizationId: "bpfquickstartorg0001",
      name: "quickstart-cloud",
      createdAt: NOW,
    });
    expect(model.directory.listFolders(ADMIN, { cloudId: "b1gquickstartcloud01" }).items).toEqual([
      { id: "b1gquickstartfolder1", cloudId: "b1gquickstartcloud01", name: "default", createdAt: NOW },
    ]);
  });

  it("GIVEN a seeded directory WHEN the same file is seeded again THEN nothing is duplicated and createdAt stays", () => {
    let t = NOW;
    const model = CloudModel.open({ now: () => new Date(t) });
    model.directory.seedFromYaml(QUICKSTART);
    t = "2027-01-01T00:00:00.000Z";
    model.directory.seedFromYaml(QUICKSTART);
    const count = (table: string) => model.ctx.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
    expect(["organizations", "users", "groups", "clouds", "folders"].map(count)).toEqual([1, 2, 1, 1, 1]);
    expect(model.directory.getOrganization(ADMIN, { organizationId: "bpfquickstartorg0001" }).createdAt).toBe(NOW);
  });

  it("GIVEN a re-seed with a changed member name and email WHEN seeded THEN the member is updated in place", () => {
    const model = openModel();
    model.directory.seed({ organizations: [{ id: ORG, name: "acme", members: [{ id: ALICE, name: "Alice Liddell", email: "al@example.com" }] }] });
    expect(model.directory.getMember(ADMIN, { organizationId: ORG, userId: ALICE })).toEqual({ id: ALICE, organizationId: ORG, name: "Alice Liddell", email: "al@example.com" });
  });

  it.each([
    [{}, "organizations", "Illegal argument organizations: must list at least one organization"],
    [{ organizations: [{ id: "ORG", name: "x" }] }, "organizations[0].id", "Illegal argument organizations[0].id: must be 1-50 lower-case Latin letters and digits"],
    [{ organizations: [{ id: "org1", name: "x", colour: "red" }] }, "organizations[0].colour", "Illegal argument organizations[0].colour: is not a known field; expected one of id, name, title, members, groups, clouds"],
    [{ organizations: [{ id: "org1", name: "x", members: [{ id: "u1", name: "U" }] }] }, "organizations[0].members[0].email", "Illegal argument organizations[0].members[0].email: the field is required"],
    [{ organizations: [{ id: "org1", name: "x", members: [{ id: "u1", name: "U", email: "nope" }] }] }, "organizations[0].members[0].email", "Illegal argument organizations[0].members[0].email: must be an e-mail address"],
    [{ organizations: [{ id: "org1", name: 5 }] }, "organizations[0].name", "Illegal argument organizations[0].name: must be a string"],
    [{ organizations: [{ id: "org1", name: "x", clouds: [{ id: "c1", name: "c", folders: [{ id: "c1", name: "f" }] }] }] }, "organizations[0].clouds[0].folders[0].id", "Illegal argument organizations[0].clouds[0].folders[0].id: id c1 is used twice in the seed (first at organizations[0].clouds[0].id)"],
    [{ organizations: [{ id: "org1", name: "x", groups: [{ id: "g1", name: "g", members: ["nobody"] }] }] }, "organizations[0].groups[0].members[0]", "Illegal argument organizations[0].groups[0].members[0]: nobody is not a member of organization org1"],
  ])("GIVEN a bad seed %j WHEN seeded THEN INVALID_ARGUMENT naming %s and nothing is written", (doc, field, message) => {
    const model = CloudModel.open();
    const e = errorOf(() => model.directory.seed(doc));
    expect([e.code, e.field, e.message]).toEqual(["INVALID_ARGUMENT", field, message]);
    expect(model.ctx.db.prepare("SELECT COUNT(*) FROM organizations").pluck().get()).toBe(0);
  });

  it("GIVEN malformed YAML WHEN seeded THEN INVALID_ARGUMENT naming seed", () => {
    const e = errorOf(() => CloudModel.open().directory.seedFromYaml("organizations: [\n  - id: x"));
    expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", "seed"]);
  });

  it("GIVEN a member of one organization WHEN a seed puts the same id into another THEN FAILED_PRECONDITION and nothing of that seed is written", () => {
    const model = openModel();
    const e = errorOf(() =>
      model.directory.seed({ organizations: [{ id: "orgnew", name: "n", members: [{ id: ALICE, name: "A", email: "a@example.com" }] }] }),
    );
    expect([e.code, e.field, e.message]).toEqual([
      "FAILED_PRECONDITION",
      "organizations[0].members[0].id",
      `Illegal argument organizations[0].members[0].id: member ${ALICE} already belongs to organization ${ORG}`,
    ]);
    expect(errorOf(() => model.directory.getOrganization(ADMIN, { organizationId: "orgnew" })).code).toBe("NOT_FOUND");
  });

  it("GIVEN a member caller WHEN seeding or creating directory entities THEN PERMISSION_DENIED (emulator admin only)", () => {
    const model = openModel();
    expect(errorOf(() => model.directory.seed({ organizations: [{ id: "x1", name: "x" }] }, member(ALICE))).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.directory.createCloud(member(ALICE), { organizationId: ORG, name: "c" })).code).toBe("PERMISSION_DENIED");
  });

  it("GIVEN the seed WHEN the audit log is read THEN one operation holds an event per seeded entity", () => {
    const model = CloudModel.open();
    model.directory.seedFromYaml(QUICKSTART);
    const events = model.audit.list(ADMIN, {}).items;
    expect(events.map((e) => [e.action, e.resourceType, e.resourceId])).toEqual([
      ["emulator.DirectoryService.Seed", "organization", "bpfquickstartorg0001"],
      ["emulator.DirectoryService.Seed", "user", "ajealice000000000001"],
      ["emulator.DirectoryService.Seed", "user", "ajebob00000000000002"],
      ["emulator.DirectoryService.Seed", "group", "ajgdevs0000000000001"],
      ["emulator.DirectoryService.Seed", "cloud", "b1gquickstartcloud01"],
      ["emulator.DirectoryService.Seed", "folder", "b1gquickstartfolder1"],
    ]);
    expect(new Set(events.map((e) => e.operationId)).size).toBe(1);
  });
});

describe("emulator-only creates", () => {
  it("GIVEN an organization WHEN a cloud, folder, group and member are created THEN each operation answers the entity and ids are generated", () => {
    const model = openModel();
    const cloud = valueOf<{ id: string }>(model.directory.createCloud(ADMIN, { organizationId: ORG, name: "second" }));
    expect(cloud).toEqual({ id: cloud.id, organizationId: ORG, name: "second", createdAt: NOW });
    expect(cloud.id).toMatch(/^b1g[a-v0-9]{17}$/);
    const folder = valueOf<{ id: string }>(model.directory.createFolder(ADMIN, { cloudId: cloud.id, name: "prod" }));
    expect(model.directory.getFolder(ADMIN, { folderId: folder.id })).toEqual({ id: folder.id, cloudId: cloud.id, name: "prod", createdAt: NOW });
    const group = model.directory.createGroup(ADMIN, { organizationId: ORG, id: "ajgops", name: "ops", members: [BOB] });
    expect(group.response).toEqual({ typeName: "oslogin.emulator.v1.Group", value: { id: "ajgops", organizationId: ORG, name: "ops", members: [BOB] } });
    const org = valueOf<{ id: string }>(model.directory.createOrganization(ADMIN, { name: "third" }));
    expect(org).toEqual({ id: org.id, name: "third", title: "third", createdAt: NOW });
  });

  it("GIVEN existing ids and names WHEN created again THEN ALREADY_EXISTS; a missing parent is NOT_FOUND", () => {
    const model = openModel();
    expect(errorOf(() => model.directory.createMember(ADMIN, { organizationId: ORG, id: ALICE, name: "A", email: "a@example.com" })).code).toBe("ALREADY_EXISTS");
    model.directory.createGroup(ADMIN, { organizationId: ORG, name: "ops" });
    const e = errorOf(() => model.directory.createGroup(ADMIN, { organizationId: ORG, name: "ops" }));
    expect([e.code, e.field]).toEqual(["ALREADY_EXISTS", "name"]);
    expect(errorOf(() => model.directory.createFolder(ADMIN, { cloudId: "b1gnope", name: "f" })).code).toBe("NOT_FOUND");
  });
});

describe("directory reads", () => {
  it("GIVEN 3 members WHEN listed 2 per page THEN 2 + 1 in id order; a forged token is INVALID_ARGUMENT", () => {
    const model = openModel();
    const first = model.directory.listMembers(ADMIN, { organizationId: ORG, pageSize: 2n });
    expect(first.items.map((u) => u.id)).toEqual([ALICE, BOB]);
    const second = model.directory.listMembers(ADMIN, { organizationId: ORG, pageSize: 2n, pageToken: first.nextPageToken });
    expect([second.items.map((u) => u.id), second.nextPageToken]).toEqual([[CAROL], ""]);
    expect(errorOf(() => model.directory.listMembers(ADMIN, { organizationId: ORG, pageToken: "../etc" })).field).toBe("page_token");
  });

  it("GIVEN a member without roles WHEN reading the directory THEN PERMISSION_DENIED, and lists show only what they may see", () => {
    const model = openModel();
    expect(errorOf(() => model.directory.getOrganization(member(ALICE), { organizationId: ORG })).code).toBe("PERMISSION_DENIED");
    expect(errorOf(() => model.directory.listMembers(member(ALICE), { organizationId: ORG })).code).toBe("PERMISSION_DENIED");
    expect(model.directory.listOrganizations(member(ALICE)).items).toEqual([]);
    grant(model, member(ALICE), "viewer");
    expect(model.directory.listOrganizations(member(ALICE)).items.map((o) => o.id)).toEqual([ORG]);
    expect(model.directory.listClouds(member(ALICE)).items.map((c) => c.id)).toEqual([CLOUD]);
    expect(model.directory.listFolders(member(ALICE), { cloudId: CLOUD }).items.map((f) => f.id)).toEqual([FOLDER]);
    expect(model.directory.listMembers(member(ALICE), { organizationId: ORG }).items).toHaveLength(3);
  });

  it("GIVEN the admin WHEN listing organizations and clouds of one organization THEN all, in id order", () => {
    const model = openModel();
    expect(model.directory.listOrganizations(ADMIN).items.map((o) => o.id)).toEqual([ORG, OTHER_ORG]);
    expect(model.directory.listClouds(ADMIN, { organizationId: OTHER_ORG }).items).toEqual([]);
    expect(errorOf(() => model.directory.getCloud(ADMIN, { cloudId: "b1gnope" })).code).toBe("NOT_FOUND");
  });
});

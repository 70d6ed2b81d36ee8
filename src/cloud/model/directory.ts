// The directory: organizations with their members and groups, clouds and folders. In the real cloud
// members come from an identity directory (and clouds/folders from the console), not from the
// OS Login API, so the emulator reads them through the API but creates them only through
// emulator-only calls: seeding from YAML/JSON (examples/quickstart/seed.yaml) or a create per entity,
// both for the emulator admin only. Seeding is an upsert by id: re-seeding the same file changes
// nothing and duplicates nothing.
import { parse as parseYaml } from "yaml";
import { CloudError, errors } from "../../contract/errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { ModelContext, MutationResult } from "./context.js";
import { ID_PREFIX } from "./ids.js";
import type { OsLoginService } from "./os-login.js";
import { idAfter, keysetPage, offsetAfter, offsetPage, pageSizeOf } from "./paging.js";
import { ADMIN, type Caller, type Cloud, type Folder, type Group, type Operation, type Organization, type Page, type User } from "./types.js";
import { requireString } from "./validate.js";
import { ID_MAX } from "../../contract/rules.js";

// ---------- the seed document ----------

export interface SeedMember {
  id: string;
  name: string;
  email: string;
}
export interface SeedGroup {
  id: string;
  name: string;
  members?: string[];
}
export interface SeedFolder {
  id: string;
  name: string;
}
export interface SeedCloud {
  id: string;
  name: string;
  folders?: SeedFolder[];
}
export interface SeedOrganization {
  id: string;
  name: string;
  title?: string;
  members?: SeedMember[];
  groups?: SeedGroup[];
  clouds?: SeedCloud[];
}
export interface SeedDocument {
  organizations: SeedOrganization[];
}

/** What a seed wrote (entities inserted or updated in place, and default profiles it created). */
export interface SeedResult {
  organizations: number;
  members: number;
  groups: number;
  clouds: number;
  folders: number;
  defaultProfiles: number;
}

/** Ids in the emulator are lower-case letters and digits (as the real cloud's), at most 50. */
const ID_PATTERN = /^[a-z0-9]{1,50}$/;
const ID_RULE = "must be 1-50 lower-case Latin letters and digits";
const NAME_MAX = 256;

const DIRECTORY = "emulator.DirectoryService.";
const SEED_RESULT_TYPE = "oslogin.emulator.v1.SeedResult";

type Paged = { pageSize?: bigint | number; pageToken?: string };

export class DirectoryService {
  constructor(
    private readonly ctx: ModelContext,
    private readonly osLogin: OsLoginService,
  ) {}

  // ---------- reads (the API's Get/List) ----------

  getOrganization(caller: Caller, req: { organizationId: string }): Organization {
    const id = requireString(req.organizationId, "organization_id", ID_MAX);
    this.ctx.authorize(caller, "organization-manager.organizations.get", { kind: "organization", id });
    return this.requireDoc<Organization>("organizations", "Organization", id);
  }

  listOrganizations(caller: Caller, req: Paged = {}): Page<Organization> {
    return this.listVisible<Organization>(caller, "SELECT id, doc FROM organizations WHERE id > ? ORDER BY id", [], req, (o) =>
      this.ctx.can(caller, "organization-manager.organizations.get", { kind: "organization", id: o.id }),
    );
  }

  listMembers(caller: Caller, req: { organizationId: string } & Paged): Page<User> {
    const organizationId = this.readableOrganization(caller, req.organizationId);
    return this.listVisible<User>(caller, "SELECT id, doc FROM users WHERE organization_id = ? AND id > ? ORDER BY id", [organizationId], req);
  }

  getMember(caller: Caller, req: { organizationId: string; userId: string }): User {
    const organizationId = this.readableOrganization(caller, req.organizationId);
    const userId = requireString(req.userId, "user_id", ID_MAX);
    const user = this.findDoc<User>("users", userId);
    if (!user || user.organizationId !== organizationId) throw errors.notFound("Member", userId);
    return user;
  }

  listGroups(caller: Caller, req: { organizationId: string } & Paged): Page<Group> {
    const organizationId = this.readableOrganization(caller, req.organizationId);
    return this.listVisible<Group>(caller, "SELECT id, doc FROM groups WHERE organization_id = ? AND id > ? ORDER BY id", [organizationId], req);
  }

  /** A group's members (GroupService.ListMembers): user accounts, in the order the group lists them. */
  listGroupMembers(caller: Caller, req: { groupId: string } & Paged): Page<{ subjectId: string; subjectType: string }> {
    const group = this.getGroup(caller, req);
    const size = pageSizeOf(req.pageSize === undefined ? undefined : BigInt(req.pageSize));
    const offset = offsetAfter(req.pageToken);
    const rows = group.members.slice(offset, offset + size + 1).map((subjectId) => ({ subjectId, subjectType: "userAccount" }));
    return offsetPage(rows, size, offset);
  }

  getGroup(caller: Caller, req: { groupId: string }): Group {
    const id = requireString(req.groupId, "group_id", ID_MAX);
    const group = this.findDoc<Group>("groups", id);
    if (!group) throw errors.notFound("Group", id);
    this.ctx.authorize(caller, "organization-manager.users.list", { kind: "organization", id: group.organizationId });
    return group;
  }

  getCloud(caller: Caller, req: { cloudId: string }): Cloud {
    const id = requireString(req.cloudId, "cloud_id", ID_MAX);
    this.ctx.authorize(caller, "resource-manager.clouds.get", { kind: "cloud", id });
    return this.requireDoc<Cloud>("clouds", "Cloud", id);
  }

  listClouds(caller: Caller, req: { organizationId?: string } & Paged = {}): Page<Cloud> {
    const visible = (c: Cloud) => this.ctx.can(caller, "resource-manager.clouds.get", { kind: "cloud", id: c.id });
    if (req.organizationId) {
      const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
      return this.listVisible<Cloud>(caller, "SELECT id, doc FROM clouds WHERE organization_id = ? AND id > ? ORDER BY id", [organizationId], req, visible);
    }
    return this.listVisible<Cloud>(caller, "SELECT id, doc FROM clouds WHERE id > ? ORDER BY id", [], req, visible);
  }

  getFolder(caller: Caller, req: { folderId: string }): Folder {
    const id = requireString(req.folderId, "folder_id", ID_MAX);
    this.ctx.authorize(caller, "resource-manager.folders.get", { kind: "folder", id });
    return this.requireDoc<Folder>("folders", "Folder", id);
  }

  listFolders(caller: Caller, req: { cloudId: string } & Paged): Page<Folder> {
    const cloudId = requireString(req.cloudId, "cloud_id", ID_MAX);
    this.requireDoc<Cloud>("clouds", "Cloud", cloudId);
    return this.listVisible<Folder>(caller, "SELECT id, doc FROM folders WHERE cloud_id = ? AND id > ? ORDER BY id", [cloudId], req, (f) =>
      this.ctx.can(caller, "resource-manager.folders.get", { kind: "folder", id: f.id }),
    );
  }

  /** The organization a cloud belongs to (no authorization; for other services' rules). */
  organizationOfCloud(cloudId: string): string | undefined {
    return this.findDoc<Cloud>("clouds", cloudId)?.organizationId;
  }

  // ---------- emulator-only creates ----------

  createOrganization(caller: Caller, req: { id?: string; name: string; title?: string }, opts: { idempotencyKey?: string } = {}): Operation {
    return this.createOne(caller, "CreateOrganization", "Create organization", { ...opts, request: req }, () => {
      const id = req.id || this.ctx.newId(ID_PREFIX.organization);
      const org = checkOrganization({ id, name: req.name, title: req.title }, "");
      this.requireNew("organizations", "Organization", id);
      return this.upsertOrganization(org);
    });
  }

  createMember(caller: Caller, req: { organizationId: string; id?: string; name: string; email: string }, opts: { idempotencyKey?: string } = {}): Operation {
    return this.createOne(caller, "CreateMember", "Add organization member", { ...opts, request: req }, () => {
      const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
      this.requireDoc<Organization>("organizations", "Organization", organizationId);
      const member = checkMember({ id: req.id || this.ctx.newId(ID_PREFIX.user), name: req.name, email: req.email }, "");
      this.requireNew("users", "Member", member.id);
      const result = this.upsertMember(organizationId, member);
      result.alsoAudited = this.defaultProfilesFor(organizationId);
      return result;
    });
  }

  createGroup(caller: Caller, req: { organizationId: string; id?: string; name: string; members?: string[] }, opts: { idempotencyKey?: string } = {}): Operation {
    return this.createOne(caller, "CreateGroup", "Create group", { ...opts, request: req }, () => {
      const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
      this.requireDoc<Organization>("organizations", "Organization", organizationId);
      const group = checkGroup({ id: req.id || this.ctx.newId(ID_PREFIX.group), name: req.name, members: req.members }, "");
      this.requireNew("groups", "Group", group.id);
      return this.upsertGroup(organizationId, group, "");
    });
  }

  createCloud(caller: Caller, req: { organizationId: string; id?: string; name: string }, opts: { idempotencyKey?: string } = {}): Operation {
    return this.createOne(caller, "CreateCloud", "Create cloud", { ...opts, request: req }, () => {
      const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
      this.requireDoc<Organization>("organizations", "Organization", organizationId);
      const cloud = checkCloud({ id: req.id || this.ctx.newId(ID_PREFIX.cloud), name: req.name }, "");
      this.requireNew("clouds", "Cloud", cloud.id);
      return this.upsertCloud(organizationId, cloud, "");
    });
  }

  createFolder(caller: Caller, req: { cloudId: string; id?: string; name: string }, opts: { idempotencyKey?: string } = {}): Operation {
    return this.createOne(caller, "CreateFolder", "Create folder", { ...opts, request: req }, () => {
      const cloudId = requireString(req.cloudId, "cloud_id", ID_MAX);
      this.requireDoc<Cloud>("clouds", "Cloud", cloudId);
      const folder = checkFolder({ id: req.id || this.ctx.newId(ID_PREFIX.folder), name: req.name }, "");
      this.requireNew("folders", "Folder", folder.id);
      return this.upsertFolder(cloudId, folder, "");
    });
  }

  // ---------- seeding ----------

  seedFromYaml(text: string, caller: Caller = ADMIN, opts: { idempotencyKey?: string } = {}): SeedResult {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      // The parser's message names line and column; it never contains more than the seed itself.
      throw errors.invalidArgument("seed", `is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    return this.seed(doc, caller, opts);
  }

  /**
   * Upserts every organization of the document with its members, groups, clouds and folders, in one
   * transaction. Members added to an organization whose OS Login is on get their default profile.
   */
  seed(document: unknown, caller: Caller = ADMIN, opts: { idempotencyKey?: string } = {}): SeedResult {
    requireAdmin(caller);
    const doc = checkSeed(document);
    const op = this.ctx.mutate({ caller, action: `${DIRECTORY}Seed`, description: "Seed the directory", idempotencyKey: opts.idempotencyKey, request: document }, () => {
      const audited: NonNullable<MutationResult["alsoAudited"]> = [];
      const result: SeedResult = { organizations: 0, members: 0, groups: 0, clouds: 0, folders: 0, defaultProfiles: 0 };
      doc.organizations.forEach((o, i) => {
        const at = `organizations[${i}]`;
        audited.push(this.upsertOrganization({ id: o.id, name: o.name, title: o.title }));
        result.organizations++;
        (o.members ?? []).forEach((m, j) => {
          audited.push(this.upsertMember(o.id, m, `${at}.members[${j}]`));
          result.members++;
        });
        (o.groups ?? []).forEach((g, j) => {
          audited.push(this.upsertGroup(o.id, g, `${at}.groups[${j}]`));
          result.groups++;
        });
        (o.clouds ?? []).forEach((c, j) => {
          audited.push(this.upsertCloud(o.id, c, `${at}.clouds[${j}]`));
          result.clouds++;
          (c.folders ?? []).forEach((f, k) => {
            audited.push(this.upsertFolder(c.id, f, `${at}.clouds[${j}].folders[${k}]`));
            result.folders++;
          });
        });
        const profiles = this.defaultProfilesFor(o.id);
        result.defaultProfiles += profiles.length;
        audited.push(...profiles);
      });
      const [first, ...rest] = audited;
      return {
        ...(first ?? { resourceType: "directory", resourceId: "", before: undefined, after: undefined }),
        alsoAudited: rest,
        response: { typeName: SEED_RESULT_TYPE, value: result },
      };
    });
    return op.response!.value as SeedResult;
  }

  // ---------- internals ----------

  /** Runs one emulator-only create as a mutation whose response is the created entity. */
  private createOne(
    caller: Caller,
    action: string,
    description: string,
    opts: { idempotencyKey?: string; request: unknown },
    apply: () => MutationResult,
  ): Operation {
    requireAdmin(caller);
    return this.ctx.mutate({ caller, action: `${DIRECTORY}${action}`, description, idempotencyKey: opts.idempotencyKey, request: opts.request }, () => {
      const r = apply();
      return { ...r, response: { typeName: `oslogin.emulator.v1.${r.resourceType[0]!.toUpperCase()}${r.resourceType.slice(1)}`, value: r.after } };
    });
  }

  private defaultProfilesFor(organizationId: string): NonNullable<MutationResult["alsoAudited"]> {
    if (!isOn(this.osLogin, organizationId)) return [];
    return this.osLogin
      .provisionDefaultProfiles(organizationId)
      .map((p) => ({ resourceType: "osLoginProfile", resourceId: p.id, before: undefined, after: p }));
  }

  private upsertOrganization(o: { id: string; name: string; title?: string }): MutationResult {
    const before = this.findDoc<Organization>("organizations", o.id);
    const after: Organization = { id: o.id, name: o.name, title: o.title ?? o.name, createdAt: before?.createdAt ?? this.ctx.timestamp() };
    this.ctx
      .sql("INSERT INTO organizations (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")
      .run(after.id, encodeJson(after));
    return { resourceType: "organization", resourceId: o.id, before, after };
  }

  private upsertMember(organizationId: string, m: SeedMember, at = ""): MutationResult {
    const before = this.findDoc<User>("users", m.id);
    if (before && before.organizationId !== organizationId) {
      throw conflict(`${at}.id`.replace(/^\./, ""), `member ${m.id} already belongs to organization ${before.organizationId}`);
    }
    const after: User = { id: m.id, organizationId, name: m.name, email: m.email };
    this.ctx
      .sql("INSERT INTO users (id, organization_id, email, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET email = excluded.email, doc = excluded.doc")
      .run(after.id, organizationId, after.email, encodeJson(after));
    return { resourceType: "user", resourceId: m.id, before, after };
  }

  private upsertGroup(organizationId: string, g: SeedGroup, at: string): MutationResult {
    const before = this.findDoc<Group>("groups", g.id);
    if (before && before.organizationId !== organizationId) {
      throw conflict(`${at}.id`.replace(/^\./, ""), `group ${g.id} already belongs to organization ${before.organizationId}`);
    }
    const sameName = this.ctx.sql("SELECT id FROM groups WHERE organization_id = ? AND name = ?", { pluck: true }).get(organizationId, g.name) as
      | string
      | undefined;
    if (sameName && sameName !== g.id) {
      throw new CloudError("ALREADY_EXISTS", `Group with name ${JSON.stringify(g.name)} already exists in organization ${organizationId} (id ${sameName})`, `${at}.name`.replace(/^\./, ""));
    }
    const members = [...new Set(g.members ?? [])];
    members.forEach((userId, k) => {
      const user = this.findDoc<User>("users", userId);
      if (!user || user.organizationId !== organizationId) {
        throw errors.invalidArgument(`${at}.members[${k}]`.replace(/^\./, ""), `${userId} is not a member of organization ${organizationId}`);
      }
    });
    const after: Group = { id: g.id, organizationId, name: g.name, members };
    this.ctx
      .sql("INSERT INTO groups (id, organization_id, name, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, doc = excluded.doc")
      .run(after.id, organizationId, after.name, encodeJson(after));
    return { resourceType: "group", resourceId: g.id, before, after };
  }

  private upsertCloud(organizationId: string, c: { id: string; name: string }, at: string): MutationResult {
    const before = this.findDoc<Cloud>("clouds", c.id);
    if (before && before.organizationId !== organizationId) {
      throw conflict(`${at}.id`.replace(/^\./, ""), `cloud ${c.id} already belongs to organization ${before.organizationId}`);
    }
    const after: Cloud = { id: c.id, organizationId, name: c.name, createdAt: before?.createdAt ?? this.ctx.timestamp() };
    this.ctx
      .sql("INSERT INTO clouds (id, organization_id, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")
      .run(after.id, organizationId, encodeJson(after));
    return { resourceType: "cloud", resourceId: c.id, before, after };
  }

  private upsertFolder(cloudId: string, f: SeedFolder, at: string): MutationResult {
    const before = this.findDoc<Folder>("folders", f.id);
    if (before && before.cloudId !== cloudId) {
      throw conflict(`${at}.id`.replace(/^\./, ""), `folder ${f.id} already belongs to cloud ${before.cloudId}`);
    }
    const after: Folder = { id: f.id, cloudId, name: f.name, createdAt: before?.createdAt ?? this.ctx.timestamp() };
    this.ctx
      .sql("INSERT INTO folders (id, cloud_id, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")
      .run(after.id, cloudId, encodeJson(after));
    return { resourceType: "folder", resourceId: f.id, before, after };
  }

  private readableOrganization(caller: Caller, organizationIdIn: string): string {
    const organizationId = requireString(organizationIdIn, "organization_id", ID_MAX);
    this.ctx.authorize(caller, "organization-manager.users.list", { kind: "organization", id: organizationId });
    this.requireDoc<Organization>("organizations", "Organization", organizationId);
    return organizationId;
  }

  private findDoc<T>(table: "organizations" | "users" | "groups" | "clouds" | "folders", id: string): T | undefined {
    const row = this.ctx.sql(`SELECT doc FROM ${table} WHERE id = ?`, { pluck: true }).get(id) as string | undefined;
    return row === undefined ? undefined : decodeJson<T>(row);
  }

  private requireDoc<T>(table: "organizations" | "users" | "groups" | "clouds" | "folders", what: string, id: string): T {
    const doc = this.findDoc<T>(table, id);
    if (!doc) throw errors.notFound(what, id);
    return doc;
  }

  private requireNew(table: "organizations" | "users" | "groups" | "clouds" | "folders", what: string, id: string): void {
    if (this.findDoc(table, id)) throw new CloudError("ALREADY_EXISTS", `${what} ${JSON.stringify(id)} already exists`, "id");
  }

  /**
   * One page of a keyset-ordered list; `visible` drops rows the caller may not see (the admin sees
   * all).
   */
  private listVisible<T extends { id: string }>(
    caller: Caller,
    sql: string,
    params: unknown[],
    req: Paged,
    visible?: (t: T) => boolean,
  ): Page<T> {
    const size = pageSizeOf(req.pageSize === undefined ? undefined : BigInt(req.pageSize));
    const after = idAfter(req.pageToken);
    const kept: T[] = [];
    // Rows are read lazily and the scan stops one past the page: a page costs its own rows, not the
    // whole rest of the list.
    for (const r of this.ctx.sql(sql).iterate(...params, after) as IterableIterator<{ id: string; doc: string }>) {
      const row = decodeJson<T>(r.doc);
      if (caller.kind === "admin" || !visible || visible(row)) kept.push(row);
      if (kept.length > size) break;
    }
    return keysetPage(kept, size, (t) => t.id);
  }
}

function isOn(osLogin: OsLoginService, organizationId: string): boolean {
  const s = osLogin.settingsOf(organizationId);
  return s.userSshKeySettings.enabled || s.sshCertificateSettings.enabled;
}

function requireAdmin(caller: Caller): void {
  if (caller.kind !== "admin") {
    throw errors.permissionDenied("changing the directory (organizations, members, groups, clouds, folders) is emulator-only and needs the emulator admin token");
  }
}

function conflict(field: string, detail: string): CloudError {
  return new CloudError("FAILED_PRECONDITION", `Illegal argument ${field}: ${detail}`, field);
}

// ---------- seed document checks (strict: unknown keys and wrong types name their path) ----------

type Json = Record<string, unknown>;

function object(v: unknown, at: string, keys: readonly string[]): Json {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw errors.invalidArgument(at || "seed", "must be an object");
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw errors.invalidArgument(at ? `${at}.${k}` : k, `is not a known field; expected one of ${keys.join(", ")}`);
  }
  return v as Json;
}

function list(v: unknown, at: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw errors.invalidArgument(at, "must be a list");
  return v;
}

function str(v: unknown, at: string, opts: { required?: boolean; max?: number; pattern?: RegExp; rule?: string } = {}): string | undefined {
  if (v === undefined || v === null || v === "") {
    if (opts.required) throw errors.required(at);
    return undefined;
  }
  if (typeof v !== "string") throw errors.invalidArgument(at, "must be a string");
  if (opts.max !== undefined && v.length > opts.max) throw errors.invalidArgument(at, `must be at most ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw errors.invalidArgument(at, opts.rule ?? `must match ${opts.pattern.source}`);
  return v;
}

const join = (at: string, k: string) => (at ? `${at}.${k}` : k);
const id = (v: unknown, at: string) => str(v, at, { required: true, pattern: ID_PATTERN, rule: ID_RULE })!;
const name = (v: unknown, at: string) => str(v, at, { required: true, max: NAME_MAX })!;

function checkOrganization(v: unknown, at: string): { id: string; name: string; title?: string } {
  const o = object(v, at, ["id", "name", "title"]);
  return { id: id(o.id, join(at, "id")), name: name(o.name, join(at, "name")), title: str(o.title, join(at, "title"), { max: NAME_MAX }) };
}

function checkMember(v: unknown, at: string): SeedMember {
  const o = object(v, at, ["id", "name", "email"]);
  return {
    id: id(o.id, join(at, "id")),
    name: name(o.name, join(at, "name")),
    email: str(o.email, join(at, "email"), { required: true, max: NAME_MAX, pattern: /^[^@\s]+@[^@\s]+$/, rule: "must be an e-mail address" })!,
  };
}

function checkGroup(v: unknown, at: string): SeedGroup {
  const o = object(v, at, ["id", "name", "members"]);
  return {
    id: id(o.id, join(at, "id")),
    name: name(o.name, join(at, "name")),
    members: list(o.members, join(at, "members")).map((m, i) => id(m, `${join(at, "members")}[${i}]`)),
  };
}

function checkFolder(v: unknown, at: string): SeedFolder {
  const o = object(v, at, ["id", "name"]);
  return { id: id(o.id, join(at, "id")), name: name(o.name, join(at, "name")) };
}

function checkCloud(v: unknown, at: string): SeedCloud {
  const o = object(v, at, ["id", "name", "folders"]);
  return {
    id: id(o.id, join(at, "id")),
    name: name(o.name, join(at, "name")),
    folders: list(o.folders, join(at, "folders")).map((f, i) => checkFolder(f, `${join(at, "folders")}[${i}]`)),
  };
}

/** Checks the whole document before anything is written, including ids repeated within it. */
export function checkSeed(v: unknown): SeedDocument {
  const root = object(v, "", ["organizations"]);
  const seen = new Map<string, string>();
  const unique = (entityId: string, at: string) => {
    const first = seen.get(entityId);
    if (first) throw errors.invalidArgument(at, `id ${entityId} is used twice in the seed (first at ${first})`);
    seen.set(entityId, at);
  };
  const organizations = list(root.organizations, "organizations").map((ov, i) => {
    const at = `organizations[${i}]`;
    const o = object(ov, at, ["id", "name", "title", "members", "groups", "clouds"]);
    const org: SeedOrganization = {
      ...checkOrganization({ id: o.id, name: o.name, title: o.title }, at),
      members: list(o.members, `${at}.members`).map((m, j) => checkMember(m, `${at}.members[${j}]`)),
      groups: list(o.groups, `${at}.groups`).map((g, j) => checkGroup(g, `${at}.groups[${j}]`)),
      clouds: list(o.clouds, `${at}.clouds`).map((c, j) => checkCloud(c, `${at}.clouds[${j}]`)),
    };
    unique(org.id, `${at}.id`);
    org.members!.forEach((m, j) => unique(m.id, `${at}.members[${j}].id`));
    org.groups!.forEach((g, j) => unique(g.id, `${at}.groups[${j}].id`));
    org.clouds!.forEach((c, j) => {
      unique(c.id, `${at}.clouds[${j}].id`);
      c.folders!.forEach((f, k) => unique(f.id, `${at}.clouds[${j}].folders[${k}].id`));
    });
    return org;
  });
  if (organizations.length === 0) throw errors.invalidArgument("organizations", "must list at least one organization");
  return { organizations };
}

// OsLoginService (organizationmanager.v1): organization settings and OS Login profiles, plus the
// emulator's rules the real API leaves to documentation: how default profiles are created when OS
// Login is turned on (login derivation, collisions, uid allocation) and what happens to the default
// when it is deleted. The rules are described for users in docs/emulator.md.
import { CloudError, errors } from "../../contract/errors.js";
import { decodeJson, encodeJson } from "../store/json.js";
import type { ModelContext, MutationResult } from "./context.js";
import { ID_PREFIX } from "./ids.js";
import { rowidAfter, signedPage } from "./page-token.js";
import { pageSizeOf } from "./paging.js";
import {
  LOGIN_PATTERN,
  LOGIN_RULE,
  PROFILE_PATH_MAX,
  PROFILES_PER_ORGANIZATION,
  UID_AUTO_START,
  UID_MAX,
  UID_MIN,
  UID_RULE,
  ID_MAX,
} from "../../contract/rules.js";
import { requireOrganization, requireSubjectIn } from "./subjects.js";
import type {
  Caller,
  CreateOsLoginProfileRequest,
  ListOsLoginProfilesRequest,
  Operation,
  OsLoginProfile,
  OsLoginSettings,
  Page,
  UpdateOsLoginProfileRequest,
  UpdateOsLoginSettingsRequest,
  User,
} from "./types.js";
import { checkMaxLength, maskedFields, parseEqualsFilter, requireString } from "./validate.js";

const API = "yandex.cloud.organizationmanager.v1.";
const SERVICE = "organizationmanager.OsLoginService.";
export const PROFILE_TYPE = `${API}OsLoginProfile`;
const SETTINGS_TYPE = `${API}OsLoginSettings`;

const PERMISSION_GET = "organization-manager.osLogins.get";
const PERMISSION_MANAGE = "organization-manager.osLogins.manage";

export const DEFAULT_SHELL = "/bin/bash";
export const homeOf = (login: string) => `/home/${login}`;

const OFF: OsLoginSettings = {
  userSshKeySettings: { enabled: false, allowManageOwnKeys: false },
  sshCertificateSettings: { enabled: false },
};

/** Either mode on = OS Login is on for the organization. */
export const osLoginOn = (s: OsLoginSettings) => s.userSshKeySettings.enabled || s.sshCertificateSettings.enabled;

// ---------- login derivation (documented in docs/emulator.md) ----------

/**
 * The documented derivation of a default login from a member's name: keep only Latin letters,
 * digits, '-' and '_'; drop leading hyphens; lower-case; at most 32 characters. May be empty.
 */
export function loginBaseFromName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "").replace(/^-+/, "").toLowerCase().slice(0, 32);
}

/**
 * The login a member gets: the derived base, or "user-<last 8 characters of the member id>" when
 * the name has no usable character; on a collision with a login already taken in the organization,
 * the first free of base-2, base-3, ... (the base trimmed so the whole login stays within 32).
 */
export function defaultLoginFor(name: string, userId: string, taken: (login: string) => boolean): string {
  const base = loginBaseFromName(name) || `user-${userId.slice(-8).toLowerCase().replace(/[^a-z0-9_-]/g, "_")}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, 32 - suffix.length) + suffix;
    if (!taken(candidate)) return candidate;
  }
}

function validateLogin(login: string | undefined): string {
  if (login === undefined || login === "") throw errors.required("login");
  if (!LOGIN_PATTERN.test(login)) throw errors.invalidArgument("login", LOGIN_RULE);
  return login;
}

function validateUid(uid: bigint | undefined): void {
  if (uid === undefined) return;
  if (typeof uid !== "bigint") throw errors.invalidArgument("uid", "must be an int64");
  if (uid < UID_MIN || uid > UID_MAX) throw errors.invalidArgument("uid", UID_RULE);
}

/** `field="value"` with one of the fields ListProfiles may filter on. */
const FILTER_FIELDS = ["subject_id", "uid", "login"] as const;

interface ProfileRow {
  r: number;
  doc: string;
}

export class OsLoginService {
  constructor(private readonly ctx: ModelContext) {}

  // ---------- settings ----------

  getSettings(caller: Caller, req: { organizationId: string }): OsLoginSettings {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    this.ctx.authorize(caller, PERMISSION_GET, { kind: "organization", id: organizationId });
    requireOrganization(this.ctx, organizationId);
    return this.settingsOf(organizationId);
  }

  /** The stored settings (all off when never set). No authorization: for other services' rules. */
  settingsOf(organizationId: string): OsLoginSettings {
    const row = this.ctx.sql("SELECT doc FROM os_login_settings WHERE organization_id = ?").get(organizationId) as
      | { doc: string }
      | undefined;
    return row ? decodeJson<OsLoginSettings>(row.doc) : structuredClone(OFF);
  }

  updateSettings(caller: Caller, req: UpdateOsLoginSettingsRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    const fields = settingsFields(req);
    this.ctx.authorize(caller, PERMISSION_MANAGE, { kind: "organization", id: organizationId });
    return this.ctx.mutate(
      { caller, action: `${SERVICE}UpdateSettings`, description: "Update OS Login settings", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        requireOrganization(this.ctx, organizationId);
        const before = this.settingsOf(organizationId);
        const after = applySettings(before, req, fields);
        this.ctx
          .sql("INSERT INTO os_login_settings (organization_id, doc) VALUES (?, ?) ON CONFLICT(organization_id) DO UPDATE SET doc = excluded.doc")
          .run(organizationId, encodeJson(after));
        const created = osLoginOn(after) ? this.provisionDefaultProfiles(organizationId) : [];
        return {
          resourceType: "osLoginSettings",
          resourceId: organizationId,
          before,
          after,
          metadata: { typeName: `${API}UpdateOsLoginSettingsMetadata`, value: { organizationId } },
          response: { typeName: SETTINGS_TYPE, value: after },
          alsoAudited: created.map((p) => ({ resourceType: "osLoginProfile", resourceId: p.id, before: undefined, after: p })),
        };
      },
    );
  }

  /**
   * Gives every member of the organization who has no OS Login profile a default one (service
   * accounts never get one). Runs inside the caller's mutation; all-or-nothing with it.
   */
  provisionDefaultProfiles(organizationId: string): OsLoginProfile[] {
    const members = this.ctx
      .sql(
        `SELECT u.id, u.doc FROM users u WHERE u.organization_id = ?
           AND NOT EXISTS (SELECT 1 FROM os_login_profiles p WHERE p.organization_id = u.organization_id AND p.subject_id = u.id)
         ORDER BY u.id`,
      )
      .all(organizationId) as { id: string; doc: string }[];
    if (members.length === 0) return [];
    const existing = this.countProfiles(organizationId);
    if (existing + members.length > PROFILES_PER_ORGANIZATION) {
      throw errors.quotaExceeded("organization-manager.osLoginProfiles.count (default profiles for every member)", PROFILES_PER_ORGANIZATION);
    }
    const taken = new Set(
      (this.ctx.sql("SELECT login FROM os_login_profiles WHERE organization_id = ?", { pluck: true }).all(organizationId) as string[]),
    );
    const created: OsLoginProfile[] = [];
    for (const member of members) {
      const login = defaultLoginFor(decodeJson<User>(member.doc).name, member.id, (l) => taken.has(l));
      taken.add(login);
      const profile: OsLoginProfile = {
        id: this.ctx.newId(ID_PREFIX.profile),
        organizationId,
        subjectId: member.id,
        login,
        uid: this.nextUid(organizationId),
        isDefault: true,
        homeDirectory: homeOf(login),
        shell: DEFAULT_SHELL,
      };
      this.insertProfile(profile);
      created.push(profile);
    }
    return created;
  }

  // ---------- profiles ----------

  createProfile(caller: Caller, req: CreateOsLoginProfileRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    let subjectId = req.subjectId || undefined;
    checkMaxLength(subjectId, "subject_id", ID_MAX);
    const login = validateLogin(req.login);
    validateUid(req.uid);
    checkMaxLength(req.homeDirectory, "home_directory", PROFILE_PATH_MAX);
    checkMaxLength(req.shell, "shell", PROFILE_PATH_MAX);
    if (!subjectId) {
      // The API's subject_id is optional: empty means the caller itself.
      if (caller.kind !== "subject") throw errors.invalidArgument("subject_id", "is required when the caller is the emulator admin (empty means the caller)");
      subjectId = caller.subject.id;
    }
    this.ctx.authorize(caller, PERMISSION_MANAGE, { kind: "organization", id: organizationId });
    const subject = subjectId;
    return this.ctx.mutate(
      { caller, action: `${SERVICE}CreateProfile`, description: "Create OS Login profile", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        requireOrganization(this.ctx, organizationId);
        requireSubjectIn(this.ctx, organizationId, subject);
        this.requireLoginFree(organizationId, login);
        if (req.uid !== undefined) this.requireUidFree(organizationId, req.uid);
        if (this.countProfiles(organizationId) >= PROFILES_PER_ORGANIZATION) {
          throw errors.quotaExceeded("organization-manager.osLoginProfiles.count", PROFILES_PER_ORGANIZATION);
        }
        const profile: OsLoginProfile = {
          id: this.ctx.newId(ID_PREFIX.profile),
          organizationId,
          subjectId: subject,
          login,
          uid: req.uid ?? this.nextUid(organizationId),
          // A subject's first profile is its default; later ones become default only through SetDefaultProfile.
          isDefault: !this.hasDefault(organizationId, subject),
          homeDirectory: req.homeDirectory || homeOf(login),
          shell: req.shell || DEFAULT_SHELL,
        };
        this.insertProfile(profile);
        return {
          resourceType: "osLoginProfile",
          resourceId: profile.id,
          before: undefined,
          after: profile,
          metadata: {
            typeName: `${API}CreateOsLoginProfileMetadata`,
            value: { osLoginProfileId: profile.id, organizationId, subjectId: subject },
          },
          response: { typeName: PROFILE_TYPE, value: profile },
        };
      },
    );
  }

  getProfile(caller: Caller, req: { osLoginProfileId: string }): OsLoginProfile {
    const id = requireString(req.osLoginProfileId, "os_login_profile_id", ID_MAX);
    const profile = this.findProfile(id);
    // A subject may always read its own profiles (the guest agent and `oslogin` as a member need it).
    if (!profile || !this.isSelf(caller, profile.subjectId)) {
      if (profile) this.ctx.authorize(caller, PERMISSION_GET, { kind: "organization", id: profile.organizationId });
      if (!profile) throw errors.notFound("OS Login profile", id);
    }
    return profile;
  }

  listProfiles(caller: Caller, req: ListOsLoginProfilesRequest): Page<OsLoginProfile> {
    const organizationId = requireString(req.organizationId, "organization_id", ID_MAX);
    const limit = pageSizeOf(req.pageSize);
    checkMaxLength(req.filter, "filter", 1000);
    const filter = parseEqualsFilter(req.filter, FILTER_FIELDS);
    let value: string | bigint | undefined = filter?.value;
    if (filter?.field === "uid") {
      // 19 digits reach past 2^63-1, which SQLite cannot bind: check the value, not only its length.
      const rule = `uid must be a decimal integer from 0 to ${UID_MAX} in double quotes, e.g. uid="10000"`;
      if (!/^\d{1,19}$/.test(filter.value)) throw errors.invalidArgument("filter", rule);
      value = BigInt(filter.value);
      if (value > UID_MAX) throw errors.invalidArgument("filter", rule);
    }
    // The column name comes from FILTER_FIELDS, never from the request text.
    const where = filter ? ` AND ${filter.field} = ?` : "";
    const filterField = filter?.field;
    const ownOnly = filterField === "subject_id" && this.isSelf(caller, value as string);
    if (!ownOnly) this.ctx.authorize(caller, PERMISSION_GET, { kind: "organization", id: organizationId });
    requireOrganization(this.ctx, organizationId);
    const scope = `profiles|${organizationId}|${req.filter ?? ""}`;
    const after = rowidAfter(scope, req.pageToken);
    const params: unknown[] = [organizationId];
    if (value !== undefined) params.push(value);
    params.push(after, limit + 1);
    const rows = this.ctx
      .sql(`SELECT rowid AS r, doc FROM os_login_profiles WHERE organization_id = ?${where} AND rowid > ? ORDER BY rowid LIMIT ?`)
      .all(...params) as ProfileRow[];
    return signedPage(rows, limit, scope, (r) => r.r, (r) => decodeJson<OsLoginProfile>(r.doc));
  }

  updateProfile(caller: Caller, req: UpdateOsLoginProfileRequest, opts: { idempotencyKey?: string } = {}): Operation {
    const id = requireString(req.osLoginProfileId, "os_login_profile_id", ID_MAX);
    // login is (required) in the proto even when the mask leaves it out.
    const login = validateLogin(req.login);
    const fields = maskedFields(
      req.updateMask,
      { login: true, uid: true, home_directory: true, shell: true },
      (f) => ({ login: req.login, uid: req.uid, home_directory: req.homeDirectory, shell: req.shell })[f] !== undefined,
    );
    const set = (path: "login" | "uid" | "home_directory" | "shell") => fields.has(path);
    if (set("uid")) {
      if (req.uid === undefined) throw errors.invalidArgument("uid", UID_RULE);
      validateUid(req.uid);
    }
    checkMaxLength(req.homeDirectory, "home_directory", PROFILE_PATH_MAX);
    checkMaxLength(req.shell, "shell", PROFILE_PATH_MAX);
    this.authorizeOnProfile(caller, id);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}UpdateProfile`, description: "Update OS Login profile", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.requireProfile(id);
        const after: OsLoginProfile = { ...before };
        if (set("login") && login !== before.login) {
          this.requireLoginFree(before.organizationId, login);
          after.login = login;
        }
        if (set("uid") && req.uid !== before.uid) {
          this.requireUidFree(before.organizationId, req.uid!);
          after.uid = req.uid!;
        }
        // Cleared through the mask = back to the default, as on create.
        if (set("home_directory")) after.homeDirectory = req.homeDirectory || homeOf(after.login);
        if (set("shell")) after.shell = req.shell || DEFAULT_SHELL;
        this.writeProfile(after);
        return {
          resourceType: "osLoginProfile",
          resourceId: id,
          before,
          after,
          metadata: { typeName: `${API}UpdateOsLoginProfileMetadata`, value: { osLoginProfileId: id } },
          response: { typeName: PROFILE_TYPE, value: after },
        };
      },
    );
  }

  setDefaultProfile(caller: Caller, req: { osLoginProfileId: string }, opts: { idempotencyKey?: string } = {}): Operation {
    const id = requireString(req.osLoginProfileId, "os_login_profile_id", ID_MAX);
    this.authorizeOnProfile(caller, id);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}SetDefaultProfile`, description: "Set default OS Login profile", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.requireProfile(id);
        const previous = this.defaultOf(before.organizationId, before.subjectId);
        let after = before;
        // Both rows change in this one transaction: no reader ever sees zero or two defaults.
        if (previous && previous.id !== id) this.writeProfile({ ...previous, isDefault: false });
        if (!before.isDefault) {
          after = { ...before, isDefault: true };
          this.writeProfile(after);
        }
        return {
          resourceType: "osLoginProfile",
          resourceId: id,
          before,
          after,
          metadata: {
            typeName: `${API}SetDefaultOsLoginProfileMetadata`,
            value: { previousDefaultProfileId: previous?.id ?? "", currentDefaultProfileId: id },
          },
          response: { typeName: PROFILE_TYPE, value: after },
          alsoAudited:
            previous && previous.id !== id
              ? [{ resourceType: "osLoginProfile", resourceId: previous.id, before: previous, after: { ...previous, isDefault: false } }]
              : [],
        };
      },
    );
  }

  /**
   * Deleting a subject's default profile is allowed: the subject's oldest remaining profile (in
   * creation order) becomes the default, so a subject with profiles always has exactly one default.
   */
  deleteProfile(caller: Caller, req: { id: string }, opts: { idempotencyKey?: string } = {}): Operation {
    const id = requireString(req.id, "id", ID_MAX);
    this.authorizeOnProfile(caller, id);
    return this.ctx.mutate(
      { caller, action: `${SERVICE}DeleteProfile`, description: "Delete OS Login profile", idempotencyKey: opts.idempotencyKey, request: req },
      () => {
        const before = this.requireProfile(id);
        this.ctx.sql("DELETE FROM os_login_profiles WHERE id = ?").run(id);
        const promoted: MutationResult["alsoAudited"] = [];
        if (before.isDefault) {
          const next = this.ctx
            .sql("SELECT doc FROM os_login_profiles WHERE organization_id = ? AND subject_id = ? ORDER BY rowid LIMIT 1")
            .get(before.organizationId, before.subjectId) as { doc: string } | undefined;
          if (next) {
            const old = decodeJson<OsLoginProfile>(next.doc);
            const now = { ...old, isDefault: true };
            this.writeProfile(now);
            promoted.push({ resourceType: "osLoginProfile", resourceId: old.id, before: old, after: now });
          }
        }
        return {
          resourceType: "osLoginProfile",
          resourceId: id,
          before,
          after: undefined,
          metadata: { typeName: `${API}DeleteOsLoginProfileMetadata`, value: { osLoginProfileId: id } },
          alsoAudited: promoted,
        };
      },
    );
  }

  // ---------- lookups for other services (no authorization) ----------

  findProfile(id: string): OsLoginProfile | undefined {
    const row = this.ctx.sql("SELECT doc FROM os_login_profiles WHERE id = ?").get(id) as { doc: string } | undefined;
    return row ? decodeJson<OsLoginProfile>(row.doc) : undefined;
  }

  findProfileByLogin(organizationId: string, login: string): OsLoginProfile | undefined {
    const row = this.ctx.sql("SELECT doc FROM os_login_profiles WHERE organization_id = ? AND login = ?").get(organizationId, login) as
      | { doc: string }
      | undefined;
    return row ? decodeJson<OsLoginProfile>(row.doc) : undefined;
  }

  /** The subject's default profile in the organization, if it has any profile. */
  defaultOf(organizationId: string, subjectId: string): OsLoginProfile | undefined {
    const row = this.ctx
      .sql("SELECT doc FROM os_login_profiles WHERE organization_id = ? AND subject_id = ? AND is_default = 1")
      .get(organizationId, subjectId) as { doc: string } | undefined;
    return row ? decodeJson<OsLoginProfile>(row.doc) : undefined;
  }

  // ---------- internals ----------

  private hasDefault(organizationId: string, subjectId: string): boolean {
    return !!this.ctx.sql("SELECT 1 FROM os_login_profiles WHERE organization_id = ? AND subject_id = ? AND is_default = 1").get(organizationId, subjectId);
  }

  private isSelf(caller: Caller, subjectId: string | undefined): boolean {
    return caller.kind === "subject" && caller.subject.id === subjectId;
  }

  /**
   * Authorizes a change of an existing profile against its organization. A profile that is gone is
   * left to the mutation, which answers NOT_FOUND after honouring the idempotency key: so a retried
   * delete with the same key gets its first operation back, not NOT_FOUND.
   */
  private authorizeOnProfile(caller: Caller, id: string): void {
    const current = this.findProfile(id);
    if (current) this.ctx.authorize(caller, PERMISSION_MANAGE, { kind: "organization", id: current.organizationId });
  }

  private requireProfile(id: string): OsLoginProfile {
    const p = this.findProfile(id);
    if (!p) throw errors.notFound("OS Login profile", id);
    return p;
  }

  private countProfiles(organizationId: string): number {
    return (this.ctx.sql("SELECT count FROM os_login_profile_counts WHERE organization_id = ?", { pluck: true }).get(organizationId) as number | undefined) ?? 0;
  }

  private requireLoginFree(organizationId: string, login: string): void {
    if (this.ctx.sql("SELECT 1 FROM os_login_profiles WHERE organization_id = ? AND login = ?").get(organizationId, login)) {
      throw new CloudError("ALREADY_EXISTS", `OS Login profile with login ${JSON.stringify(login)} already exists in organization ${JSON.stringify(organizationId)}: login must be unique in the organization`, "login");
    }
  }

  private requireUidFree(organizationId: string, uid: bigint): void {
    if (this.ctx.sql("SELECT 1 FROM os_login_profiles WHERE organization_id = ? AND uid = ?").get(organizationId, uid)) {
      throw new CloudError("ALREADY_EXISTS", `OS Login profile with uid ${uid} already exists in organization ${JSON.stringify(organizationId)}: uid must be unique in the organization`, "uid");
    }
  }

  /**
   * The next auto uid: one above the organization's highest uid, at least UID_AUTO_START. MAX over
   * the (organization_id, uid) unique index is one index seek, not a scan. Only when the highest
   * uid is UID_MAX (someone set it by hand) do we search for the lowest gap above UID_AUTO_START.
   */
  private nextUid(organizationId: string): bigint {
    const max = this.ctx
      .sql("SELECT MAX(uid) FROM os_login_profiles WHERE organization_id = ?", { pluck: true, safeIntegers: true })
      .get(organizationId) as bigint | null;
    if (max === null || max < UID_AUTO_START) return UID_AUTO_START;
    if (max < UID_MAX) return max + 1n;
    if (!this.ctx.sql("SELECT 1 FROM os_login_profiles WHERE organization_id = ? AND uid = ?").get(organizationId, UID_AUTO_START)) {
      return UID_AUTO_START;
    }
    const gap = this.ctx
      .sql(
        `SELECT p.uid + 1 FROM os_login_profiles p
          WHERE p.organization_id = ? AND p.uid >= ? AND p.uid < ?
            AND NOT EXISTS (SELECT 1 FROM os_login_profiles q WHERE q.organization_id = p.organization_id AND q.uid = p.uid + 1)
          ORDER BY p.uid LIMIT 1`,
        { pluck: true, safeIntegers: true },
      )
      .get(organizationId, UID_AUTO_START, UID_MAX) as bigint | undefined;
    if (gap === undefined) throw errors.quotaExceeded("organization-manager.osLoginProfiles.uids", PROFILES_PER_ORGANIZATION);
    return gap;
  }

  private insertProfile(p: OsLoginProfile): void {
    this.ctx
      .sql("INSERT INTO os_login_profiles (id, organization_id, subject_id, login, uid, is_default, doc) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(p.id, p.organizationId, p.subjectId, p.login, p.uid, p.isDefault ? 1 : 0, encodeJson(p));
  }

  private writeProfile(p: OsLoginProfile): void {
    this.ctx
      .sql("UPDATE os_login_profiles SET login = ?, uid = ?, is_default = ?, doc = ? WHERE id = ?")
      .run(p.login, p.uid, p.isDefault ? 1 : 0, encodeJson(p), p.id);
  }
}

type SettingsPath =
  | "user_ssh_key_settings"
  | "user_ssh_key_settings.enabled"
  | "user_ssh_key_settings.allow_manage_own_keys"
  | "ssh_certificate_settings"
  | "ssh_certificate_settings.enabled";

/** The settings an UpdateSettings request touches: its mask, or (no mask) every leaf it carries. */
function settingsFields(req: UpdateOsLoginSettingsRequest): Set<SettingsPath> {
  const given: Record<SettingsPath, unknown> = {
    // Whole messages are only ever chosen by a mask: without one, only the leaves given apply.
    user_ssh_key_settings: undefined,
    "user_ssh_key_settings.enabled": req.userSshKeySettings?.enabled,
    "user_ssh_key_settings.allow_manage_own_keys": req.userSshKeySettings?.allowManageOwnKeys,
    ssh_certificate_settings: undefined,
    "ssh_certificate_settings.enabled": req.sshCertificateSettings?.enabled,
  };
  return maskedFields(
    req.updateMask,
    {
      user_ssh_key_settings: true,
      "user_ssh_key_settings.enabled": true,
      "user_ssh_key_settings.allow_manage_own_keys": true,
      ssh_certificate_settings: true,
      "ssh_certificate_settings.enabled": true,
    },
    (f) => given[f] !== undefined,
  );
}

/**
 * Applies an UpdateSettings request with FieldMask semantics: a path naming a whole message
 * replaces it (its absent fields become false), a leaf path sets that field (absent = false).
 */
function applySettings(current: OsLoginSettings, req: UpdateOsLoginSettingsRequest, fields: Set<SettingsPath>): OsLoginSettings {
  const next = structuredClone(current);
  const keys = req.userSshKeySettings;
  const wholeKeys = fields.has("user_ssh_key_settings");
  if (wholeKeys || fields.has("user_ssh_key_settings.enabled")) next.userSshKeySettings.enabled = keys?.enabled ?? false;
  if (wholeKeys || fields.has("user_ssh_key_settings.allow_manage_own_keys")) {
    next.userSshKeySettings.allowManageOwnKeys = keys?.allowManageOwnKeys ?? false;
  }
  if (fields.has("ssh_certificate_settings") || fields.has("ssh_certificate_settings.enabled")) {
    next.sshCertificateSettings.enabled = req.sshCertificateSettings?.enabled ?? false;
  }
  return next;
}

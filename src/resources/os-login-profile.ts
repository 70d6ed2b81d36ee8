// yandex_organizationmanager_os_login_profile: EXTENSION (the real provider has no profile resource,
// see reference 5.3). Designed from OsLoginService's fields: a local Linux identity (login, uid,
// home, shell) of a user or service account in an organization. is_default = true makes it the
// subject's default profile (SetDefaultProfile); import by profile id.
import { listAll } from "../contract/cloud-client.js";
import type { OsLoginProfile } from "../contract/api-types.js";
import { checkLogin, checkProfilePath, checkUid } from "./checks.js";
import { computed, defineResource, diag, optionalComputed, required, types, type Diagnostic, type ObjectValue } from "./define.js";
import { eachScope, orGone, refreshByListing, scopeId, str } from "./support.js";

const toState = (p: OsLoginProfile): ObjectValue => ({
  id: p.id,
  organization_id: p.organizationId,
  subject_id: p.subjectId,
  login: p.login,
  uid: p.uid.toString(),
  home_directory: p.homeDirectory,
  shell: p.shell,
  is_default: p.isDefault,
});

export const osLoginProfile = defineResource({
  type: "yandex_organizationmanager_os_login_profile",
  kind: "resource",
  provider: "yandex",
  schemaVersion: 0,
  // Our extension: its mutations are operations like those of the types the real provider limits.
  timeouts: { create: undefined, update: undefined, delete: undefined },
  extension: true,
  description: "An OS Login profile (login, uid, home directory, shell) of a user or service account.",
  access: { kind: "profile", subjectAttribute: "subject_id" },
  schema: {
    attributes: {
      id: computed(types.string, { description: "The profile id." }),
      organization_id: required(types.string, {
        description: "The organization; empty falls back to the provider's organization_id.",
        forceNew: true,
      }),
      subject_id: required(types.string, { description: "The user or service account id.", forceNew: true }),
      login: required(types.string, { description: "Linux user name: ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$, unique in the organization." }),
      uid: optionalComputed(types.int64, { description: "Linux uid, 1002..2^63-1, unique in the organization; unset = allocated." }),
      home_directory: optionalComputed(types.string, { description: "Home directory; unset = /home/<login>." }),
      shell: optionalComputed(types.string, { description: "Login shell; unset = /bin/bash." }),
      is_default: optionalComputed(types.bool, {
        description: "Whether this is the subject's default profile (the login certificates are issued for). Only true can be set.",
      }),
    },
  },
  importer: {
    format: "<os_login_profile_id>",
    parse: (id) => (id ? { id } : "the import ID must be an OS Login profile id"),
  },
  check(config) {
    const out = [
      ...checkLogin(config.login, ["login"]),
      ...checkUid(config.uid, ["uid"]),
      ...checkProfilePath(config.home_directory, ["home_directory"]),
      ...checkProfilePath(config.shell, ["shell"]),
    ];
    if (config.is_default === false) {
      out.push(
        diag.error("is_default cannot be set to false", ["is_default"], "Set is_default = true on the profile that should be the default instead, or leave it unset."),
      );
    }
    return out;
  },
  async verify(ctx, planned, managed) {
    // Login and uid are unique in an organization (the cloud answers ALREADY_EXISTS in apply):
    // check them against the organization's other profiles and the plan's own. The plan's managed
    // profiles are left out, since the plan itself may move their login or uid elsewhere.
    const own = new Set(managed.map((m) => m.id).filter((id): id is string => typeof id === "string"));
    const orgOf = (p: ObjectValue) => (typeof p.organization_id === "string" || p.organization_id === null ? str(p.organization_id) ?? ctx.provider.organization_id : undefined);
    const orgs = [...new Set(planned.map(orgOf).filter((o): o is string => !!o))];
    const listed = await eachScope(ctx, orgs, (organizationId) => listAll((pageToken) => ctx.cloud.listOsLoginProfiles({ organizationId, pageToken, pageSize: 1000n })));
    const holders = new Map<string, string>();
    orgs.forEach((org, i) => {
      for (const p of listed[i]) {
        if (own.has(p.id)) continue;
        holders.set(`${org} login ${p.login}`, `the profile ${p.id} of subject ${p.subjectId}`);
        holders.set(`${org} uid ${p.uid}`, `the profile ${p.id} of subject ${p.subjectId}`);
      }
    });
    const out: { at: number; diagnostic: Diagnostic }[] = [];
    planned.forEach((p, at) => {
      const org = orgOf(p);
      if (!org) return;
      for (const field of ["login", "uid"] as const) {
        const v = p[field];
        if (typeof v !== "string") continue;
        const k = `${org} ${field} ${v}`;
        const holder = holders.get(k);
        if (holder) {
          out.push({
            at,
            diagnostic: diag.error(`${field === "login" ? "Login" : "Uid"} already taken`, [field], `${field} ${JSON.stringify(v)} is already held by ${holder} in organization ${org}: a ${field} must be unique in the organization`),
          });
        } else holders.set(k, `another planned profile${typeof p.subject_id === "string" ? ` (subject ${p.subject_id})` : ""}`);
      }
    });
    return out;
  },
  async create(ctx, config) {
    let p = await ctx.cloud.createOsLoginProfile(
      {
        organizationId: scopeId(config, "organization_id", ctx.provider),
        subjectId: String(config.subject_id),
        login: String(config.login),
        uid: typeof config.uid === "string" ? BigInt(config.uid) : undefined,
        homeDirectory: str(config.home_directory),
        shell: str(config.shell),
      },
      { idempotencyKey: ctx.idempotencyKey },
    );
    if (config.is_default === true && !p.isDefault) p = await ctx.cloud.setDefaultOsLoginProfile(p.id);
    return toState(p);
  },
  async read(ctx, state) {
    const p = await orGone(ctx.cloud.getOsLoginProfile(String(state.id)));
    return p && toState(p);
  },
  async readMany(ctx, states) {
    return refreshByListing(
      ctx,
      states,
      (s) => String(s.organization_id),
      (organizationId) => listAll((pageToken) => ctx.cloud.listOsLoginProfiles({ organizationId, pageToken, pageSize: 1000n })),
      (s) => String(s.id),
      (p) => toState(p),
    );
  },
  async update(ctx, prior, config) {
    const id = String(prior.id);
    const fields = ["login", "uid", "home_directory", "shell"] as const;
    const mask = fields.filter((f) => typeof config[f] === "string" && config[f] !== prior[f]);
    let p: OsLoginProfile | null = null;
    if (mask.length > 0) {
      // The API requires login in every update, even when the mask does not name it.
      p = await ctx.cloud.updateOsLoginProfile({
        osLoginProfileId: id,
        login: String(config.login),
        uid: typeof config.uid === "string" ? BigInt(config.uid) : undefined,
        homeDirectory: str(config.home_directory),
        shell: str(config.shell),
        updateMask: mask,
      });
    }
    if (config.is_default === true && prior.is_default !== true) p = await ctx.cloud.setDefaultOsLoginProfile(id);
    return toState(p ?? (await ctx.cloud.getOsLoginProfile(id)));
  },
  async delete(ctx, state) {
    await orGone(ctx.cloud.deleteOsLoginProfile(String(state.id)));
  },
});

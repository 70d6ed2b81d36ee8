// The *_iam_member resource family: one (role, member) binding on one resource, non-authoritative
// (other bindings are left alone). The real provider's generated resources all share this shape:
// <scope>_id, role, member ("TYPE:ID"), sleep_after; every argument but sleep_after RequiresReplace;
// state id "<scope_id>/<role>/<member>", import id "<scope_id>,<role>,<member>". Create and delete
// send a single UpdateAccessBindings delta; read lists the scope's bindings.
import { listAll } from "../contract/cloud-client.js";
import type { AccessBinding, ResourceKind } from "../contract/api-types.js";
import type { AccessScope } from "./access.js";
import { checkMember, checkRole } from "./checks.js";
import { computed, defineResource, diag, optional, required, types, type ObjectValue, type ResourceDefinition } from "./define.js";
import { eachScope, groupBy, orGone, parseMember, sameBinding } from "./support.js";

export interface IamMemberSpec {
  type: string;
  /** The attribute naming the resource the binding is on, e.g. "folder_id". */
  scopeAttribute: string;
  scopeKind: ResourceKind;
  /** What the scope is, for descriptions: "folder". */
  scopeName: string;
  extension?: boolean;
  /** How far a login role granted here reaches (absent: the type grants no VM access). */
  grantsOn?: AccessScope;
}

export function defineIamMember(spec: IamMemberSpec): ResourceDefinition {
  const scope = spec.scopeAttribute;
  const stateOf = (scopeId: string, role: string, member: string, sleepAfter: ObjectValue["x"]): ObjectValue => ({
    id: `${scopeId}/${role}/${member}`,
    [scope]: scopeId,
    role,
    member,
    sleep_after: sleepAfter ?? null,
  });
  const bindingsOf = (ctx: Parameters<ResourceDefinition["read"]>[0], id: string) =>
    orGone(listAll<AccessBinding>((pageToken) => ctx.cloud.listAccessBindings({ kind: spec.scopeKind, id }, { pageToken, pageSize: 1000 })));
  const found = (bindings: AccessBinding[] | null, s: ObjectValue) =>
    bindings?.some((b) => sameBinding(b, String(s.role), String(s.member)))
      ? stateOf(String(s[scope]), String(s.role), String(s.member), s.sleep_after)
      : null;
  const delta = (action: "ADD" | "REMOVE", s: ObjectValue) => {
    const subject = parseMember(String(s.member));
    if (!subject) throw new Error(`member ${JSON.stringify(s.member)} must be "TYPE:ID"`);
    return [{ action, accessBinding: { roleId: String(s.role), subject } }];
  };

  return defineResource({
    type: spec.type,
    kind: "resource",
    provider: "yandex",
    schemaVersion: 0,
    extension: spec.extension,
    access: spec.grantsOn ? { kind: "grant", on: spec.grantsOn, scopeAttribute: scope } : undefined,
    description: `Grants one role to one member on a ${spec.scopeName}, leaving the ${spec.scopeName}'s other bindings alone.`,
    schema: {
      attributes: {
        id: computed(types.string, { description: `"<${scope}>/<role>/<member>".` }),
        [scope]: required(types.string, { description: `The ${spec.scopeName} the role is granted on.`, forceNew: true }),
        role: required(types.string, { description: 'The role, e.g. "compute.osLogin".', forceNew: true }),
        member: required(types.string, {
          description: 'Who gets the role: "TYPE:ID", e.g. "userAccount:aje..." or "serviceAccount:ajs...".',
          forceNew: true,
        }),
        sleep_after: optional(types.number, { description: "Seconds to wait after the change (eventual consistency in the real cloud)." }),
      },
    },
    importer: {
      format: `<${scope}>,<role>,<TYPE:ID>`,
      parse(id) {
        const [scopeId, role, ...rest] = id.split(",");
        const member = rest.join(",");
        if (!scopeId || !role || !parseMember(member)) {
          return `the import ID must be "<${scope}>,<role>,<TYPE:ID>", e.g. "b1g...,compute.osLogin,userAccount:aje..."`;
        }
        return stateOf(scopeId, role, member, null);
      },
    },
    check(config) {
      return [...checkRole(config.role, ["role"]), ...checkMember(config.member, ["member"])];
    },
    async create(ctx, config) {
      await ctx.cloud.updateAccessBindings({ kind: spec.scopeKind, id: String(config[scope]) }, delta("ADD", config), {
        idempotencyKey: ctx.idempotencyKey,
      });
      return stateOf(String(config[scope]), String(config.role), String(config.member), config.sleep_after);
    },
    async read(ctx, state) {
      return found(await bindingsOf(ctx, String(state[scope])), state);
    },
    async readMany(ctx, states) {
      const statesByScope = groupBy(states, (s) => String(s[scope]));
      const scopes = [...statesByScope.keys()];
      // A scope with many of the bindings (an organization's) may list page after page: it goes first.
      const bindings = await eachScope(ctx, scopes, (id) => bindingsOf(ctx, id), (id) => statesByScope.get(id)!.length > 1);
      const bindingsByScope = new Map(scopes.map((id, i) => [id, bindings[i]]));
      return states.map((s) => found(bindingsByScope.get(String(s[scope])) ?? null, s));
    },
    cloudKey(v) {
      const [scopeId, role, member] = [v[scope], v.role, v.member];
      if (typeof scopeId !== "string" || typeof role !== "string" || typeof member !== "string") return undefined;
      return `${scopeId}/${role}/${member}`;
    },
    async verify(ctx, planned) {
      // A binding on a resource that does not exist fails in apply, next to changes that succeed
      // (a partial apply). Listing the scope's bindings answers NOT_FOUND for a missing scope, for
      // every scope kind, with the permission apply itself needs.
      const scopes = [...new Set(planned.map((p) => p[scope]).filter((id): id is string => typeof id === "string"))];
      const found = await eachScope(ctx, scopes, (id) => orGone(ctx.cloud.listAccessBindings({ kind: spec.scopeKind, id }, { pageSize: 1 })));
      const missing = new Set(scopes.filter((_, i) => found[i] === null));
      return planned.flatMap((p, at) =>
        typeof p[scope] === "string" && missing.has(p[scope])
          ? [{ at, diagnostic: diag.error(`No such ${spec.scopeName}`, [scope], `${scope} ${JSON.stringify(p[scope])} names no ${spec.scopeName} in the cloud: a binding can only be granted on an existing ${spec.scopeName}`) }]
          : [],
      );
    },
    async update(_ctx, prior, config) {
      // Only sleep_after can change in place, and it has no effect on the cloud.
      return { ...prior, sleep_after: config.sleep_after };
    },
    async delete(ctx, state) {
      await orGone(ctx.cloud.updateAccessBindings({ kind: spec.scopeKind, id: String(state[scope]) }, delta("REMOVE", state)));
    },
  });
}

// data "yandex_organizationmanager_os_login_member": EXTENSION. Members come from the directory, not
// from Terraform, so configs need a way to refer to one: find an organization member by email or by
// OS Login login. The login matches the member's OS Login profiles first, then the login the cloud
// derives from the member's name (docs: keep Latin letters, digits, '-' and '_', drop a leading '-',
// lower-case), so it works before OS Login has created the default profiles.
import { listAll } from "../contract/cloud-client.js";
import type { CloudClient } from "../contract/cloud-client.js";
import type { OsLoginProfile, User } from "../contract/api-types.js";
import { checkLogin } from "./checks.js";
import { computed, defineResource, diag, optionalComputed, types, type ObjectValue } from "./define.js";
import { scopeId, str } from "./support.js";

/** The login the cloud gives a member's default profile, from the member's name. */
export function derivedLogin(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "").replace(/^-+/, "").toLowerCase();
}

/** The member matching the query, or null when there is none. */
async function find(cloud: CloudClient, organizationId: string, query: ObjectValue): Promise<ObjectValue | null> {
  const members = await listAll<User>((pageToken) => cloud.listMembers(organizationId, { pageToken, pageSize: 1000 }));
  const profiles = await listAll<OsLoginProfile>((pageToken) =>
    cloud.listOsLoginProfiles({ organizationId, pageToken, pageSize: 1000n }),
  );
  const email = str(query.email);
  const login = str(query.login);
  let user: User | undefined;
  if (email) {
    user = members.find((m) => m.email.toLowerCase() === email.toLowerCase());
  } else if (login) {
    const profile = profiles.find((p) => p.login === login);
    user = profile ? members.find((m) => m.id === profile.subjectId) : members.find((m) => derivedLogin(m.name) === login);
  }
  if (!user) return null;
  const own = profiles.filter((p) => p.subjectId === user.id);
  const profile = own.find((p) => p.isDefault) ?? own[0];
  return {
    id: user.id,
    organization_id: organizationId,
    email: user.email,
    login: login ?? profile?.login ?? derivedLogin(user.name),
    user_id: user.id,
    name: user.name,
    member: `userAccount:${user.id}`,
    uid: profile ? profile.uid.toString() : null,
  };
}

export const osLoginMember = defineResource({
  type: "yandex_organizationmanager_os_login_member",
  kind: "data",
  provider: "yandex",
  schemaVersion: 0,
  extension: true,
  description: "Finds an organization member by email or OS Login login.",
  access: { kind: "subject", memberType: "userAccount", nameAttribute: "name" },
  schema: {
    attributes: {
      id: computed(types.string, { description: "The member's user id." }),
      organization_id: optionalComputed(types.string, { description: "The organization; unset = the provider's organization_id." }),
      email: optionalComputed(types.string, { description: "Find the member with this email (exactly one of email, login)." }),
      login: optionalComputed(types.string, { description: "Find the member with this OS Login login (exactly one of email, login)." }),
      user_id: computed(types.string, { description: "The member's user id." }),
      name: computed(types.string, { description: "The member's name in the directory." }),
      member: computed(types.string, { description: 'The IAM member string, "userAccount:<user_id>".' }),
      uid: computed(types.int64, { description: "The uid of the member's default OS Login profile, null when it has none yet." }),
    },
  },
  check(config) {
    const hasEmail = config.email !== null;
    const hasLogin = config.login !== null;
    if (hasEmail === hasLogin) {
      return [diag.error("Exactly one of email or login must be set", [], "Set email = \"...\" or login = \"...\" to say which member to find.")];
    }
    return checkLogin(config.login, ["login"]);
  },
  async create(ctx, config) {
    const organizationId = scopeId(config, "organization_id", ctx.provider);
    const found = await find(ctx.cloud, organizationId, config);
    if (found) return found;
    const what = str(config.email) ? `email ${JSON.stringify(config.email)}` : `login ${JSON.stringify(config.login)}`;
    throw new Error(`no member of organization ${organizationId} has ${what}`);
  },
  async read(ctx, state) {
    // Re-run the same query: by email if one was given, else by login.
    const query: ObjectValue = state.email !== null && state.email !== undefined ? { email: state.email } : { login: state.login ?? null };
    return find(ctx.cloud, String(state.organization_id), query);
  },
  async delete() {
    // A data source owns nothing.
  },
});

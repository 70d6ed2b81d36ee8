// The OS Login part of a VM's metadata server, as the 20210907 guest agent (libnss_oslogin,
// google_authorized_keys, pam_oslogin_*) calls it: docs/reference.md and docs/vm-access.md; the VM
// set-up this contract assumes, and what it guarantees on revocation: docs/vm-setup.md.
// Protocol only: (method, target, headers) in, (status, JSON body) out; server.ts puts it on HTTP.
//
// It answers as ONE instance, the way OS Login splits the two questions: users?username= / uid=
// say WHO a login is (the profile of any member or service account of the organization), and
// authorize says whether they MAY log in here (policy=login: compute.instances.osLogin on the
// instance or above it; policy=adminLogin: compute.instances.osAdminLogin). Answering 404 for a
// member without a role looked safer but was not: the agent's pam_oslogin_login treats that 404
// as "not an OS Login user" and lets sshd go on, and pam_oslogin_admin leaves the old sudoers file
// in place, so a revoked member whose name still resolved through the agent's NSS cache logged in
// by certificate, with sudo. Given the profile, both PAM modules ask authorize and are told no.
// Listings (the NSS cache, group members) and keys stay limited to who may log in here.
import { CloudError } from "../../contract/errors.js";
import { decodePageToken, encodePageToken } from "../model/page-token.js";
import { DEFAULT_SHELL, homeOf } from "../model/os-login.js";
import type { Subject } from "../model/types.js";
import { GuestDirectory, type GuestProfile, type GuestScope, type GuestSshKey } from "./guest-directory.js";
import type { PosixGroup } from "./posix-groups.js";
import { BadRequest, parseId, parsePageSize, parseQuery } from "./query.js";

export const METADATA_PREFIX = "/computeMetadata/v1/oslogin/";

export interface MetadataResponse {
  status: number;
  /** JSON text. */
  body: string;
}

const ok = (value: unknown): MetadataResponse => ({ status: 200, body: JSON.stringify(value) });
const fail = (status: number, message: string): MetadataResponse => ({
  status,
  body: JSON.stringify({ error: { code: status, message } }),
});
const NOT_FOUND = (what: string) => fail(404, `${what} not found`);

type Account = { subject: Subject; name: string };

/** The token that ends a listing (both conventions use it; see usersPage and groupsPage). */
const LAST_PAGE = "0";

export interface MetadataEndpointOptions {
  /** Told about unexpected failures (answered 500); the caller decides where they go. */
  onError?: (error: unknown, target: string) => void;
}

export class MetadataEndpoint {
  constructor(
    private readonly dir: GuestDirectory,
    private readonly opts: MetadataEndpointOptions = {},
  ) {}

  get instanceId(): string {
    return this.dir.instanceId;
  }

  /** Never throws: bad input is 400, unexpected failures are 500 (which the agent retries once). */
  handle(method: string, target: string, flavor: string | undefined): MetadataResponse {
    if (flavor !== "Google") return fail(403, "Missing required header: Metadata-Flavor: Google");
    // libcurl sends the absolute form ("GET http://169.254.169.254/...") when http_proxy points here.
    if (target.startsWith("http://")) {
      const slash = target.indexOf("/", "http://".length);
      target = slash < 0 ? "/" : target.slice(slash);
    }
    const q = target.indexOf("?");
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? "" : target.slice(q + 1);
    if (!path.startsWith(METADATA_PREFIX)) return NOT_FOUND("path");
    const endpoint = path.slice(METADATA_PREFIX.length);
    if (!["users", "groups", "authorize"].includes(endpoint)) return NOT_FOUND("path");
    if (method !== "GET") return fail(405, `${endpoint} takes GET`);
    try {
      return this.dir.snapshot(() => this.answer(endpoint, query));
    } catch (e) {
      if (e instanceof BadRequest) return fail(400, e.message);
      if (e instanceof CloudError && e.code === "INVALID_ARGUMENT") return fail(400, "pagetoken is not a token this endpoint issued");
      this.opts.onError?.(e, path);
      return fail(500, "internal error");
    }
  }

  private answer(endpoint: string, query: string): MetadataResponse {
    const scope = this.dir.scope();
    // OS Login off for this VM (org settings or instance metadata): the agent's "not enabled" answer.
    if (!scope) return NOT_FOUND("OS Login for this instance");
    if (endpoint === "users") return this.users(scope, parseQuery(query, ["username", "uid", "pagesize", "pagetoken", "groupname", "view"]));
    if (endpoint === "groups") return this.groups(scope, parseQuery(query, ["pagesize", "pagetoken", "email", "groupname", "gid"]));
    return this.authorize(scope, parseQuery(query, ["email", "policy", "fingerprint"]));
  }

  // ---------- users ----------

  private users(scope: GuestScope, q: Map<string, string>): MetadataResponse {
    const view = q.get("view");
    if (view !== undefined && view !== "securityKey") throw new BadRequest("view must be securityKey");
    const selectors = ["username", "uid", "pagesize", "groupname"].filter((k) => q.has(k));
    if (selectors.length !== 1) throw new BadRequest("users takes exactly one of username, uid, pagesize, groupname");
    if (q.has("pagetoken") && !q.has("pagesize") && !q.has("groupname")) throw new BadRequest("pagetoken goes with pagesize or groupname");
    const org = scope.organizationId;
    if (q.has("username") || q.has("uid")) {
      const profile = q.has("username")
        ? this.dir.profileByLogin(org, q.get("username")!)
        : this.dir.profileByUid(org, parseId(q.get("uid")!, "uid"));
      const account = profile && this.dir.accountOf(org, profile.subjectId);
      if (!profile || !account) return NOT_FOUND("user");
      const keys = this.dir.mayLogin(account.subject);
      return ok({ loginProfiles: [this.profileJson(scope, profile, account.name, keys, view === "securityKey")] });
    }
    if (q.has("groupname")) return this.groupMembers(scope, q.get("groupname")!, q.get("pagetoken"));
    return this.usersPage(scope, parsePageSize(q.get("pagesize")!), q.get("pagetoken"));
  }

  /**
   * Users listing (nss cache refresher): every page but the last carries 1..pagesize profiles and a
   * token; the last page is a bare {"nextPageToken":"0"} (the agent ignores profiles on it).
   */
  private usersPage(scope: GuestScope, size: number, token: string | undefined): MetadataResponse {
    const org = scope.organizationId;
    const listScope = `metadata-users:${this.dir.instanceId}`;
    let cursor = token ? BigInt(decodePageToken(listScope, token)!) : 0n;
    const allowed = new Map<string, Account | undefined>();
    const profiles: unknown[] = [];
    let last = cursor;
    const batch = Math.min(Math.max(size, 100), 1000);
    while (profiles.length < size) {
      const rows = this.dir.profilesAfter(org, cursor, batch);
      for (const p of rows) {
        cursor = p.uid;
        const account = this.allowedAccount(org, p.subjectId, allowed);
        if (!account) continue;
        profiles.push({ name: account.name, posixAccounts: [posixAccountJson(org, p)] });
        last = p.uid;
        if (profiles.length === size) break;
      }
      if (rows.length < batch) break;
    }
    if (profiles.length === 0) return ok({ nextPageToken: LAST_PAGE });
    return ok({ loginProfiles: profiles, nextPageToken: encodePageToken(listScope, last) });
  }

  /** users?groupname: logins of the group's members who may log in here; one page, token "0". */
  private groupMembers(scope: GuestScope, name: string, token: string | undefined): MetadataResponse {
    if (token) throw new BadRequest("pagetoken is not a token this endpoint issued");
    const group = this.dir.posixGroups(scope.organizationId).find((g) => g.name === name);
    if (!group) return NOT_FOUND("group");
    return ok({ usernames: this.loginsOf(scope, group), nextPageToken: LAST_PAGE });
  }

  private loginsOf(scope: GuestScope, group: PosixGroup): string[] {
    const org = scope.organizationId;
    const allowed = new Map<string, Account | undefined>();
    const logins: string[] = [];
    for (const member of group.members) {
      if (!this.allowedAccount(org, member, allowed)) continue;
      for (const p of this.dir.profilesOfSubject(org, member)) logins.push(p.login);
    }
    return logins;
  }

  // ---------- groups ----------

  private groups(scope: GuestScope, q: Map<string, string>): MetadataResponse {
    const selectors = ["pagesize", "email", "groupname", "gid"].filter((k) => q.has(k));
    if (selectors.length !== 1) throw new BadRequest("groups takes exactly one of pagesize, email, groupname, gid");
    if (q.has("pagetoken") && !q.has("pagesize") && !q.has("email")) throw new BadRequest("pagetoken goes with pagesize or email");
    const org = scope.organizationId;
    const all = this.dir.posixGroups(org);
    if (q.has("groupname") || q.has("gid")) {
      const gid = q.has("gid") ? parseId(q.get("gid")!, "gid") : undefined;
      const group = all.find((g) => (gid !== undefined ? g.gid === gid : g.name === q.get("groupname")));
      return group ? ok({ posixGroups: [groupJson(group)] }) : NOT_FOUND("group");
    }
    if (q.has("email")) {
      if (q.get("pagetoken")) throw new BadRequest("pagetoken is not a token this endpoint issued");
      const subject = this.dir.subjectByName(org, q.get("email")!);
      const mine = subject && this.dir.mayLogin(subject) ? all.filter((g) => g.members.includes(subject.id)) : [];
      return ok({ posixGroups: mine.map(groupJson), nextPageToken: LAST_PAGE });
    }
    return this.groupsPage(all, parsePageSize(q.get("pagesize")!), q.get("pagetoken"));
  }

  /** Groups listing: unlike users, the page whose token is "0" still carries groups. */
  private groupsPage(all: PosixGroup[], size: number, token: string | undefined): MetadataResponse {
    const listScope = `metadata-groups:${this.dir.instanceId}`;
    const after = token ? BigInt(decodePageToken(listScope, token)!) : 0n;
    const rest = all.filter((g) => g.gid > after);
    if (rest.length === 0) return NOT_FOUND("groups");
    const page = rest.slice(0, size);
    const next = rest.length > size ? encodePageToken(listScope, page[page.length - 1].gid) : LAST_PAGE;
    return ok({ posixGroups: page.map(groupJson), nextPageToken: next });
  }

  // ---------- authorize ----------

  private authorize(scope: GuestScope, q: Map<string, string>): MetadataResponse {
    const email = q.get("email");
    const policy = q.get("policy");
    if (!email) throw new BadRequest("authorize needs email");
    if (policy !== "login" && policy !== "adminLogin") throw new BadRequest("policy must be login or adminLogin");
    const subject = this.dir.subjectByName(scope.organizationId, email);
    if (!subject || !this.dir.hasProfile(scope.organizationId, subject.id)) return ok({ success: false });
    const success = policy === "login" ? this.dir.mayLogin(subject) : this.dir.mayAdminLogin(subject);
    return ok({ success });
  }

  // ---------- shapes ----------

  /** The account of a profile's subject when it may log in here (memoized per request only). */
  private allowedAccount(org: string, subjectId: string, memo: Map<string, Account | undefined>): Account | undefined {
    if (memo.has(subjectId)) return memo.get(subjectId);
    const account = this.dir.accountOf(org, subjectId);
    const allowed = account && this.dir.mayLogin(account.subject) ? account : undefined;
    memo.set(subjectId, allowed);
    return allowed;
  }

  /**
   * `withKeys` false (the user may not log in here) leaves the key map empty: the agent prints keys
   * only after authorize says yes anyway, and a client that skipped authorize still finds none.
   */
  private profileJson(scope: GuestScope, p: GuestProfile, name: string, withKeys: boolean, securityKeyView: boolean) {
    const org = scope.organizationId;
    const out: Record<string, unknown> = { name, posixAccounts: [posixAccountJson(org, p)] };
    // Keys only in user-SSH-key mode; in certificate-only mode sshd trusts the CA instead.
    if (scope.settings.userSshKeySettings.enabled) {
      const nowUsec = BigInt(this.dir.now().getTime()) * 1000n;
      const keys = withKeys ? this.dir.sshKeysOf(org, p.subjectId).filter((k) => !k.expiresAt || usecOf(k.expiresAt) > nowUsec) : [];
      out.sshPublicKeys = Object.fromEntries(keys.map((k) => [k.fingerprint, sshKeyJson(k)]));
      if (securityKeyView) {
        out.securityKeys = keys.filter((k) => k.data.startsWith("sk-")).map((k) => ({ publicKey: k.data }));
      }
    }
    return out;
  }
}

function posixAccountJson(org: string, p: GuestProfile) {
  const uid = p.uid.toString();
  return {
    primary: true,
    username: p.login,
    uid,
    gid: uid, // the user's private group, as Google's endpoint does
    homeDirectory: p.homeDirectory || homeOf(p.login),
    shell: p.shell || DEFAULT_SHELL,
    gecos: "",
    systemId: "",
    accountId: org,
    operatingSystemType: "LINUX",
  };
}

function sshKeyJson(k: GuestSshKey) {
  return {
    key: k.data,
    fingerprint: k.fingerprint,
    ...(k.expiresAt ? { expirationTimeUsec: usecOf(k.expiresAt).toString() } : {}),
  };
}

const groupJson = (g: PosixGroup) => ({ name: g.name, gid: g.gid.toString() });

/** RFC3339 → microseconds since the epoch, keeping sub-millisecond digits. */
export function usecOf(rfc3339: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return 0n; // unparseable = expired: fail closed, as the agent does with a bad expiry
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return 0n;
  const frac = (m[2] ?? "").slice(0, 6).padEnd(6, "0");
  return BigInt(seconds) * 1000n + BigInt(frac);
}

// The metadata endpoint's protocol, request by request, against the real model (in-memory SQLite):
// exact JSON shapes the 20210907 agent parses (docs/reference.md, "The OS Login guest agent").
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MetadataEndpoint } from "../../../src/cloud/metadata/endpoint.js";
import { GuestDirectory } from "../../../src/cloud/metadata/guest-directory.js";
import { GROUP_GID_BASE, GROUP_GID_SPAN } from "../../../src/cloud/metadata/posix-groups.js";
import { startMetadataServer } from "../../../src/cloud/metadata/server.js";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import type { UserSshKey } from "../../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../../src/ssh/keypair.js";
import { QUICKSTART as Q, createInstance, enableOsLogin, grant, revoke, seedQuickstart, serviceAccount, user } from "../../e2e/harness/cloud.js";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const P = "/computeMetadata/v1/oslogin/";
// The documented derivation: GROUP_GID_BASE + first 4 bytes of sha256(group id) mod GROUP_GID_SPAN.
const DEVS_GID = String(GROUP_GID_BASE + (createHash("sha256").update(Q.devsGroup).digest().readUInt32BE(0) % GROUP_GID_SPAN));

let model: CloudModel;
let cloud: InProcessCloudClient;
let vm: string;
let other: string;
let md: MetadataEndpoint;
let aliceKey: UserSshKey;

const get = (target: string, flavor: string | null = "Google") => md.handle("GET", P + target, flavor ?? undefined);
const json = (target: string) => {
  const r = get(target);
  return { status: r.status, body: r.status === 200 ? JSON.parse(r.body) : undefined };
};
const instanceRef = () => ({ kind: "instance" as const, id: vm });

function addKey(subjectId: string, name: string, expiresAt?: string): Promise<UserSshKey> {
  return addKeyThrough(cloud, subjectId, name, expiresAt);
}

function addKeyThrough(through: InProcessCloudClient, subjectId: string, name: string, expiresAt?: string): Promise<UserSshKey> {
  return through.createUserSshKey({ organizationId: Q.organizationId, subjectId, name, data: generateEd25519KeyPair(name).publicKey, expiresAt });
}

const posix = (login: string, uid: string) => ({
  primary: true,
  username: login,
  uid,
  gid: uid,
  homeDirectory: `/home/${login}`,
  shell: "/bin/bash",
  gecos: "",
  systemId: "",
  accountId: Q.organizationId,
  operatingSystemType: "LINUX",
});

beforeEach(async () => {
  model = CloudModel.open({ now: () => NOW });
  cloud = new InProcessCloudClient(model);
  seedQuickstart(model);
  await enableOsLogin(cloud, Q.organizationId);
  vm = (await createInstance(cloud, Q.folderId, "vm-1")).id;
  other = (await createInstance(cloud, Q.folderId, "vm-2")).id;
  md = new MetadataEndpoint(new GuestDirectory(model, vm));
  await grant(cloud, instanceRef(), "compute.osLogin", user(Q.alice));
  aliceKey = await addKey(Q.alice, "laptop", "2027-01-01T00:00:00.123456Z");
  await addKey(Q.alice, "old", "2026-11-23T11:59:59Z"); // expired a second before NOW
});
afterEach(() => model.close());

describe("GIVEN Alice holds compute.osLogin on the instance and Bob holds nothing", () => {
  it("WHEN users?username=alice THEN her profile with uid/gid as strings and only the unexpired key", async () => {
    expect(json("users?username=alice")).toEqual({
      status: 200,
      body: {
        loginProfiles: [
          {
            name: "alice@example.com",
            posixAccounts: [posix("alice", "10000")],
            sshPublicKeys: {
              [aliceKey.fingerprint]: { key: aliceKey.data, fingerprint: aliceKey.fingerprint, expirationTimeUsec: "1798761600123000" },
            },
          },
        ],
      },
    });
  });

  it("WHEN the username or e-mail comes URL-encoded or raw THEN both decode the same", async () => {
    expect(json("users?username=al%69ce").body.loginProfiles[0].name).toBe("alice@example.com");
    expect(get("authorize?email=alice%40example.com&policy=login").body).toBe('{"success":true}');
    expect(get("authorize?email=alice@example.com&policy=login").body).toBe('{"success":true}');
    expect(json("groups?email=alice@example.com").body).toEqual({ posixGroups: [{ name: "devs", gid: DEVS_GID }], nextPageToken: "0" });
    expect(json("groups?email=alice%40example.com").body).toEqual({ posixGroups: [{ name: "devs", gid: DEVS_GID }], nextPageToken: "0" });
  });

  it("WHEN users?uid= THEN the same profile; a bad uid is 400, an unknown one 404", async () => {
    expect(json("users?uid=10000").body.loginProfiles[0].posixAccounts[0].username).toBe("alice");
    expect(get("users?uid=abc").status).toBe(400);
    expect(get("users?uid=0").status).toBe(400);
    expect(get("users?uid=99999999999999999999").status).toBe(400);
    expect(get("users?uid=4242").status).toBe(404);
  });

  it("WHEN Bob (no role) is looked up THEN his profile without keys and authorize false; after a grant, his keys and true on the next request", async () => {
    // Who a login is and whether it may log in are two questions (the agent's PAM modules ask
    // authorize only after users?username= found the user: a 404 would let them wave him through).
    const bobKey = await addKey(Q.bob, "bob-laptop");
    const bobWithout = { name: "bob@example.com", posixAccounts: [posix("bob", "10001")], sshPublicKeys: {} };
    expect(json("users?username=bob")).toEqual({ status: 200, body: { loginProfiles: [bobWithout] } });
    expect(json("users?uid=10001")).toEqual({ status: 200, body: { loginProfiles: [bobWithout] } });
    expect(get("authorize?email=bob%40example.com&policy=login").body).toBe('{"success":false}');
    expect(get("authorize?email=bob%40example.com&policy=adminLogin").body).toBe('{"success":false}');
    await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", user(Q.bob));
    expect(json("users?username=bob").body.loginProfiles[0]).toEqual({
      ...bobWithout,
      sshPublicKeys: { [bobKey.fingerprint]: { key: bobKey.data, fingerprint: bobKey.fingerprint } },
    });
    expect(get("authorize?email=bob%40example.com&policy=login").body).toBe('{"success":true}');
  });

  it("WHEN Alice's role is revoked THEN the very next requests answer her profile without keys, authorize false, and no listing (nothing cached)", async () => {
    expect(Object.keys(json("users?username=alice").body.loginProfiles[0].sshPublicKeys)).toEqual([aliceKey.fingerprint]);
    await revoke(cloud, instanceRef(), "compute.osLogin", user(Q.alice));
    expect(json("users?username=alice").body.loginProfiles[0]).toEqual({ name: "alice@example.com", posixAccounts: [posix("alice", "10000")], sshPublicKeys: {} });
    expect(get("authorize?email=alice%40example.com&policy=login").body).toBe('{"success":false}');
    expect(json("users?pagesize=2048").body).toEqual({ nextPageToken: "0" });
    expect(json("users?groupname=devs").body).toEqual({ usernames: [], nextPageToken: "0" });
    expect(json("groups?email=alice%40example.com").body).toEqual({ posixGroups: [], nextPageToken: "0" });
  });

  it("WHEN authorize policy=adminLogin THEN true only with compute.osAdminLogin", async () => {
    expect(get("authorize?email=alice%40example.com&policy=adminLogin").body).toBe('{"success":false}');
    await grant(cloud, { kind: "cloud", id: Q.cloudId }, "compute.osAdminLogin", user(Q.bob));
    expect(get("authorize?email=bob%40example.com&policy=adminLogin").body).toBe('{"success":true}');
    expect(get("authorize?email=bob%40example.com&policy=login").body).toBe('{"success":true}');
    expect(get("authorize?email=nobody%40example.com&policy=login").body).toBe('{"success":false}');
  });

  it("WHEN the grant is to the devs group THEN its member Alice may log in through it", async () => {
    await revoke(cloud, instanceRef(), "compute.osLogin", user(Q.alice));
    await grant(cloud, instanceRef(), "compute.osLogin", { type: "group", id: Q.devsGroup });
    expect(get("authorize?email=alice%40example.com&policy=login").body).toBe('{"success":true}');
    expect(json("users?groupname=devs").body).toEqual({ usernames: ["alice"], nextPageToken: "0" });
  });

  it("WHEN user SSH keys are disabled THEN the profile carries no sshPublicKeys", async () => {
    await enableOsLogin(cloud, Q.organizationId, { keys: false, certificates: true });
    expect(json("users?username=alice").body.loginProfiles[0]).toEqual({ name: "alice@example.com", posixAccounts: [posix("alice", "10000")] });
  });

  it("WHEN OS Login is off for the organization or the instance lacks enable-oslogin THEN every lookup is 404", async () => {
    const plain = new MetadataEndpoint(new GuestDirectory(model, (await createInstance(cloud, Q.folderId, "vm-plain", { "enable-oslogin": "false" })).id));
    await grant(cloud, { kind: "folder", id: Q.folderId }, "compute.osLogin", user(Q.alice));
    expect(plain.handle("GET", `${P}users?username=alice`, "Google").status).toBe(404);
    expect(plain.handle("GET", `${P}authorize?email=alice%40example.com&policy=login`, "Google").status).toBe(404);
    await enableOsLogin(cloud, Q.organizationId, { keys: false, certificates: false });
    expect(get("users?username=alice").status).toBe(404);
    expect(get("groups?pagesize=499").status).toBe(404);
  });

  it("WHEN the instance is another VM where Alice has no role THEN it knows who she is but lists no key of hers and refuses her", async () => {
    const there = new MetadataEndpoint(new GuestDirectory(model, other));
    expect(JSON.parse(there.handle("GET", `${P}users?username=alice`, "Google").body).loginProfiles[0].sshPublicKeys).toEqual({});
    expect(there.handle("GET", `${P}authorize?email=alice%40example.com&policy=login`, "Google").body).toBe('{"success":false}');
    expect(there.handle("GET", `${P}users?pagesize=2048`, "Google").body).toBe('{"nextPageToken":"0"}');
  });
});

describe("GIVEN listings", () => {
  beforeEach(() => grant(cloud, instanceRef(), "compute.osLogin", user(Q.bob)));

  it("WHEN users are paged THEN data pages carry 1..pagesize profiles and the end is a bare {nextPageToken:'0'}", async () => {
    const p1 = json("users?pagesize=1").body;
    expect(p1.loginProfiles).toEqual([{ name: "alice@example.com", posixAccounts: [posix("alice", "10000")] }]);
    const p2 = json(`users?pagesize=1&pagetoken=${p1.nextPageToken}`).body;
    expect(p2.loginProfiles).toEqual([{ name: "bob@example.com", posixAccounts: [posix("bob", "10001")] }]);
    expect(json(`users?pagesize=1&pagetoken=${p2.nextPageToken}`).body).toEqual({ nextPageToken: "0" });
    const all = json("users?pagesize=2048").body;
    expect(all.loginProfiles.map((p: { name: string }) => p.name)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(json(`users?pagesize=2048&pagetoken=${all.nextPageToken}`).body).toEqual({ nextPageToken: "0" });
  });

  it("WHEN groups are listed or looked up THEN the '0' page still carries data", async () => {
    expect(json("groups?pagesize=499").body).toEqual({ posixGroups: [{ name: "devs", gid: DEVS_GID }], nextPageToken: "0" });
    expect(json("groups?groupname=devs").body).toEqual({ posixGroups: [{ name: "devs", gid: DEVS_GID }] });
    expect(json(`groups?gid=${DEVS_GID}`).body).toEqual({ posixGroups: [{ name: "devs", gid: DEVS_GID }] });
    expect(get("groups?groupname=ops").status).toBe(404);
    expect(json("groups?email=bob@example.com").body).toEqual({ posixGroups: [], nextPageToken: "0" });
  });

  it("WHEN a service account has a profile and the role THEN it is listed under its id and authorized", async () => {
    const sa = await cloud.createServiceAccount({ folderId: Q.folderId, name: "deployer" });
    const profile = await cloud.createOsLoginProfile({ organizationId: Q.organizationId, subjectId: sa.id, login: "sa-deployer", uid: 20000n });
    expect(json("users?username=sa-deployer").body.loginProfiles[0].name).toBe(sa.id);
    expect(get(`authorize?email=${sa.id}&policy=login`).body).toBe('{"success":false}');
    await grant(cloud, instanceRef(), "compute.osLogin", serviceAccount(sa.id));
    expect(json("users?username=sa-deployer").body.loginProfiles[0]).toEqual({
      name: sa.id,
      posixAccounts: [posix(profile.login, "20000")],
      sshPublicKeys: {},
    });
    expect(get(`authorize?email=${sa.id}&policy=login`).body).toBe('{"success":true}');
  });
});

describe("GIVEN bad requests", () => {
  it.each([
    ["no Metadata-Flavor header", 403, "users?username=alice", null],
    ["a wrong Metadata-Flavor", 403, "users?username=alice", "google"],
    ["an unknown user", 404, "users?username=ghost", "Google"],
    ["an unknown endpoint", 404, "instance/hostname", "Google"],
    ["an unknown parameter", 400, "users?username=alice&debug=1", "Google"],
    ["a repeated parameter", 400, "users?username=alice&username=bob", "Google"],
    ["a malformed escape", 400, "users?username=al%zzice", "Google"],
    ["a control character", 400, "users?username=al%0Aice", "Google"],
    ["two selectors", 400, "users?username=alice&uid=10000", "Google"],
    ["no selector", 400, "users", "Google"],
    ["pagesize 0", 400, "users?pagesize=0", "Google"],
    ["a huge pagesize", 400, "users?pagesize=1000000000000", "Google"],
    ["a forged page token", 400, "users?pagesize=10&pagetoken=1", "Google"],
    ["a forged group page token", 400, "groups?pagesize=10&pagetoken=WyJ4IiwiMSJd.AAAAAAAAAAAAAAAAAAAAAA", "Google"],
    ["an unknown policy", 400, "authorize?email=alice%40example.com&policy=root", "Google"],
    ["authorize without email", 400, "authorize?policy=login", "Google"],
  ])("WHEN %s THEN the endpoint answers %i", (_what, status, target, flavor) => {
    expect(get(target, flavor).status).toBe(status);
  });

  it("WHEN the target is in absolute form (libcurl through http_proxy) THEN it is answered like the origin form", () => {
    expect(md.handle("GET", `http://169.254.169.254${P}users?username=alice`, "Google").status).toBe(200);
    expect(md.handle("GET", "http://169.254.169.254", "Google").status).toBe(404);
  });

  it("WHEN a POST arrives THEN 405, and a 2FA session call is an unknown path (404)", async () => {
    expect(md.handle("POST", `${P}users?username=alice`, "Google").status).toBe(405);
    expect(md.handle("POST", `${P}authenticate/sessions/start`, "Google").status).toBe(404);
  });
});

describe("GIVEN the HTTP server", () => {
  it("WHEN requests share a keep-alive connection THEN each answers with Metadata-Flavor: Google and JSON", async () => {
    const server = await startMetadataServer(md, { host: "127.0.0.1", port: 0 });
    try {
      const base = `http://127.0.0.1:${server.port}${P}`;
      const ok = await fetch(`${base}users?username=alice`, { headers: { "Metadata-Flavor": "Google" } });
      expect([ok.status, ok.headers.get("metadata-flavor"), ok.headers.get("content-type")]).toEqual([200, "Google", "application/json"]);
      expect(((await ok.json()) as { loginProfiles: { name: string }[] }).loginProfiles[0].name).toBe("alice@example.com");
      const denied = await fetch(`${base}users?username=alice`);
      expect(denied.status).toBe(403);
      await denied.text();
    } finally {
      await server.close();
    }
  });
});

describe("GIVEN the endpoint reads through its own database connection (another process, as on a VM)", () => {
  it("WHEN a role, a key, the instance flag and the organization settings change through the writer THEN each shows on the very next request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "metadata-reader-"));
    const writer = CloudModel.open({ dataDir: dir, now: () => NOW });
    const reader = CloudModel.open({ dataDir: dir, now: () => NOW });
    try {
      const w = new InProcessCloudClient(writer);
      seedQuickstart(writer);
      await enableOsLogin(w, Q.organizationId);
      const vmOnDisk = await createInstance(w, Q.folderId, "vm-disk");
      const ref = { kind: "instance" as const, id: vmOnDisk.id };
      await grant(w, ref, "compute.osLogin", user(Q.alice));
      const key = await addKeyThrough(w, Q.alice, "laptop");
      const endpoint = new MetadataEndpoint(new GuestDirectory(reader, vmOnDisk.id));
      const ask = (target: string) => endpoint.handle("GET", P + target, "Google");
      const keysOfAlice = () => Object.keys(JSON.parse(ask("users?username=alice").body).loginProfiles[0].sshPublicKeys);
      const aliceMayLogin = () => ask("authorize?email=alice%40example.com&policy=login").body;

      expect(keysOfAlice()).toEqual([key.fingerprint]);
      expect(aliceMayLogin()).toBe('{"success":true}');
      await revoke(w, ref, "compute.osLogin", user(Q.alice));
      expect(aliceMayLogin()).toBe('{"success":false}');
      expect(keysOfAlice()).toEqual([]);
      await grant(w, { kind: "organization", id: Q.organizationId }, "compute.osAdminLogin", user(Q.alice));
      expect(ask("authorize?email=alice%40example.com&policy=adminLogin").body).toBe('{"success":true}');
      await w.deleteUserSshKey(key.id);
      expect(keysOfAlice()).toEqual([]);
      await w.updateInstance({ instanceId: vmOnDisk.id, metadata: { "enable-oslogin": "false" }, updateMask: ["metadata"] });
      expect(ask("users?username=alice").status).toBe(404);
      await w.updateInstance({ instanceId: vmOnDisk.id, metadata: { "enable-oslogin": "true" }, updateMask: ["metadata"] });
      expect(ask("users?username=alice").status).toBe(200);
      await enableOsLogin(w, Q.organizationId, { keys: false, certificates: false });
      expect(ask("users?username=alice").status).toBe(404);
    } finally {
      reader.close();
      writer.close();
    }
  });
});

// THE CloudClient conformance suite: one set of cases, run against the in-process client (the
// embedded default) and the gRPC client (the official SDK over TLS against a server started here).
// Every case asserts exact values, and errors must carry the same code and message in both, so a
// caller cannot tell which client it holds.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGrpcServer } from "../../../src/cloud/api/grpc/server.js";
import type { CloudClient } from "../../../src/contract/cloud-client.js";
import { listAll } from "../../../src/contract/cloud-client.js";
import { GrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { InProcessCloudClient } from "../../../src/cloud/client/inprocess.js";
import { CloudError } from "../../../src/contract/errors.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";
import { ADMIN, type Caller, type Subject } from "../../../src/cloud/model/types.js";
import { ensureTlsMaterial } from "../../../src/cloud/tls.js";
import { ALICE, BOB, CLOUD, DEVS, FOLDER, NOW, ORG, SEED_YAML } from "../grpc/harness.js";

const ADMIN_TOKEN = "conformance-admin-token-0123456789";
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJFs7TIpJGNOya57KI7yPRjfT1AltLSazgSSXEBaftKp alice@laptop";
const FINGERPRINT = "SHA256:gllzajMZk5KV2Z8UzGQ4YuHcl5iCjLqiMLpZCBOIw0g";
const UID_MAX = 9223372036854775807n;

interface World {
  model: CloudModel;
  /** The client under test, as the emulator admin. */
  client: CloudClient;
  /** The same implementation acting as a subject. */
  as(subject: Subject): Promise<CloudClient>;
  close(): Promise<void>;
}

function openModel(): CloudModel {
  const model = CloudModel.open({ now: () => new Date(NOW) });
  model.directory.seedFromYaml(SEED_YAML);
  return model;
}

const IMPLEMENTATIONS: { name: string; open(): Promise<World> }[] = [
  {
    name: "in-process",
    async open() {
      const model = openModel();
      const client = new InProcessCloudClient(model);
      return {
        model,
        client,
        as: async (subject) => client.as({ kind: "subject", subject } as Caller),
        close: async () => model.close(),
      };
    },
  },
  {
    name: "gRPC (official SDK over TLS)",
    async open() {
      const model = openModel();
      const tls = await ensureTlsMaterial();
      const server = await startGrpcServer(model, { host: "127.0.0.1", port: 0, tls, adminToken: ADMIN_TOKEN });
      const connect = (iamToken: string) =>
        new GrpcCloudClient({ endpoint: `localhost:${server.port}`, rootCertPem: tls.certPem, iamToken, pollIntervalMs: 5 });
      const client = connect(ADMIN_TOKEN);
      return {
        model,
        client,
        as: async (subject) => connect(model.iamTokens.issueFor(ADMIN, { subject }).iamToken),
        close: async () => {
          await client.close();
          await server.close();
          model.close();
        },
      };
    },
  },
];

/** The CloudError a call rejects with, as {code, message} (fails when it resolves or rejects otherwise). */
async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof CloudError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected a CloudError, but the call succeeded");
}

const alice: Subject = { type: "userAccount", id: ALICE };
const bob: Subject = { type: "userAccount", id: BOB };

describe.each(IMPLEMENTATIONS)("CloudClient conformance: $name", ({ open }) => {
  let w: World;
  let c: CloudClient;
  beforeEach(async () => {
    w = await open();
    c = w.client;
  });
  afterEach(async () => {
    await w.close();
  });

  describe("directory and resource manager", () => {
    it("GIVEN the seeded organization WHEN read THEN organization, members, cloud and folder are exact", async () => {
      const org = await c.getOrganization(ORG);
      expect(org).toEqual({ id: ORG, name: "quickstart", title: "Quickstart organization", createdAt: NOW });
      expect((await c.listOrganizations()).items).toEqual([org]);
      expect((await c.listMembers(ORG)).items).toEqual([
        { id: ALICE, organizationId: ORG, name: "Alice", email: "alice@example.com" },
        { id: BOB, organizationId: ORG, name: "Bob", email: "bob@example.com" },
      ]);
      const cloud = { id: CLOUD, organizationId: ORG, name: "quickstart-cloud", createdAt: NOW };
      expect(await c.getCloud(CLOUD)).toEqual(cloud);
      expect((await c.listClouds({ organizationId: ORG })).items).toEqual([cloud]);
      const folder = { id: FOLDER, cloudId: CLOUD, name: "default", createdAt: NOW };
      expect(await c.getFolder(FOLDER)).toEqual(folder);
      expect((await c.listFolders({ cloudId: CLOUD })).items).toEqual([folder]);
    });

    it("GIVEN the seeded group devs WHEN groups are listed THEN each comes with its member user ids (gRPC: GroupService.List + ListMembers)", async () => {
      expect(await listAll((pageToken) => c.listGroups(ORG, { pageToken, pageSize: 1 }))).toEqual([{ id: DEVS, organizationId: ORG, name: "devs", members: [ALICE] }]);
      expect(await errorOf(c.listGroups("bpfmissing0000000000"))).toEqual({ code: "NOT_FOUND", message: 'Organization "bpfmissing0000000000" not found' });
    });

    it("WHEN a folder does not exist THEN NOT_FOUND with the same message", async () => {
      expect(await errorOf(c.getFolder("b1fmissing0000000000"))).toEqual({ code: "NOT_FOUND", message: 'Folder "b1fmissing0000000000" not found' });
    });
  });

  describe("OS Login settings", () => {
    it("WHEN only ssh_certificate_settings.enabled is given THEN the user SSH key settings are untouched", async () => {
      await c.updateOsLoginSettings({ organizationId: ORG, userSshKeySettings: { enabled: true, allowManageOwnKeys: true } });
      const after = await c.updateOsLoginSettings({ organizationId: ORG, sshCertificateSettings: { enabled: true } });
      const expected = { userSshKeySettings: { enabled: true, allowManageOwnKeys: true }, sshCertificateSettings: { enabled: true } };
      expect(after).toEqual(expected);
      expect(await c.getOsLoginSettings(ORG)).toEqual(expected);
    });

    it("WHEN OS Login is turned on THEN every member has a default profile with the derived login", async () => {
      await c.updateOsLoginSettings({ organizationId: ORG, userSshKeySettings: { enabled: true } });
      const profiles = await listAll((pageToken) => c.listOsLoginProfiles({ organizationId: ORG, pageSize: 1n, pageToken }));
      expect(profiles.map((p) => [p.subjectId, p.login, p.uid, p.isDefault])).toEqual([
        [ALICE, "alice", 10000n, true],
        [BOB, "bob", 10001n, true],
      ]);
    });
  });

  describe("OS Login profiles", () => {
    it("WHEN a profile with uid 2^63-1 is created, read, listed by uid and updated THEN every value is exact", async () => {
      const created = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "big", uid: UID_MAX });
      expect(created).toEqual({
        id: expect.stringMatching(/^olp[a-v0-9]{17}$/),
        organizationId: ORG,
        subjectId: ALICE,
        login: "big",
        uid: UID_MAX,
        isDefault: true,
        homeDirectory: "/home/big",
        shell: "/bin/bash",
      });
      expect(await c.getOsLoginProfile(created.id)).toEqual(created);
      expect((await c.listOsLoginProfiles({ organizationId: ORG, filter: `uid="${UID_MAX}"` })).items).toEqual([created]);
      const updated = await c.updateOsLoginProfile({ osLoginProfileId: created.id, login: "big", shell: "/bin/zsh" });
      expect(updated).toEqual({ ...created, shell: "/bin/zsh" });
    });

    it("WHEN a second profile becomes default and the first is deleted THEN reads follow", async () => {
      const first = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "first" });
      const second = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "second", uid: 5000n });
      expect([first.isDefault, second.isDefault, first.uid]).toEqual([true, false, 10000n]);
      expect(await c.setDefaultOsLoginProfile(second.id)).toEqual({ ...second, isDefault: true });
      expect((await c.getOsLoginProfile(first.id)).isDefault).toBe(false);
      await c.deleteOsLoginProfile(first.id);
      expect(await errorOf(c.getOsLoginProfile(first.id))).toEqual({ code: "NOT_FOUND", message: `OS Login profile "${first.id}" not found` });
    });

    it("WHEN the login is invalid, taken, or the uid out of range THEN the same codes and messages", async () => {
      expect(await errorOf(c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "-bad" }))).toEqual({
        code: "INVALID_ARGUMENT",
        message:
          "Illegal argument login: must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters)",
      });
      expect(await errorOf(c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "low", uid: 1001n }))).toEqual({
        code: "INVALID_ARGUMENT",
        message: "Illegal argument uid: must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand)",
      });
      await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "taken" });
      const dup = await errorOf(c.createOsLoginProfile({ organizationId: ORG, subjectId: BOB, login: "taken" }));
      expect(dup.code).toBe("ALREADY_EXISTS");
      expect(dup.message).toContain('"taken"');
    });

    it("WHEN a create is retried with the same idempotency key THEN the first profile is returned and no second is made", async () => {
      const a = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "once" }, { idempotencyKey: "conf-once" });
      const b = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "once" }, { idempotencyKey: "conf-once" });
      expect(b).toEqual(a);
      expect((await c.listOsLoginProfiles({ organizationId: ORG })).items).toEqual([a]);
    });

    it("WHEN a member without roles lists profiles THEN PERMISSION_DENIED with the same message", async () => {
      const asBob = await w.as(bob);
      const denied = await errorOf(asBob.listOsLoginProfiles({ organizationId: ORG }));
      expect(denied.code).toBe("PERMISSION_DENIED");
      const other = await errorOf(new InProcessCloudClient(w.model, { kind: "subject", subject: bob }).listOsLoginProfiles({ organizationId: ORG }));
      expect(denied).toEqual(other);
    });
  });

  describe("user SSH keys and certificates", () => {
    it("WHEN a key is created, read, listed, renamed and deleted THEN values are exact (ssh-keygen fingerprint)", async () => {
      const key = await c.createUserSshKey({ organizationId: ORG, subjectId: ALICE, name: "laptop", data: PUBLIC_KEY, expiresAt: "2031-01-01T00:00:00.000Z" });
      expect(key).toEqual({
        id: expect.stringMatching(/^usk[a-v0-9]{17}$/),
        subjectId: ALICE,
        data: PUBLIC_KEY,
        name: "laptop",
        fingerprint: FINGERPRINT,
        organizationId: ORG,
        createdAt: NOW,
        expiresAt: "2031-01-01T00:00:00.000Z",
      });
      expect(await c.getUserSshKey(key.id)).toEqual(key);
      expect((await c.listUserSshKeys({ organizationId: ORG, subjectId: ALICE })).items).toEqual([key]);
      expect(await c.updateUserSshKey({ userSshKeyId: key.id, name: "work" })).toEqual({ ...key, name: "work" });
      await c.deleteUserSshKey(key.id);
      expect((await errorOf(c.getUserSshKey(key.id))).code).toBe("NOT_FOUND");
    });

    it("WHEN the key data is not a public key THEN INVALID_ARGUMENT naming data, identical in both", async () => {
      const e = await errorOf(c.createUserSshKey({ organizationId: ORG, subjectId: ALICE, data: "not a key" }));
      expect(e.code).toBe("INVALID_ARGUMENT");
      expect(e.message).toMatch(/^Illegal argument data: /);
      expect(e).toEqual(await errorOf(new InProcessCloudClient(w.model).createUserSshKey({ organizationId: ORG, subjectId: ALICE, data: "not a key" })));
    });

    it("WHEN certificates are on (which gives Alice her default profile) THEN a certificate for her is issued", async () => {
      await c.updateOsLoginSettings({ organizationId: ORG, sshCertificateSettings: { enabled: true } });
      const { signedCertificate } = await c.generateSshCertificate({ organizationId: ORG, subjectId: ALICE, publicKey: PUBLIC_KEY });
      expect(signedCertificate).toMatch(/^ssh-ed25519-cert-v01@openssh\.com AAAA[A-Za-z0-9+/=]+/);
    });
  });

  describe("access bindings and operations", () => {
    it("WHEN bindings are added, listed, set and the effective deltas asked THEN both agree", async () => {
      const viewer = { roleId: "viewer", subject: alice };
      const osLogin = { roleId: "compute.osLogin", subject: { type: "group", id: DEVS } };
      const effective = await c.updateAccessBindings({ kind: "folder", id: FOLDER }, [
        { action: "ADD", accessBinding: viewer },
        { action: "ADD", accessBinding: viewer },
        { action: "ADD", accessBinding: osLogin },
      ]);
      expect(effective).toEqual([
        { action: "ADD", accessBinding: viewer },
        { action: "ADD", accessBinding: osLogin },
      ]);
      expect((await c.listAccessBindings({ kind: "folder", id: FOLDER })).items).toEqual(expect.arrayContaining([viewer, osLogin]));
      await c.setAccessBindings({ kind: "folder", id: FOLDER }, [osLogin]);
      expect((await c.listAccessBindings({ kind: "folder", id: FOLDER })).items).toEqual([osLogin]);
      expect(await c.updateAccessBindings({ kind: "organization", id: ORG }, [{ action: "ADD", accessBinding: viewer }])).toEqual([]);
    });

    it("WHEN an operation id from the audit log is read THEN the Operation equals the stored one, payloads decoded", async () => {
      const profile = await c.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "audited", uid: UID_MAX });
      const event = w.model.audit.list(ADMIN, {}).items.find((e) => e.resourceId === profile.id)!;
      const op = await c.getOperation(event.operationId);
      expect(op).toEqual(w.model.ctx.getOperation(event.operationId));
      expect(op.response).toEqual({ typeName: "yandex.cloud.organizationmanager.v1.OsLoginProfile", value: profile });
      expect(op.metadata).toEqual({
        typeName: "yandex.cloud.organizationmanager.v1.CreateOsLoginProfileMetadata",
        value: { osLoginProfileId: profile.id, organizationId: ORG, subjectId: ALICE },
      });
      expect(await errorOf(c.getOperation("op0missing0000000000"))).toEqual({ code: "NOT_FOUND", message: 'Operation "op0missing0000000000" not found' });
    });
  });

  describe("IAM: service accounts and authorized keys", () => {
    it("WHEN a service account is created, renamed, listed and deleted THEN values are exact", async () => {
      const sa = await c.createServiceAccount({ folderId: FOLDER, name: "robot", description: "ci", labels: { team: "ops" } });
      expect(sa).toEqual({
        id: expect.stringMatching(/^ajs[a-v0-9]{17}$/),
        folderId: FOLDER,
        createdAt: NOW,
        name: "robot",
        description: "ci",
        labels: { team: "ops" },
      });
      expect(await c.getServiceAccount(sa.id)).toEqual(sa);
      const renamed = await c.updateServiceAccount({ serviceAccountId: sa.id, name: "robot2" });
      expect(renamed).toEqual({ ...sa, name: "robot2" });
      expect((await c.listServiceAccounts({ folderId: FOLDER })).items).toEqual([renamed]);
      await c.deleteServiceAccount(sa.id);
      expect((await errorOf(c.getServiceAccount(sa.id))).code).toBe("NOT_FOUND");
    });

    it("WHEN a service account name is invalid THEN INVALID_ARGUMENT naming name", async () => {
      const e = await errorOf(c.createServiceAccount({ folderId: FOLDER, name: "Robot!" }));
      expect(e.code).toBe("INVALID_ARGUMENT");
      expect(e.message).toMatch(/^Illegal argument name: /);
    });

    it("WHEN an authorized key is created THEN the private key comes once, the key reads back without it", async () => {
      const sa = await c.createServiceAccount({ folderId: FOLDER, name: "robot" });
      const created = await c.createKey({ serviceAccountId: sa.id, description: "deploy", keyAlgorithm: "RSA_2048" });
      expect(created.key).toEqual({
        id: expect.stringMatching(/^ajk[a-v0-9]{17}$/),
        serviceAccountId: sa.id,
        createdAt: NOW,
        description: "deploy",
        keyAlgorithm: "RSA_2048",
        publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/),
      });
      expect(created.privateKey).toMatch(/^PLEASE DO NOT REMOVE THIS LINE! Yandex\.Cloud SA Key ID /);
      expect(await c.getKey(created.key.id)).toEqual(created.key);
      expect((await c.listKeys({ serviceAccountId: sa.id })).items).toEqual([created.key]);
      expect(await c.updateKey({ keyId: created.key.id, description: "rotated" })).toEqual({ ...created.key, description: "rotated" });
      await c.deleteKey(created.key.id);
      expect((await errorOf(c.getKey(created.key.id))).code).toBe("NOT_FOUND");
    });
  });

  describe("compute instances", () => {
    const minimal = {
      folderId: FOLDER,
      name: "web-1",
      zoneId: "ru-central1-a",
      platformId: "standard-v3",
      resourcesSpec: { memory: 2147483648n, cores: 2n, coreFraction: 100n },
      metadata: { "enable-oslogin": "true" },
      bootDiskSpec: { diskSpec: { size: 10737418240n, imageId: "fd8image0000000000000" } },
      networkInterfaceSpecs: [{ subnetId: "e9bsubnet00000000001", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" as const } } }],
    };

    it("WHEN an instance is created with OS Login on THEN it runs with ssh_authorization OS_LOGIN and reads back exactly", async () => {
      await c.updateOsLoginSettings({ organizationId: ORG, userSshKeySettings: { enabled: true } });
      const vm = await c.createInstance(minimal);
      expect([vm.name, vm.status, vm.serialPortSettings.sshAuthorization, vm.metadata, vm.resources]).toEqual([
        "web-1",
        "RUNNING",
        "OS_LOGIN",
        { "enable-oslogin": "true" },
        { memory: 2147483648n, cores: 2n, coreFraction: 100n, gpus: 0n },
      ]);
      expect(await c.getInstance(vm.id)).toEqual(vm);
      expect((await c.listInstances({ folderId: FOLDER, view: "FULL" })).items).toEqual([vm]);
      const updated = await c.updateInstanceMetadata({ instanceId: vm.id, upsert: { "serial-port-enable": "1" }, delete: ["enable-oslogin"] });
      expect(updated.metadata).toEqual({ "serial-port-enable": "1" });
      const renamed = await c.updateInstance({ instanceId: vm.id, name: "web-2" });
      expect(renamed).toEqual({ ...updated, name: "web-2" });
      await c.deleteInstance(vm.id);
      expect((await errorOf(c.getInstance(vm.id))).code).toBe("NOT_FOUND");
    });

    it("WHEN OS Login is off THEN ssh_authorization defaults to INSTANCE_METADATA", async () => {
      const vm = await c.createInstance({ ...minimal, name: "web-3" });
      expect(vm.serialPortSettings).toEqual({ sshAuthorization: "INSTANCE_METADATA" });
    });
  });
});

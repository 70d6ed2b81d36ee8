// compute/v1 InstanceService over REST: create (Operation with the Instance), get (metadata only
// with view=FULL), list, update (PATCH with a mask), updateMetadata, delete, access bindings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEd25519KeyPair } from "../../../src/ssh/keypair.js";
import { parsePublicKey } from "../../../src/ssh/public-key.js";
import { ALICE, anyId, BOB, errorBody, FOLDER, NOW, startHarness, useExpect, type Harness } from "./harness.js";

useExpect(expect);
const BASE = "/compute/v1/instances";
const T = "type.googleapis.com/yandex.cloud.compute.v1.";
const spec = {
  folderId: FOLDER,
  name: "web-1",
  zoneId: "ru-central1-a",
  platformId: "standard-v3",
  resourcesSpec: { memory: "2147483648", cores: "2", coreFraction: "20" },
  metadata: { "enable-oslogin": "true" },
  bootDiskSpec: { diskSpec: { size: "10737418240", imageId: "fd8image" } },
  networkInterfaceSpecs: [{ subnetId: "e9bsubnet", primaryV4AddressSpec: { oneToOneNatSpec: { ipVersion: "IPV4" } } }],
};

let h: Harness;
let instance: Record<string, unknown> & { id: string };
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN a folder in an organization with OS Login off", () => {
  it("WHEN CreateInstance THEN a done Operation with the RUNNING instance, int64 resources as strings, INSTANCE_METADATA", async () => {
    const r = await h.call("POST", BASE, { body: spec });
    expect(r.status).toBe(200);
    const { "@type": type, ...rest } = r.body.response;
    instance = rest;
    expect(type).toBe(`${T}Instance`);
    expect(r.body).toEqual({
      id: anyId("op0"),
      description: "Create instance",
      createdAt: NOW,
      createdBy: "system:emulator-admin",
      modifiedAt: NOW,
      done: true,
      metadata: { "@type": `${T}CreateInstanceMetadata`, instanceId: instance.id },
      response: {
        "@type": `${T}Instance`,
        id: anyId("fhm"),
        folderId: FOLDER,
        createdAt: NOW,
        name: "web-1",
        description: "",
        labels: {},
        zoneId: "ru-central1-a",
        platformId: "standard-v3",
        resources: { memory: "2147483648", cores: "2", coreFraction: "20", gpus: "0" },
        status: "RUNNING",
        metadata: { "enable-oslogin": "true" },
        bootDisk: { mode: "READ_WRITE", deviceName: anyId("fhd"), autoDelete: false, diskId: anyId("fhd") },
        networkInterfaces: [
          {
            index: "0",
            macAddress: expect.stringMatching(/^d0:0d:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/),
            subnetId: "e9bsubnet",
            primaryV4Address: {
              address: expect.stringMatching(/^10\.\d+\.\d+\.\d+$/),
              oneToOneNat: { address: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), ipVersion: "IPV4" },
            },
            securityGroupIds: [],
          },
        ],
        fqdn: `${instance.id}.auto.internal`,
        serviceAccountId: "",
        serialPortSettings: { sshAuthorization: "INSTANCE_METADATA" },
      },
    });
  });

  it("WHEN Get without a view THEN no metadata; with view=FULL THEN the metadata", async () => {
    const basic = await h.call("GET", `${BASE}/${instance.id}`);
    expect(basic.status).toBe(200);
    expect(basic.body).toEqual({ ...instance, metadata: {} });
    const full = await h.call("GET", `${BASE}/${instance.id}?view=FULL`);
    expect(full.body).toEqual(instance);
  });

  it("WHEN view is not BASIC or FULL THEN 400", async () => {
    const r = await h.call("GET", `${BASE}/${instance.id}?view=ALL`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, 'Illegal argument view: must be one of BASIC, FULL, got "ALL"'));
  });

  it("WHEN List by folder THEN instances without metadata (with the emulator's view=FULL: with it)", async () => {
    const r = await h.call("GET", `${BASE}?folderId=${FOLDER}`);
    expect(r.body).toEqual({ instances: [{ ...instance, metadata: {} }], nextPageToken: "" });
    const full = await h.call("GET", `${BASE}?folderId=${FOLDER}&view=FULL`);
    expect(full.body).toEqual({ instances: [instance], nextPageToken: "" });
  });

  it("WHEN the same name is used again in the folder THEN 409", async () => {
    const r = await h.call("POST", BASE, { body: spec });
    expect(r.status).toBe(409);
    expect(r.body).toEqual(
      errorBody(6, `Instance already exists: the name "web-1" is taken in folder ${FOLDER} (instance names are unique per folder)`),
    );
  });

  it("WHEN cores is not an allowed value THEN 400 naming resources_spec.cores", async () => {
    const r = await h.call("POST", BASE, { body: { ...spec, name: "web-2", resourcesSpec: { memory: "2147483648", cores: "3" } } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(
        3,
        "Illegal argument resources_spec.cores: must be one of 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80 (got 3)",
      ),
    );
  });

  it("WHEN a nested spec has an unknown field THEN 400 naming the full path", async () => {
    const r = await h.call("POST", BASE, {
      body: { ...spec, name: "web-3", networkInterfaceSpecs: [{ subnetId: "e9b", nat: true }] },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument networkInterfaceSpecs[0].nat: is not a known field of this request"));
  });

  it("WHEN metadata values are not strings THEN 400 naming the key", async () => {
    const r = await h.call("POST", BASE, { body: { ...spec, name: "web-4", metadata: { "enable-oslogin": true } } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument metadata.enable-oslogin: must be a string, got true"));
  });

  it("WHEN Update (PATCH) sets labels with a mask THEN the Operation has the updated instance", async () => {
    const r = await h.call("PATCH", `${BASE}/${instance.id}`, { body: { labels: { env: "prod" }, updateMask: "labels" } });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}UpdateInstanceMetadata`, instanceId: instance.id });
    expect(r.body.response).toEqual({ "@type": `${T}Instance`, ...instance, labels: { env: "prod" } });
  });

  it("WHEN updateMetadata upserts and deletes keys THEN only those keys change", async () => {
    const r = await h.call("POST", `${BASE}/${instance.id}/updateMetadata`, {
      body: { upsert: { "serial-port-enable": "1" }, delete: ["enable-oslogin"] },
    });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}UpdateInstanceMetadataMetadata`, instanceId: instance.id });
    const full = await h.call("GET", `${BASE}/${instance.id}?view=FULL`);
    expect(full.body.metadata).toEqual({ "serial-port-enable": "1" });
  });

  it("WHEN access bindings are added on the instance THEN listed back", async () => {
    const binding = { roleId: "compute.osLogin", subject: { type: "userAccount", id: ALICE } };
    const r = await h.call("POST", `${BASE}/${instance.id}:updateAccessBindings`, {
      body: { accessBindingDeltas: [{ action: "ADD", accessBinding: binding }] },
    });
    expect(r.status).toBe(200);
    expect((await h.call("GET", `${BASE}/${instance.id}:listAccessBindings`)).body).toEqual({
      accessBindings: [binding],
      nextPageToken: "",
    });
  });

  it("WHEN Delete THEN Empty, and Get is 404", async () => {
    const r = await h.call("DELETE", `${BASE}/${instance.id}`);
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ "@type": `${T}DeleteInstanceMetadata`, instanceId: instance.id });
    expect(r.body.response).toEqual({ "@type": "type.googleapis.com/google.protobuf.Empty", value: {} });
    const gone = await h.call("GET", `${BASE}/${instance.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(5);
  });
});

describe("GIVEN OS Login on in the organization", () => {
  it("WHEN an instance is created without serialPortSettings THEN sshAuthorization defaults to OS_LOGIN", async () => {
    await h.call("PATCH", "/organization-manager/v1/organizations/bpfquickstartorg0001/osLoginSettings", {
      body: { sshCertificateSettings: { enabled: true } },
    });
    const r = await h.call("POST", BASE, { body: { ...spec, name: "web-oslogin" } });
    expect(r.status).toBe(200);
    expect(r.body.response.serialPortSettings).toEqual({ sshAuthorization: "OS_LOGIN" });
  });
});

describe("GIVEN a VM whose host keys the emulator admin recorded", () => {
  it("WHEN GET :serialPortOutput THEN cloud-init's fingerprint and key blocks; a member without compute.instances.get is refused; a later set replaces the keys", async () => {
    const created = await h.call("POST", BASE, { body: { ...spec, name: "web-keys", hostname: "web-keys" } });
    const id = created.body.response.id as string;
    expect((await h.call("GET", `${BASE}/${id}:serialPortOutput`)).body).toEqual({ contents: "" });
    const ed = generateEd25519KeyPair("root@web-keys").publicKey;
    const [type, blob] = ed.split(" ");
    const set = await h.call("POST", `/emulator/v1/instances/${id}:setHostKeys`, { body: { hostKeys: [ed] } });
    expect(set.status).toBe(200);
    const fingerprint = parsePublicKey(ed).fingerprint;
    expect(set.body).toEqual({ instanceId: id, fingerprints: [fingerprint] });
    const out = await h.call("GET", `${BASE}/${id}:serialPortOutput?port=1`);
    expect(out.status).toBe(200);
    const lines = (out.body.contents as string).split("\n");
    const stamp = "<14>Jan  2 03:04:05 cloud-init: ";
    expect(lines.slice(1, 11)).toEqual([
      `${stamp}${"#".repeat(61)}`,
      `${stamp}-----BEGIN SSH HOST KEY FINGERPRINTS-----`,
      `${stamp}256 ${fingerprint} root@web-keys (ED25519)`,
      `${stamp}-----END SSH HOST KEY FINGERPRINTS-----`,
      `${stamp}${"#".repeat(61)}`,
      "-----BEGIN SSH HOST KEY KEYS-----",
      `${type} ${blob} root@web-keys`,
      "-----END SSH HOST KEY KEYS-----",
      expect.stringMatching(/^Cloud-init v\. 22\.4\.2 finished at /),
      "",
    ]);
    expect((await h.call("GET", `${BASE}/${id}:serialPortOutput?port=2`)).body).toEqual({ contents: "" });
    expect((await h.call("GET", `${BASE}/${id}:serialPortOutput?port=5`)).body).toEqual(errorBody(3, "Illegal argument port: must be between 1 and 4"));

    const bob = await h.tokenFor(BOB);
    const denied = await h.call("GET", `${BASE}/${id}:serialPortOutput`, { token: bob });
    expect(denied.status).toBe(403);
    const notAdmin = await h.call("POST", `/emulator/v1/instances/${id}:setHostKeys`, { body: { hostKeys: [ed] }, token: bob });
    expect(notAdmin.status).toBe(403);
    const bad = await h.call("POST", `/emulator/v1/instances/${id}:setHostKeys`, { body: { hostKeys: ["ssh-ed25519 nope"] } });
    expect(bad.body).toEqual(errorBody(3, "Illegal argument host_keys[0]: is not a parseable OpenSSH public key"));

    const replaced = generateEd25519KeyPair("root@web-keys").publicKey;
    await h.call("POST", `/emulator/v1/instances/${id}:setHostKeys`, { body: { hostKeys: [replaced] } });
    const again = (await h.call("GET", `${BASE}/${id}:serialPortOutput`)).body.contents as string;
    expect(again).toContain(`\n${replaced}\n`);
    expect(again).not.toContain(blob);
  });
});

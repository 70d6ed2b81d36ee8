// Host keys from the cloud: the inventory reads each VM's serial console (GetSerialPortOutput), adds
// the keys of VMs it has not seen to known_hosts, and never replaces a key it already has.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { ADMIN } from "../../src/cloud/model/types.js";
import { generateEd25519KeyPair } from "../../src/ssh/keypair.js";
import { recordHostKeys } from "../../src/inventory/gather.js";
import { hostKeysFromConsole, updateKnownHosts } from "../../src/inventory/known-hosts.js";
import { QUICKSTART as Q, seedQuickstart } from "../e2e/harness/cloud.js";
import { config } from "./fixtures.js";

const FOLDER = Q.folderId;
const dir = mkdtempSync(join(tmpdir(), "known-hosts-"));
let model: CloudModel;
const ids: Record<string, string> = {};
const keyOf = (line: string) => line.split(" ").slice(0, 2).join(" ");

beforeAll(async () => {
  model = CloudModel.open({});
  seedQuickstart(model);
  const cloud = new InProcessCloudClient(model);
  for (const name of ["db-1", "web-1", "booting"]) {
    const vm = await cloud.createInstance({
      folderId: FOLDER,
      name,
      zoneId: "ru-central1-a",
      platformId: "standard-v3",
      resourcesSpec: { memory: 2n ** 30n, cores: 2n },
      metadata: { "enable-oslogin": "true" },
      bootDiskSpec: { diskSpec: { size: 10n * 2n ** 30n } },
      networkInterfaceSpecs: [{ subnetId: "e9bsubnet" }],
    });
    ids[name] = vm.id;
  }
});
afterAll(() => model.close());

describe("host keys from the cloud", () => {
  it("GIVEN cloud-init's console text WHEN parsed THEN the keys of the last keys block, without DSA", () => {
    const text = [
      "-----BEGIN SSH HOST KEY KEYS-----",
      "ssh-ed25519 AAAAold root@x",
      "-----END SSH HOST KEY KEYS-----",
      "<14>Jan  2 03:04:05 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----",
      "-----BEGIN SSH HOST KEY KEYS-----",
      "ssh-dss AAAAdsa root@x",
      "ecdsa-sha2-nistp256 AAAAecdsa= root@x",
      "ssh-ed25519 AAAAnew root@x",
      "-----END SSH HOST KEY KEYS-----",
    ].join("\r\n");
    expect(hostKeysFromConsole(text)).toEqual(["ecdsa-sha2-nistp256 AAAAecdsa=", "ssh-ed25519 AAAAnew"]);
    expect(hostKeysFromConsole("Booting...\n-----BEGIN SSH HOST KEY KEYS-----\nssh-ed25519 AAAA")).toEqual([]);
  });

  it("GIVEN VMs publishing keys WHEN the inventory records them THEN known_hosts (0600) names each VM; a replaced key is refused and reported naming the VM, the old entry kept", async () => {
    const db = generateEd25519KeyPair("root@db-1").publicKey;
    const web = generateEd25519KeyPair("root@web-1").publicKey;
    model.serialPorts.setHostKeys(ADMIN, { instanceId: ids["db-1"], hostKeys: [db] });
    model.serialPorts.setHostKeys(ADMIN, { instanceId: ids["web-1"], hostKeys: [web] });
    const file = join(dir, "sub", "known_hosts");
    const ctx = { client: new InProcessCloudClient(model), config: config({ known_hosts_file: file }), subject: { type: "serviceAccount", id: "unused" }, who: "service account unused" };
    const warnings: string[] = [];
    const first = await recordHostKeys(ctx, await listed(), (l) => warnings.push(l));
    expect(first).toEqual({ added: ["db-1", "web-1"], changed: [], unpublished: ["booting"] });
    expect(readFileSync(file, "utf8")).toBe(`db-1 ${keyOf(db)}\nweb-1 ${keyOf(web)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual(["VM booting: publishes no SSH host keys on its serial console yet; ssh will refuse it"]);

    const replaced = generateEd25519KeyPair("root@db-1").publicKey;
    model.serialPorts.setHostKeys(ADMIN, { instanceId: ids["db-1"], hostKeys: [replaced] });
    warnings.length = 0;
    const second = await recordHostKeys(ctx, await listed(), (l) => warnings.push(l));
    expect(second).toEqual({ added: [], changed: ["db-1"], unpublished: ["booting"] });
    expect(readFileSync(file, "utf8")).toBe(`db-1 ${keyOf(db)}\nweb-1 ${keyOf(web)}\n`);
    expect(warnings[0]).toBe(
      `VM db-1: the host key it publishes differs from the one in ${file}; ssh will refuse it. If the VM was re-created, remove the old key: ssh-keygen -R db-1 -f ${file}`,
    );
  });

  it("GIVEN a known_hosts with other entries WHEN a new VM is added THEN they are kept as they were", () => {
    const file = join(dir, "mixed");
    writeFileSync(file, "|1|hashed= ssh-ed25519 AAAAx\nother ssh-ed25519 AAAAy");
    expect(updateKnownHosts(file, [{ host: "new", keys: ["ssh-ed25519 AAAAz"] }])).toEqual({ added: ["new"], changed: [], unpublished: [] });
    expect(readFileSync(file, "utf8")).toBe("|1|hashed= ssh-ed25519 AAAAx\nother ssh-ed25519 AAAAy\nnew ssh-ed25519 AAAAz\n");
  });
});

async function listed() {
  return (await new InProcessCloudClient(model).listInstances({ folderId: FOLDER, view: "FULL" })).items;
}

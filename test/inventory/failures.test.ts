// The inventory fails loudly: one line on stderr and exit 1, never an empty inventory on stdout.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InProcessCloudClient } from "../../src/cloud/client/inprocess.js";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { authorizedKeyFileOf, writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { ensureTlsMaterial } from "../../src/cloud/tls.js";
import command from "../../src/cli/commands/inventory.js";

const ORG = "bpfquickstartorg0001";
const FOLDER = "b1gquickstartfolder1";
const SEED = `organizations:
  - id: ${ORG}
    name: quickstart
    clouds:
      - id: b1gquickstartcloud01
        name: c
        folders:
          - id: ${FOLDER}
            name: default
`;
const dir = mkdtempSync(join(tmpdir(), "inventory-failures-"));
const dataDir = join(dir, "cloud");
let keyId: string;
let model: CloudModel;

beforeAll(async () => {
  model = CloudModel.open({ dataDir });
  model.directory.seedFromYaml(SEED);
  const cloud = new InProcessCloudClient(model);
  const sa = await cloud.createServiceAccount({ folderId: FOLDER, name: "ansible" });
  const key = await cloud.createKey({ serviceAccountId: sa.id });
  keyId = key.key.id;
  writeAuthorizedKeyFile(join(dir, "key.json"), authorizedKeyFileOf(key));
  writeFileSync(join(dir, "garbage.json"), "{not json");
});

afterAll(() => model.close());

/** Runs `oslogin inventory --list` with a config; returns exit code, stdout and stderr. */
async function list(config: string) {
  const file = join(dir, `cfg-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, config);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(console, "error").mockImplementation((s) => void (stderr += `${s}\n`));
  try {
    const code = await command.run(["--list", "--config", file]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const base = (over: string) =>
  `service_account_key_file: ${join(dir, "key.json")}\norganization_id: ${ORG}\nfolders: [${FOLDER}]\ncache_dir: ${join(dir, "cache")}\n${over}`;

describe("GIVEN a broken setup WHEN the inventory is asked for --list", () => {
  it("a key file that is not JSON: exit 1, the file named", async () => {
    const r = await list(`data_dir: ${dataDir}\nservice_account_key_file: ${join(dir, "garbage.json")}\norganization_id: ${ORG}\nfolders: [${FOLDER}]\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^oslogin inventory: cannot use service_account_key_file ${join(dir, "garbage.json")}: `));
  });

  it("a data dir with no cloud in it: exit 1, nothing created", async () => {
    const r = await list(base(`data_dir: ${join(dir, "nowhere")}\n`));
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(`oslogin inventory: no emulator data in ${join(dir, "nowhere")} (expected ${join(dir, "nowhere", "cloud.db")})\n`);
  });

  it("a folder that does not exist (or may not be seen): exit 1 with the cloud's refusal", async () => {
    const r = await list(`data_dir: ${dataDir}\nservice_account_key_file: ${join(dir, "key.json")}\norganization_id: ${ORG}\nfolders: [b1fnosuchfolder00000]\n`);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toMatch(/^oslogin inventory: the cloud refused: (NOT_FOUND|PERMISSION_DENIED): /);
  });

  it("an unreachable API endpoint: exit 1, UNAVAILABLE", async () => {
    const tls = await ensureTlsMaterial(join(dir, "tls-home"));
    writeFileSync(join(dir, "ca.pem"), tls.certPem);
    const r = await list(base(`endpoint: 127.0.0.1:1\nroot_certs: ${join(dir, "ca.pem")}\n`));
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toMatch(/^oslogin inventory: the cloud refused: UNAVAILABLE: /);
  });

  it("credentials whose key was deleted: exit 1, UNAUTHENTICATED", async () => {
    await new InProcessCloudClient(model).deleteKey(keyId);
    const r = await list(base(`data_dir: ${dataDir}\n`));
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toMatch(/^oslogin inventory: the cloud refused: UNAUTHENTICATED: Unauthenticated: the JWT names key "/);
  });
});

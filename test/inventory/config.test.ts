import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInventoryConfig, parseInventoryConfig } from "../../src/inventory/config.js";

describe("inventory config", () => {
  it("GIVEN a YAML file with relative paths WHEN loaded THEN paths resolve against the file and defaults apply", () => {
    const dir = mkdtempSync(join(tmpdir(), "inv-cfg-"));
    writeFileSync(
      join(dir, "oslogin-inventory.yml"),
      "endpoint: localhost:9090\nroot_certs: tls/cert.pem\nservice_account_key_file: keys/sa.json\norganization_id: bpf1\nfolders: [b1f1]\ncache_dir: cache\n",
    );
    const cfg = loadInventoryConfig({}, dir);
    expect(cfg).toEqual({
      endpoint: "localhost:9090",
      rootCerts: join(dir, "tls/cert.pem"),
      dataDir: undefined,
      serviceAccountKeyFile: join(dir, "keys/sa.json"),
      organizationId: "bpf1",
      folderIds: ["b1f1"],
      labels: {},
      statuses: ["RUNNING"],
      hostname: "name",
      address: "nat",
      groupBy: { folder: true, zone: true, labelKeys: [], prefix: true },
      vars: {},
      login: undefined,
      sshPrivateKeyFile: undefined,
      cacheDir: join(dir, "cache"),
      renewMarginSeconds: 300,
      knownHostsFile: join(dir, "cache", "known_hosts"),
    });
  });

  it("GIVEN only environment variables WHEN loaded THEN they configure the inventory", () => {
    const cfg = loadInventoryConfig(
      { OSLOGIN_DATA_DIR: "/d", OSLOGIN_SERVICE_ACCOUNT_KEY_FILE: "/k.json", OSLOGIN_ORGANIZATION_ID: "bpf2", OSLOGIN_FOLDERS: "f1, f2" },
      mkdtempSync(join(tmpdir(), "inv-env-")),
    );
    expect([cfg.dataDir, cfg.serviceAccountKeyFile, cfg.organizationId, cfg.folderIds]).toEqual(["/d", "/k.json", "bpf2", ["f1", "f2"]]);
  });

  it.each([
    [{ bogus: 1 }, "bogus is not a known key"],
    [{ cloud: "yandex", data_dir: "/d" }, "cloud and data_dir are exclusive"],
    [{ folders: [] }, "folders must list at least one folder id"],
    [{ hostname: "ip" }, "hostname must be one of name, fqdn, id"],
    [{ renew_margin_seconds: 4000 }, "renew_margin_seconds must be a whole number of seconds from 0 to 3599"],
    [{ filters: { zone: "a" } }, "filters.zone is not a known filter"],
  ])("GIVEN %j WHEN parsed THEN the error names the key and the rule", (extra, message) => {
    const base = { data_dir: "/d", service_account_key_file: "/k", organization_id: "o", folders: ["f"] };
    expect(() => parseInventoryConfig({ ...base, ...extra }, "/", "inv.yml")).toThrow(`inv.yml: ${message}`);
  });

  it("GIVEN a member instead of a service account key WHEN parsed THEN any cloud takes it; the service account is then not required", () => {
    const member = { member: "alice@example.com", organization_id: "o", folders: ["f"] };
    for (const where of [{ data_dir: "/d" }, { endpoint: "h:1", data_dir: "/d" }, { endpoint: "h:1", root_certs: "/c.pem" }, { cloud: "yandex" }]) {
      const c = parseInventoryConfig({ ...member, ...where }, "/");
      expect([c.member, c.serviceAccountKeyFile, c.endpoint, c.dataDir]).toEqual(["alice@example.com", undefined, where.endpoint, where.data_dir]);
    }
    expect(() => parseInventoryConfig({ data_dir: "/d", organization_id: "o", folders: ["f"] }, "/", "inv.yml")).toThrow(
      "inv.yml: service_account_key_file is required (OSLOGIN_SERVICE_ACCOUNT_KEY_FILE), or member for oslogin ssh/scp",
    );
  });

  it("GIVEN no endpoint and no data_dir WHEN parsed THEN the error says which to give", () => {
    expect(() => parseInventoryConfig({ service_account_key_file: "/k", organization_id: "o", folders: ["f"] }, "/")).toThrow(
      "config: endpoint or data_dir is required (OSLOGIN_ENDPOINT / OSLOGIN_DATA_DIR)",
    );
  });
});

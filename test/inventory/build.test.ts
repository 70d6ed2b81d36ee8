import { describe, expect, it } from "vitest";
import { buildInventory, groupName } from "../../src/inventory/build.js";
import { toSshConfig } from "../../src/inventory/formats.js";
import { config, instance } from "./fixtures.js";

const credentials = { login: "yc-sa-ansible", privateKeyFile: "/cache/k", certificateFile: "/cache/k-cert.pub" };

describe("buildInventory", () => {
  it("GIVEN two OS Login VMs, one non-OS-Login and one stopped WHEN built THEN only the running OS Login VMs are hosts, grouped by folder and zone", () => {
    const inv = buildInventory({
      config: config(),
      instances: [
        instance("fhm2", { name: "web-2", nat: "198.51.100.2", zoneId: "ru-central1-b" }),
        instance("fhm1", { name: "web-1", nat: "198.51.100.1" }),
        instance("fhm3", { name: "legacy", metadata: { "enable-oslogin": "false" } }),
        instance("fhm4", { name: "stopped", status: "STOPPED" }),
      ],
      folderNames: { b1ffolder1: "prod-apps" },
      adminInstanceIds: new Set(["fhm1"]),
      credentials,
    });
    expect(inv).toEqual({
      _meta: {
        hostvars: {
          "web-1": {
            ansible_host: "198.51.100.1",
            ansible_user: "yc-sa-ansible",
            ansible_ssh_private_key_file: "/cache/k",
            ansible_ssh_common_args:
              "-o CertificateFile=/cache/k-cert.pub -o IdentitiesOnly=yes -o UserKnownHostsFile=/cache/known_hosts -o StrictHostKeyChecking=yes -o HostKeyAlias=web-1",
            ansible_become: true,
            oslogin_instance_id: "fhm1",
            oslogin_instance_name: "web-1",
            oslogin_folder_id: "b1ffolder1",
            oslogin_zone: "ru-central1-a",
            oslogin_fqdn: "fhm1.auto.internal",
            oslogin_labels: {},
          },
          "web-2": {
            ansible_host: "198.51.100.2",
            ansible_user: "yc-sa-ansible",
            ansible_ssh_private_key_file: "/cache/k",
            ansible_ssh_common_args:
              "-o CertificateFile=/cache/k-cert.pub -o IdentitiesOnly=yes -o UserKnownHostsFile=/cache/known_hosts -o StrictHostKeyChecking=yes -o HostKeyAlias=web-2",
            oslogin_instance_id: "fhm2",
            oslogin_instance_name: "web-2",
            oslogin_folder_id: "b1ffolder1",
            oslogin_zone: "ru-central1-b",
            oslogin_fqdn: "fhm2.auto.internal",
            oslogin_labels: {},
          },
        },
      },
      folder_prod_apps: { hosts: ["web-1", "web-2"] },
      oslogin: { hosts: ["web-1", "web-2"] },
      zone_ru_central1_a: { hosts: ["web-1"] },
      zone_ru_central1_b: { hosts: ["web-2"] },
      all: { children: ["ungrouped", "folder_prod_apps", "oslogin", "zone_ru_central1_a", "zone_ru_central1_b"] },
    });
  });

  it("GIVEN label filters, label grouping, internal addresses and extra vars WHEN built THEN hosts match every label and carry the vars", () => {
    const inv = buildInventory({
      config: config({
        filters: { labels: { env: "prod" } },
        group_by: { folder: false, zone: false, labels: ["role"] },
        address: "internal",
        vars: { ansible_python_interpreter: "/usr/bin/python3" },
      }),
      instances: [
        instance("fhm1", { name: "db-1", labels: { env: "prod", role: "db" }, nat: "198.51.100.1", internal: "10.128.0.5" }),
        instance("fhm2", { name: "db-2", labels: { env: "dev", role: "db" } }),
      ],
      folderNames: {},
      adminInstanceIds: new Set(),
      credentials,
    });
    expect(Object.keys(inv).sort()).toEqual(["_meta", "all", "label_role_db", "oslogin"]);
    expect(inv.label_role_db).toEqual({ hosts: ["db-1"] });
    expect(inv._meta.hostvars["db-1"].ansible_host).toBe("10.128.0.5");
    expect(inv._meta.hostvars["db-1"].ansible_python_interpreter).toBe("/usr/bin/python3");
    expect(inv._meta.hostvars["db-1"].ansible_become).toBeUndefined();
  });

  it("GIVEN group_by prefix false WHEN built THEN groups are named by the folder, zone and label values alone (issue 16: prefixes were forced)", () => {
    const inv = buildInventory({
      config: config({ group_by: { labels: ["role"], prefix: false } }),
      instances: [instance("fhm1", { name: "web-1", labels: { role: "web" } }), instance("fhm2", { name: "db-1", labels: { role: "db" }, zoneId: "ru-central1-b" })],
      folderNames: { b1ffolder1: "prod" },
      adminInstanceIds: new Set(),
      credentials,
    });
    expect(inv.all).toEqual({ children: ["ungrouped", "db", "oslogin", "prod", "ru_central1_a", "ru_central1_b", "web"] });
    expect(inv.web).toEqual({ hosts: ["web-1"] });
    expect(inv.db).toEqual({ hosts: ["db-1"] });
    expect(inv.prod).toEqual({ hosts: ["db-1", "web-1"] });
  });

  it("GIVEN two VMs with the same name in different folders WHEN named by name THEN both fall back to their ids", () => {
    const inv = buildInventory({
      config: config({ folders: ["b1ffolder1", "b1ffolder2"] }),
      instances: [instance("fhm1", { name: "app" }), instance("fhm2", { name: "app", folderId: "b1ffolder2" }), instance("fhm3", { name: "solo" })],
      folderNames: { b1ffolder1: "a", b1ffolder2: "b" },
      adminInstanceIds: new Set(),
      credentials,
    });
    expect(Object.keys(inv._meta.hostvars).sort()).toEqual(["fhm1", "fhm2", "solo"]);
  });

  it("GIVEN key-only credentials WHEN built THEN no CertificateFile is passed to ssh", () => {
    const inv = buildInventory({
      config: config(),
      instances: [instance("fhm1", { name: "k" })],
      folderNames: {},
      adminInstanceIds: new Set(),
      credentials: { login: "svc", privateKeyFile: "/keys/id_ed25519" },
    });
    expect(inv._meta.hostvars.k.ansible_ssh_common_args).toBe("-o IdentitiesOnly=yes -o UserKnownHostsFile=/cache/known_hosts -o StrictHostKeyChecking=yes -o HostKeyAlias=k");
  });

  it("sanitizes group names for Ansible", () => {
    expect(groupName("label", "tier.name", "web-1")).toBe("label_tier_name_web_1");
    expect(groupName("9lives")).toBe("_9lives");
  });

  it("GIVEN a built inventory WHEN rendered as ssh_config THEN each Host block checks the VM's key strictly against the inventory's known_hosts", () => {
    const inv = buildInventory({
      config: config(),
      instances: [instance("fhm1", { name: "web-1", nat: "198.51.100.1" })],
      folderNames: {},
      adminInstanceIds: new Set(),
      credentials,
    });
    expect(toSshConfig(inv)).toBe(
      [
        "Host web-1",
        "  HostName 198.51.100.1",
        "  User yc-sa-ansible",
        "  IdentityFile /cache/k",
        "  CertificateFile /cache/k-cert.pub",
        "  IdentitiesOnly yes",
        "  UserKnownHostsFile /cache/known_hosts",
        "  StrictHostKeyChecking yes",
        "  HostKeyAlias web-1",
        "",
      ].join("\n"),
    );
  });
});

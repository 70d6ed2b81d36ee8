// Shared fixtures for the inventory tests: a config, instances shaped as the cloud returns them.
import type { Instance } from "../../src/contract/api-types.js";
import { parseInventoryConfig, type InventoryConfig } from "../../src/inventory/config.js";

export function config(overrides: Record<string, unknown> = {}): InventoryConfig {
  return parseInventoryConfig(
    {
      data_dir: "/data",
      service_account_key_file: "/keys/sa.json",
      organization_id: "bpforg",
      folders: ["b1ffolder1"],
      cache_dir: "/cache",
      ...overrides,
    },
    "/base",
  );
}

export function instance(id: string, o: Partial<Instance> & { nat?: string; internal?: string } = {}): Instance {
  const { nat, internal, ...rest } = o;
  return {
    id,
    folderId: "b1ffolder1",
    createdAt: "2026-11-23T10:00:00.000Z",
    name: `vm-${id}`,
    description: "",
    labels: {},
    zoneId: "ru-central1-a",
    platformId: "standard-v3",
    resources: { memory: 2147483648n, cores: 2n, coreFraction: 100n, gpus: 0n },
    status: "RUNNING",
    metadata: { "enable-oslogin": "true" },
    bootDisk: { mode: "READ_WRITE", deviceName: "boot", autoDelete: true, diskId: "fhd1" },
    networkInterfaces: [
      {
        index: "0",
        macAddress: "d0:0d:00:00:00:01",
        subnetId: "e9bsubnet",
        primaryV4Address: { address: internal ?? "10.128.0.10", ...(nat ? { oneToOneNat: { address: nat, ipVersion: "IPV4" as const } } : {}) },
        securityGroupIds: [],
      },
    ],
    fqdn: `${id}.auto.internal`,
    serviceAccountId: "",
    serialPortSettings: { sshAuthorization: "OS_LOGIN" },
    ...rest,
  };
}

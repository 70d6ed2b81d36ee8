// The gRPC endpoint as `oslogin serve` runs it: startCloudServer wires startGrpcServer with the data
// directory's TLS material and admin token; a client that saved the certificate keeps working after
// a restart because the certificate is reused.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GrpcCloudClient, openGrpcCloudClient } from "../../../src/cloud/client/grpc.js";
import { startCloudServer } from "../../../src/cloud/server.js";
import { ALICE, ORG, SEED_YAML } from "./harness.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("GIVEN the emulator started with a data directory", () => {
  it("WHEN a profile is written over gRPC and the server restarts THEN the saved certificate and admin token still work and the profile is there", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "oslogin-grpc-"));
    dirs.push(dataDir);
    const first = await startCloudServer({ dataDir });
    first.model.directory.seedFromYaml(SEED_YAML);
    const savedCert = readFileSync(first.files.caCert!, "utf8");
    expect(savedCert).toBe(first.caCertPem);
    const adminToken = readFileSync(first.files.adminToken!, "utf8").trim();

    const client = new GrpcCloudClient({ endpoint: first.grpcEndpoint, rootCertPem: savedCert, iamToken: adminToken });
    const created = await client.createOsLoginProfile({ organizationId: ORG, subjectId: ALICE, login: "persisted", uid: 9223372036854775000n });
    await client.close();
    await first.close();

    const second = await startCloudServer({ dataDir });
    try {
      expect(second.caCertPem).toBe(savedCert);
      const again = new GrpcCloudClient({ endpoint: second.grpcEndpoint, rootCertPem: savedCert, iamToken: adminToken });
      expect(await again.getOsLoginProfile(created.id)).toEqual(created);
      await again.close();
    } finally {
      await second.close();
    }
  });
});

describe("GIVEN `oslogin serve` running on a data directory", () => {
  it("WHEN openGrpcCloudClient is given the endpoint and that directory THEN it calls as the admin over the saved certificate", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "oslogin-grpc-"));
    dirs.push(dataDir);
    const server = await startCloudServer({ dataDir });
    try {
      server.model.directory.seedFromYaml(SEED_YAML);
      const client = await openGrpcCloudClient({ endpoint: server.grpcEndpoint, dataDir });
      expect((await client.getOrganization(ORG)).name).toBe("quickstart");
      await client.close();
    } finally {
      await server.close();
    }
  });

  it("WHEN the directory was never served THEN FAILED_PRECONDITION names the missing file and what to run", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "oslogin-grpc-"));
    dirs.push(dataDir);
    await expect(openGrpcCloudClient({ endpoint: "127.0.0.1:1", dataDir })).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
      message: `cannot read the emulator admin token file ${join(dataDir, "admin-token")}: start \`oslogin serve --data-dir ${dataDir}\` first (it creates it)`,
    });
  });
});

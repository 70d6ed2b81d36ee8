// ConfigureProvider's side: the provider block (the real provider's argument names) to a CloudClient,
// against a real emulator server (gRPC over TLS, the SDK client) and an embedded data directory.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { startCloudServer, type CloudServer } from "../../src/cloud/server.js";
import { connectCloud, providerDefaults } from "../../src/tfplugin/connect.js";

const SEED = readFileSync(new URL("../../examples/quickstart/seed.yaml", import.meta.url), "utf8");
const ORG = "bpfquickstartorg0001";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tfplugin-connect-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return { message: (e as Error).message, argument: (e as { argument?: string }).argument };
  }
  throw new Error("expected a failure");
};

describe("provider defaults", () => {
  it("GIVEN scope arguments and YC_* variables WHEN resolved THEN the block wins and the environment fills the rest", () => {
    expect(providerDefaults({ folder_id: "f1", zone: null }, { YC_FOLDER_ID: "f2", YC_ZONE: "z", YC_ORGANIZATION_ID: "o" })).toEqual({
      endpoint: undefined,
      organization_id: "o",
      cloud_id: undefined,
      folder_id: "f1",
      zone: "z",
    });
  });
});

describe("configuration errors name the argument", () => {
  it("GIVEN neither endpoint nor a data directory nor credentials WHEN configured THEN (the real cloud being the default) the error asks for credentials", async () => {
    expect(await failure(connectCloud({}, {}))).toEqual({
      message: "no credentials: set token or service_account_key_file (or YC_TOKEN)",
      argument: "token",
    });
  });

  it("GIVEN plaintext WHEN configured THEN it is refused (the emulator's gRPC is TLS only)", async () => {
    expect(await failure(connectCloud({ endpoint: "127.0.0.1:1", plaintext: true, token: "t" }, {}))).toMatchObject({ argument: "plaintext" });
  });

  it("GIVEN an unreadable root_certs WHEN configured THEN the error names the file and the errno", async () => {
    expect(await failure(connectCloud({ endpoint: "127.0.0.1:1", root_certs: join(dir, "nope.pem"), token: "t" }, {}))).toEqual({
      message: `root_certs: cannot read ${join(dir, "nope.pem")} (ENOENT)`,
      argument: "root_certs",
    });
  });

  it("GIVEN key JSON without private_key WHEN configured THEN the error names the field, not the content", async () => {
    const e = await failure(connectCloud({ endpoint: "127.0.0.1:1", service_account_key_file: '{"id":"k","service_account_id":"sa"}' }, {}));
    expect(e).toEqual({ message: 'service_account_key_file: field "private_key" is missing or not a string', argument: "service_account_key_file" });
  });

  it("GIVEN a data directory without a cloud WHEN configured THEN it says so instead of starting an empty cloud", async () => {
    const empty = join(dir, "empty");
    const e = await failure(connectCloud({}, { OSLOGIN_TF_DATA_DIR: empty }));
    expect(e.message).toBe(
      `OSLOGIN_TF_DATA_DIR=${empty} holds no embedded cloud (expected ${join(empty, "cloud.db")}); run \`oslogin serve --data-dir ${empty}\` once, or seed it`,
    );
  });
});

describe("in-process cloud (OSLOGIN_TF_DATA_DIR)", () => {
  const data = () => join(dir, "cloud");
  beforeAll(() => {
    const model = CloudModel.open({ dataDir: data() });
    model.directory.seedFromYaml(SEED);
    model.close();
  });

  it("GIVEN no credentials WHEN configured THEN the client acts as the emulator admin", async () => {
    const { cloud, provider } = await connectCloud({ organization_id: ORG }, { OSLOGIN_TF_DATA_DIR: data() });
    expect((await cloud.getOrganization(ORG)).id).toBe(ORG);
    expect(provider.organization_id).toBe(ORG);
  });

  it("GIVEN a token that is not valid WHEN configured THEN it is UNAUTHENTICATED and the token is not echoed", async () => {
    const e = await failure(connectCloud({ token: "bogus-token-value" }, { OSLOGIN_TF_DATA_DIR: data() }));
    expect(e.message).toBe("Unauthenticated: the token is not valid or has expired");
  });
});

describe("gRPC through the SDK client against the emulator server", () => {
  let server: CloudServer;
  beforeAll(async () => {
    server = await startCloudServer({ dataDir: join(dir, "served") });
    server.model.directory.seedFromYaml(SEED);
  });
  afterAll(async () => server?.close());

  it("GIVEN root_certs and the admin token WHEN configured THEN calls go over TLS to the server", async () => {
    const { cloud } = await connectCloud({ endpoint: server.grpcEndpoint, root_certs: server.files.caCert!, token: server.adminToken }, {});
    expect((await cloud.getOsLoginSettings(ORG)).userSshKeySettings).toEqual({ enabled: false, allowManageOwnKeys: false });
    await cloud.close();
  });

  it("GIVEN insecure = true WHEN configured THEN the certificate the endpoint presents is trusted", async () => {
    const { cloud } = await connectCloud({ endpoint: server.grpcEndpoint, insecure: true }, { YC_TOKEN: server.adminToken });
    expect((await cloud.getOrganization(ORG)).id).toBe(ORG);
    await cloud.close();
  });

  it("GIVEN neither root_certs nor insecure WHEN a self-signed endpoint is called THEN the system store does not trust it and the error says how to", async () => {
    const { cloud } = await connectCloud({ endpoint: server.grpcEndpoint, token: server.adminToken }, {});
    await expect(cloud.getOrganization(ORG)).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
      message: `the TLS certificate of ${server.grpcEndpoint} is not trusted (self-signed certificate): trust its CA with root_certs, NODE_EXTRA_CA_CERTS or SSL_CERT_FILE`,
    });
    await cloud.close();
  });
});

// The emulator serves the SDK's generated definitions, so an SDK-client test alone could hide a
// wire mistake that both sides share. This client is built with @grpc/proto-loader from a
// hand-written .proto (longs as strings): it must interoperate, uid 2^63-1 included.
import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, ALICE, NOW, ORG, startGrpcHarness, type GrpcHarness } from "./harness.js";

const PROTO = fileURLToPath(new URL("./fixtures/os_login_subset.proto", import.meta.url));
const definition = loadSync(PROTO, { keepCase: false, longs: String, defaults: true, oneofs: true });
const pkg = loadPackageDefinition(definition) as unknown as {
  yandex: { cloud: { organizationmanager: { v1: { OsLoginService: ServiceClientConstructor } } } };
};
const OsLoginService = pkg.yandex.cloud.organizationmanager.v1.OsLoginService;
const ProfileType = protobuf.loadSync(PROTO).lookupType("yandex.cloud.organizationmanager.v1.OsLoginProfile");

let h: GrpcHarness;
let client: InstanceType<ServiceClientConstructor>;
beforeEach(async () => {
  h = await startGrpcHarness();
  client = new OsLoginService(h.endpoint, credentials.createSsl(Buffer.from(h.certPem)));
});
afterEach(async () => {
  client.close();
  expect(h.logged).toEqual([]);
  await h.close();
});

function unary<T>(method: string, request: object): Promise<T> {
  const md = new Metadata();
  md.set("authorization", `Bearer ${ADMIN_TOKEN}`);
  return new Promise((resolve, reject) => client[method](request, md, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

describe("GIVEN a client generated from an independent .proto", () => {
  it("WHEN it creates, gets and lists a profile with uid 2^63-1 THEN every field matches the hand-written schema", async () => {
    const op = await unary<{ done: boolean; createdBy: string; createdAt: { seconds: string }; response: { typeUrl: string; value: Buffer }; result: string }>(
      "CreateProfile",
      { organizationId: ORG, subjectId: ALICE, login: "independent", uid: "9223372036854775807" },
    );
    expect([op.done, op.createdBy, op.result, op.createdAt.seconds]).toEqual([true, "system:emulator-admin", "response", String(Date.parse(NOW) / 1000)]);
    expect(op.response.typeUrl).toBe("type.googleapis.com/yandex.cloud.organizationmanager.v1.OsLoginProfile");
    const created = ProfileType.toObject(ProfileType.decode(op.response.value), { longs: String, defaults: true });
    expect(created).toEqual({
      id: expect.stringMatching(/^olp/),
      organizationId: ORG,
      subjectId: ALICE,
      login: "independent",
      uid: "9223372036854775807",
      isDefault: true,
      homeDirectory: "/home/independent",
      shell: "/bin/bash",
    });
    expect(await unary("GetProfile", { osLoginProfileId: created.id })).toEqual(created);
    expect(await unary("ListProfiles", { organizationId: ORG, pageSize: "1", filter: 'login="independent"' })).toEqual({
      profiles: [created],
      nextPageToken: "",
    });
  });
});

// uid up to 2^63-1 end to end on the gRPC wire. The SDK's ts-proto client cannot represent such a
// uid (its decoders throw past Number.MAX_SAFE_INTEGER), so these calls are raw grpc-js over the
// same TLS endpoint, with requests written by the SDK's encoder (protobufjs accepts an int64 as a
// decimal string) and responses read here with protobufjs' Reader as Long: nothing of the
// emulator's own codec is used on the client side.
import { Client, Metadata, credentials } from "@grpc/grpc-js";
import { operation as sdkOperation } from "@yandex-cloud/nodejs-sdk/operation";
import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import protobuf from "protobufjs/minimal.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, ALICE, ORG, startGrpcHarness, type GrpcHarness } from "./harness.js";

const SERVICE = "/yandex.cloud.organizationmanager.v1.OsLoginService/";
const MAX = "9223372036854775807";

let h: GrpcHarness;
let raw: Client;
beforeEach(async () => {
  h = await startGrpcHarness();
  raw = new Client(h.endpoint, credentials.createSsl(Buffer.from(h.certPem)));
});
afterEach(async () => {
  raw.close();
  expect(h.logged).toEqual([]);
  await h.close();
});

function call(method: string, body: Uint8Array): Promise<Buffer> {
  const md = new Metadata();
  md.set("authorization", `Bearer ${ADMIN_TOKEN}`);
  return new Promise((resolve, reject) =>
    raw.makeUnaryRequest<Uint8Array, Buffer>(
      SERVICE + method,
      (b) => Buffer.from(b),
      (b) => b,
      body,
      md,
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
}

/** OsLoginProfile fields read independently: strings as text, uid (field 5) as a Long's decimal. */
function readProfile(bytes: Uint8Array): Record<string, string | boolean> {
  const names: Record<number, string> = { 1: "id", 2: "organizationId", 3: "subjectId", 4: "login", 7: "homeDirectory", 8: "shell" };
  const reader = protobuf.Reader.create(bytes);
  const out: Record<string, string | boolean> = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 5) out.uid = reader.int64().toString();
    else if (field === 6) out.isDefault = reader.bool();
    else if (names[field]) out[names[field]] = reader.string();
    else reader.skipType(tag & 7);
  }
  return out;
}

/** ListOsLoginProfilesResponse: field 1 = profiles. */
function readProfiles(bytes: Uint8Array): Record<string, string | boolean>[] {
  const reader = protobuf.Reader.create(bytes);
  const profiles: Record<string, string | boolean>[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) profiles.push(readProfile(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  return profiles;
}

const encode = <T>(codec: { encode(m: T): { finish(): Uint8Array }; fromPartial(o: object): T }, fields: object) =>
  codec.encode(codec.fromPartial(fields)).finish();

describe("GIVEN raw gRPC calls carrying uid 2^63-1", () => {
  it("WHEN CreateProfile, GetProfile, ListProfiles (filter uid) and UpdateProfile THEN the uid is exact everywhere", async () => {
    const createBytes = encode(osLoginService.CreateOsLoginProfileRequest, {
      organizationId: ORG,
      subjectId: ALICE,
      login: "big",
      uid: MAX as unknown as number, // protobufjs writes a decimal string as an exact int64
    });
    const op = sdkOperation.Operation.decode(await call("CreateProfile", createBytes));
    expect(op.response!.typeUrl).toBe("type.googleapis.com/yandex.cloud.organizationmanager.v1.OsLoginProfile");
    const created = readProfile(op.response!.value);
    expect(created).toEqual({
      id: expect.stringMatching(/^olp/),
      organizationId: ORG,
      subjectId: ALICE,
      login: "big",
      uid: MAX,
      isDefault: true,
      homeDirectory: "/home/big",
      shell: "/bin/bash",
    });
    expect(h.model.osLogin.getProfile({ kind: "admin" }, { osLoginProfileId: created.id as string }).uid).toBe(9223372036854775807n);

    const got = readProfile(await call("GetProfile", encode(osLoginService.GetOsLoginProfileRequest, { osLoginProfileId: created.id })));
    expect(got).toEqual(created);

    const listed = readProfiles(
      await call("ListProfiles", encode(osLoginService.ListOsLoginProfilesRequest, { organizationId: ORG, filter: `uid="${MAX}"` })),
    );
    expect(listed).toEqual([created]);

    const updateBytes = encode(osLoginService.UpdateOsLoginProfileRequest, {
      osLoginProfileId: created.id,
      login: "big",
      uid: "9223372036854775806" as unknown as number,
      updateMask: { paths: ["uid"] },
    });
    const updated = sdkOperation.Operation.decode(await call("UpdateProfile", updateBytes));
    expect(readProfile(updated.response!.value)).toEqual({ ...created, uid: "9223372036854775806" });
  });

  it("WHEN page_size is 2^60 THEN INVALID_ARGUMENT names page_size (read exactly, not rounded or rejected by the decoder)", async () => {
    const bytes = encode(osLoginService.ListOsLoginProfilesRequest, { organizationId: ORG, pageSize: "1152921504606846976" as unknown as number });
    await expect(call("ListProfiles", bytes)).rejects.toMatchObject({
      code: 3,
      details: "Illegal argument page_size: must be between 0 and 1000 (got 1152921504606846976)",
    });
  });

  it("WHEN the request bytes are not a protobuf message THEN INVALID_ARGUMENT, not INTERNAL", async () => {
    await expect(call("GetProfile", Uint8Array.from([0x0a, 0xff, 0xff]))).rejects.toMatchObject({ code: 3 });
    await expect(call("CreateProfile", Uint8Array.from([0x20, 0xff]))).rejects.toMatchObject({
      code: 3,
      details: "Illegal argument request: the message could not be decoded: a varint runs past the end of the message",
    });
  });
});

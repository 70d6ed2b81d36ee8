// Issue 15 item 8 over gRPC with the official SDK (and raw grpc-js where the SDK cannot carry the
// value): a uid past 2^63-1 in the ListProfiles filter answered INTERNAL before the fix, and a reused
// idempotency-key with another request answered the first call's Operation.
import { Client, Metadata as GrpcMetadata, credentials } from "@grpc/grpc-js";
import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import { Metadata } from "nice-grpc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, ALICE, BOB, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const { CreateOsLoginProfileRequest, OsLoginServiceClient } = osLoginService;

let h: GrpcHarness;
beforeEach(async () => {
  h = await startGrpcHarness();
});
afterEach(async () => {
  // Nothing here is an internal error.
  expect(h.logged).toEqual([]);
  await h.close();
});

describe("GIVEN a uid past 2^63-1", () => {
  it("WHEN ListProfiles filters on it THEN INVALID_ARGUMENT names the filter and the range", async () => {
    const osl = h.session().client(OsLoginServiceClient, h.endpoint);
    expect(await statusOf(osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: 'uid="9223372036854775808"' }))).toEqual({
      code: 3,
      details: 'Illegal argument filter: uid must be a decimal integer from 0 to 9223372036854775807 in double quotes, e.g. uid="10000"',
    });
  });

  it("WHEN CreateProfile carries it on the wire (2^63 read as an int64 is negative) THEN INVALID_ARGUMENT names uid", async () => {
    const raw = new Client(h.endpoint, credentials.createSsl(Buffer.from(h.certPem)));
    // protobufjs writes a decimal string as the int64's 64 bits: 2^63 arrives as -2^63.
    const body = CreateOsLoginProfileRequest.encode(
      CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "huge", uid: "9223372036854775808" as unknown as number }),
    ).finish();
    const md = new GrpcMetadata();
    md.set("authorization", `Bearer ${ADMIN_TOKEN}`);
    const status = await new Promise((resolve) =>
      raw.makeUnaryRequest(
        "/yandex.cloud.organizationmanager.v1.OsLoginService/CreateProfile",
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        body,
        md,
        (err) => resolve({ code: err?.code, details: err?.details }),
      ),
    );
    raw.close();
    expect(status).toEqual({ code: 3, details: "Illegal argument uid: must be between 1002 and 9223372036854775807 (the documented range for a uid set by hand)" });
  });
});

describe("GIVEN an idempotency-key used for a CreateProfile", () => {
  it("WHEN the same request is sent again THEN the first Operation; WHEN another request THEN INVALID_ARGUMENT names the key and nothing is created", async () => {
    const osl = h.session().client(OsLoginServiceClient, h.endpoint);
    const key = { metadata: Metadata({ "idempotency-key": "grpc-create-1" }) };
    const req = CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: BOB, login: "bob-ops", uid: 70000 });
    const first = await osl.createProfile(req, key);
    expect((await osl.createProfile(req, key)).id).toBe(first.id);
    const other = await statusOf(osl.createProfile(CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: BOB, login: "bob-other", uid: 70001 }), key));
    expect(other).toEqual({
      code: 3,
      details: `Illegal argument idempotency-key: "grpc-create-1" was already used for a different organizationmanager.OsLoginService.CreateProfile request (operation ${first.id}); send the same request to get that operation again, or use a new key`,
    });
    const list = await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: 'login="bob-other"' });
    expect(list.profiles).toEqual([]);
  });
});

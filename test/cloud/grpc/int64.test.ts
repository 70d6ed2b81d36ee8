import { osLoginService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import { describe, expect, it } from "vitest";
import { codec, decodeInt64Safe, encodeInt64Safe, type Int64Shape } from "../../../src/cloud/api/grpc/int64.js";
import { CloudError } from "../../../src/contract/errors.js";

const PROFILE: Int64Shape = { codec: codec(osLoginService.OsLoginProfile), int64: ["uid"] };
const LIST: Int64Shape = { codec: codec(osLoginService.ListOsLoginProfilesResponse), messages: { profiles: PROFILE } };
const CREATE: Int64Shape = { codec: codec(osLoginService.CreateOsLoginProfileRequest), int64: ["uid"] };

const profile = (uid: bigint) => ({
  id: "olp1",
  organizationId: "org1",
  subjectId: "user1",
  login: "alice",
  uid,
  isDefault: true,
  homeDirectory: "/home/alice",
  shell: "/bin/bash",
});

describe("int64-safe codec", () => {
  it("GIVEN uid 2^63-1 WHEN encoded and decoded THEN it is exact and the SDK's own decoder refuses it", () => {
    const bytes = encodeInt64Safe(PROFILE, profile(9223372036854775807n));
    expect(decodeInt64Safe(PROFILE, bytes)).toEqual(profile(9223372036854775807n));
    expect(() => osLoginService.OsLoginProfile.decode(bytes)).toThrow("Value is larger than Number.MAX_SAFE_INTEGER");
  });

  it("GIVEN a small uid WHEN encoded THEN the bytes are exactly what the SDK codec writes for it", () => {
    const ours = encodeInt64Safe(PROFILE, profile(1001n));
    const sdk = osLoginService.OsLoginProfile.decode(ours);
    expect(sdk).toEqual({ ...profile(1001n), uid: 1001 });
    expect(decodeInt64Safe(PROFILE, osLoginService.OsLoginProfile.encode({ ...profile(1001n), uid: 1001 }).finish())).toEqual(profile(1001n));
  });

  it("GIVEN a list response WHEN round-tripped THEN every nested uid is exact and the page token kept", () => {
    const message = { profiles: [profile(9223372036854775807n), profile(10000n)], nextPageToken: "next" };
    expect(decodeInt64Safe(LIST, encodeInt64Safe(LIST, message))).toEqual(message);
  });

  it("GIVEN a request with no uid WHEN decoded THEN uid is 0n (proto3 default)", () => {
    const bytes = osLoginService.CreateOsLoginProfileRequest.encode(
      osLoginService.CreateOsLoginProfileRequest.fromPartial({ organizationId: "org1", login: "bob" }),
    ).finish();
    expect(decodeInt64Safe(CREATE, bytes)).toEqual({ organizationId: "org1", subjectId: "", login: "bob", uid: 0n, homeDirectory: "", shell: "" });
  });

  it("GIVEN a negative uid WHEN round-tripped THEN two's complement keeps it exact", () => {
    expect(decodeInt64Safe<{ uid: bigint }>(PROFILE, encodeInt64Safe(PROFILE, profile(-5n))).uid).toBe(-5n);
  });

  it("GIVEN truncated bytes WHEN decoded THEN INVALID_ARGUMENT naming the request", () => {
    const bytes = encodeInt64Safe(PROFILE, profile(9223372036854775807n));
    let error: unknown;
    try {
      decodeInt64Safe(PROFILE, bytes.subarray(0, bytes.length - 3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CloudError);
    expect((error as CloudError).code).toBe("INVALID_ARGUMENT");
    expect((error as CloudError).message).toBe("Illegal argument request: the message could not be decoded: a varint runs past the end of the message");
  });
});

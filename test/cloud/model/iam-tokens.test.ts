import { constants, createPrivateKey, sign } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { authorizedKeyFileOf } from "../../../src/contract/key-file.js";
import { hashToken, IAM_TOKEN_AUDIENCE, signServiceAccountJwt } from "../../../src/cloud/model/iam-tokens.js";
import { ADMIN, type AuthorizedKeyFile, type ServiceAccount } from "../../../src/cloud/model/types.js";
import { ALICE, asUser, FIXED_NOW, FOLDER, type Fixture, openFixture } from "./iam-fixtures.js";

let f: Fixture;
let sa: ServiceAccount;
let keyFile: AuthorizedKeyFile;
beforeEach(async () => {
  f = openFixture();
  sa = f.serviceAccounts.create(ADMIN, { folderId: FOLDER, name: "deployer" }).response!.value as ServiceAccount;
  keyFile = authorizedKeyFileOf((await f.keys.create(ADMIN, { serviceAccountId: sa.id })));
});

const nowSeconds = Math.floor(FIXED_NOW.getTime() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** A JWT with chosen header/payload, signed PS256 with the key file's private key. */
function craft(header: Record<string, unknown>, payload: Record<string, unknown>, file = keyFile): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const pem = file.private_key.slice(file.private_key.indexOf("-----BEGIN"));
  const sig = sign("sha256", Buffer.from(input), { key: createPrivateKey(pem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${input}.${sig.toString("base64url")}`;
}
const goodHeader = () => ({ typ: "JWT", alg: "PS256", kid: keyFile.id });
const goodPayload = () => ({ iss: sa.id, aud: IAM_TOKEN_AUDIENCE, iat: nowSeconds, exp: nowSeconds + 3600 });

describe("IamTokenService.Create (JWT exchange)", () => {
  it("GIVEN a JWT signed by signServiceAccountJwt WHEN exchanging THEN a t1. token valid 12 h that resolves to the service account", async () => {
    const jwt = signServiceAccountJwt(keyFile, FIXED_NOW);
    const [h, p] = jwt.split(".").slice(0, 2).map((s) => JSON.parse(Buffer.from(s, "base64url").toString()));
    expect(h).toEqual({ typ: "JWT", alg: "PS256", kid: keyFile.id });
    expect(p).toEqual({ iss: sa.id, aud: "https://iam.api.cloud.yandex.net/iam/v1/tokens", iat: nowSeconds, exp: nowSeconds + 3600 });

    const res = f.iamTokens.create({ jwt });
    expect(res.iamToken).toMatch(/^t1\.[A-Za-z0-9_-]{43}$/);
    expect(res.expiresAt).toBe("2026-11-24T00:00:00.000Z");
    expect(f.iamTokens.resolve(res.iamToken)).toEqual({ type: "serviceAccount", id: sa.id });
  });

  it("GIVEN an issued token WHEN reading the table THEN only its SHA-256 hash is stored", async () => {
    const { iamToken } = f.iamTokens.create({ jwt: signServiceAccountJwt(keyFile, FIXED_NOW) });
    const rows = f.store.db.prepare("SELECT * FROM iam_tokens").all();
    expect(rows).toEqual([{ token_hash: hashToken(iamToken), subject_type: "serviceAccount", subject_id: sa.id, expires_at: "2026-11-24T00:00:00.000Z" }]);
    expect(JSON.stringify(f.store.db.prepare("SELECT * FROM audit_events").all()).includes(iamToken)).toBe(false);
  });

  it("GIVEN a token WHEN the clock passes expiresAt THEN resolve returns null", async () => {
    const { iamToken } = f.iamTokens.create({ jwt: signServiceAccountJwt(keyFile, FIXED_NOW) });
    f.clock.now = new Date(FIXED_NOW.getTime() + 12 * 3600 * 1000 - 1);
    expect(f.iamTokens.resolve(iamToken)).toEqual({ type: "serviceAccount", id: sa.id });
    f.clock.now = new Date(FIXED_NOW.getTime() + 12 * 3600 * 1000);
    expect(f.iamTokens.resolve(iamToken)).toBeNull();
    expect(f.iamTokens.resolve("t1.unknown")).toBeNull();
    expect(f.iamTokens.resolve("")).toBeNull();
  });

  it.each<[string, () => string, string]>([
    ["two parts", () => "a.b", "Unauthenticated: invalid JWT: expected three base64url parts, header.payload.signature"],
    ["a header that is not JSON", () => "bm90anNvbg.e30.c2ln", "Unauthenticated: invalid JWT: the header is not a base64url-encoded JSON object"],
    ["alg RS256", () => craft({ ...goodHeader(), alg: "RS256" }, goodPayload()), 'Unauthenticated: invalid JWT: header alg "RS256" is not supported: the IAM tokens endpoint accepts PS256 only'],
    ["no kid", () => craft({ typ: "JWT", alg: "PS256" }, goodPayload()), "Unauthenticated: invalid JWT: header kid (the authorized key id) is required"],
    ["no iss", () => craft(goodHeader(), { ...goodPayload(), iss: undefined }), "Unauthenticated: invalid JWT: payload iss (the service account id) is required"],
    ["a wrong aud", () => craft(goodHeader(), { ...goodPayload(), aud: "https://example.com" }), 'Unauthenticated: invalid JWT: payload aud must be "https://iam.api.cloud.yandex.net/iam/v1/tokens" (got "https://example.com")'],
    ["iat as a string", () => craft(goodHeader(), { ...goodPayload(), iat: "now" }), "Unauthenticated: invalid JWT: payload iat must be an integer number of seconds since the epoch"],
    ["a lifetime over one hour", () => craft(goodHeader(), { ...goodPayload(), exp: nowSeconds + 3601 }), "Unauthenticated: invalid JWT: payload exp - iat is 3601 seconds; a JWT may live at most 3600 seconds (one hour)"],
    ["exp before iat", () => craft(goodHeader(), { ...goodPayload(), exp: nowSeconds - 1 }), "Unauthenticated: invalid JWT: payload exp must be later than iat"],
  ])("GIVEN %s WHEN exchanging THEN UNAUTHENTICATED naming the broken rule", (_what, jwt, message) => {
    expect(() => f.iamTokens.create({ jwt: jwt() })).toThrowError(expect.objectContaining({ code: "UNAUTHENTICATED", field: "jwt", message }));
  });

  it("GIVEN no jwt WHEN exchanging THEN INVALID_ARGUMENT: the field is required", async () => {
    expect(() => f.iamTokens.create({ jwt: "" })).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT", field: "jwt", message: "Illegal argument jwt: the field is required" }),
    );
  });

  it.each<[string, () => string | Promise<string>, () => string]>([
    ["an unknown kid", () => craft({ ...goodHeader(), kid: "ajknope" }, goodPayload()), () => 'Unauthenticated: the JWT names key "ajknope" (kid), which does not exist or was deleted'],
    [
      "a signature by another key",
      async () => {
        const other = authorizedKeyFileOf((await f.keys.create(ADMIN, { serviceAccountId: sa.id })));
        return craft(goodHeader(), goodPayload(), other);
      },
      () => `Unauthenticated: the JWT signature does not verify with key "${keyFile.id}" (PS256 expected)`,
    ],
    ["a tampered payload", () => {
      const [h, , s] = craft(goodHeader(), goodPayload()).split(".");
      return `${h}.${b64({ ...goodPayload(), exp: nowSeconds + 3599 })}.${s}`;
    }, () => `Unauthenticated: the JWT signature does not verify with key "${keyFile.id}" (PS256 expected)`],
    ["iss of another service account", () => craft(goodHeader(), { ...goodPayload(), iss: "ajsother" }), () => `Unauthenticated: the JWT iss "ajsother" is not the service account of key "${keyFile.id}"`],
    ["an expired JWT", () => craft(goodHeader(), { ...goodPayload(), iat: nowSeconds - 3600, exp: nowSeconds }), () => "Unauthenticated: the JWT expired at 2026-11-23T12:00:00.000Z; sign a new one"],
    ["iat more than 60 s in the future", () => craft(goodHeader(), { ...goodPayload(), iat: nowSeconds + 61, exp: nowSeconds + 120 }), () => "Unauthenticated: the JWT iat 2026-11-23T12:01:01.000Z is in the future; check the signer's clock"],
  ])("GIVEN %s WHEN exchanging THEN UNAUTHENTICATED with a clear message", async (_what, jwt, message) => {
    const token = await jwt();
    expect(() => f.iamTokens.create({ jwt: token })).toThrowError(expect.objectContaining({ code: "UNAUTHENTICATED", message: message() }));
  });

  it("GIVEN iat 60 s in the future (clock skew) WHEN exchanging THEN accepted", async () => {
    expect(f.iamTokens.create({ jwt: craft(goodHeader(), { ...goodPayload(), iat: nowSeconds + 60, exp: nowSeconds + 120 }) }).iamToken).toMatch(/^t1\./);
  });

  it("GIVEN a deleted key WHEN exchanging a JWT signed with it THEN UNAUTHENTICATED", async () => {
    const jwt = signServiceAccountJwt(keyFile, FIXED_NOW);
    f.keys.delete(ADMIN, { keyId: keyFile.id });
    expect(() => f.iamTokens.create({ jwt })).toThrowError(`Unauthenticated: the JWT names key "${keyFile.id}" (kid), which does not exist or was deleted`);
  });

  it("GIVEN a deleted service account WHEN resolving its token THEN null", async () => {
    const { iamToken } = f.iamTokens.create({ jwt: signServiceAccountJwt(keyFile, FIXED_NOW) });
    f.serviceAccounts.delete(ADMIN, { serviceAccountId: sa.id });
    expect(f.iamTokens.resolve(iamToken)).toBeNull();
  });
});

describe("IamTokenService.issueFor (emulator-only)", () => {
  it("GIVEN the admin WHEN issuing for a member THEN the token resolves to that member", async () => {
    const { iamToken, expiresAt } = f.iamTokens.issueFor(ADMIN, { subject: { type: "userAccount", id: ALICE } });
    expect(expiresAt).toBe("2026-11-24T00:00:00.000Z");
    expect(f.iamTokens.resolve(iamToken)).toEqual({ type: "userAccount", id: ALICE });
  });

  it("GIVEN a member caller, an unknown subject or a group WHEN issuing THEN PERMISSION_DENIED / NOT_FOUND / INVALID_ARGUMENT", async () => {
    expect(() => f.iamTokens.issueFor(asUser(ALICE), { subject: { type: "userAccount", id: ALICE } })).toThrowError(
      "Permission denied: only the emulator admin may issue IAM tokens for a subject",
    );
    expect(() => f.iamTokens.issueFor(ADMIN, { subject: { type: "userAccount", id: "ajenope" } })).toThrowError('User "ajenope" not found');
    expect(() => f.iamTokens.issueFor(ADMIN, { subject: { type: "group", id: "x" } })).toThrowError(
      'Illegal argument subject.type: "group" must be userAccount or serviceAccount',
    );
  });
});

// How the gRPC layer answers failures: missing credentials, bad idempotency keys, rules a member
// runs into, and an unexpected server fault (INTERNAL with a generic message, the cause only in the
// server's log, never a stack trace on the wire).
import { Client, Metadata as GrpcMetadata, credentials } from "@grpc/grpc-js";
import { waitForOperation } from "@yandex-cloud/nodejs-sdk";
import { osLoginService, userSshKeyService } from "@yandex-cloud/nodejs-sdk/organizationmanager-v1";
import { Metadata } from "nice-grpc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, ORG, startGrpcHarness, statusOf, type GrpcHarness } from "./harness.js";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJFs7TIpJGNOya57KI7yPRjfT1AltLSazgSSXEBaftKp alice@laptop";

let h: GrpcHarness;
beforeEach(async () => {
  h = await startGrpcHarness();
});
afterEach(async () => {
  await h.close();
});

describe("GIVEN the gRPC endpoint", () => {
  it("WHEN a call carries no authorization metadata THEN UNAUTHENTICATED says what to send", async () => {
    const raw = new Client(h.endpoint, credentials.createSsl(Buffer.from(h.certPem)));
    const body = osLoginService.GetOsLoginSettingsRequest.encode({ organizationId: ORG }).finish();
    const status = await new Promise((resolve) =>
      raw.makeUnaryRequest(
        "/yandex.cloud.organizationmanager.v1.OsLoginService/GetSettings",
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        body,
        new GrpcMetadata(),
        (err) => resolve({ code: err?.code, details: err?.details }),
      ),
    );
    raw.close();
    expect(status).toEqual({ code: 16, details: "Unauthenticated: the Authorization header is missing; send 'Bearer <token>'" });
  });

  it("WHEN the idempotency-key is longer than 128 characters THEN INVALID_ARGUMENT names it and nothing is written", async () => {
    const osl = h.session().client(osLoginService.OsLoginServiceClient, h.endpoint);
    const req = osLoginService.CreateOsLoginProfileRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, login: "k" });
    expect(await statusOf(osl.createProfile(req, { metadata: Metadata({ "idempotency-key": "x".repeat(129) }) }))).toEqual({
      code: 3,
      details: "Illegal argument idempotency-key: must be 1 to 128 characters",
    });
    expect((await osl.listProfiles({ organizationId: ORG, pageSize: 0, pageToken: "", filter: "" })).profiles).toEqual([]);
  });

  it("WHEN a member manages their own SSH key THEN allow_manage_own_keys decides, and another member's key stays off limits", async () => {
    const admin = h.session();
    const allowOwnKeys = async (allowManageOwnKeys: boolean, maskPath: string) =>
      waitForOperation(
        await admin.client(osLoginService.OsLoginServiceClient, h.endpoint).updateSettings(
          osLoginService.UpdateOsLoginSettingsRequest.fromPartial({
            organizationId: ORG,
            userSshKeySettings: { enabled: true, allowManageOwnKeys },
            updateMask: { paths: [maskPath] },
          }),
        ),
        admin,
        5000,
        h.endpoint,
      );
    await allowOwnKeys(false, "user_ssh_key_settings");
    const aliceKeys = h.session(h.tokenFor({ type: "userAccount", id: ALICE })).client(userSshKeyService.UserSshKeyServiceClient, h.endpoint);
    const own = userSshKeyService.CreateUserSshKeyRequest.fromPartial({ organizationId: ORG, subjectId: ALICE, data: PUBLIC_KEY });
    const denied = await statusOf(aliceKeys.create(own));
    expect(denied.code).toBe(7);
    expect(denied.details).toMatch(/^Permission denied: /);

    await allowOwnKeys(true, "user_ssh_key_settings.allow_manage_own_keys");
    const op = await aliceKeys.create(own);
    expect(op.done).toBe(true);
    expect(op.createdBy).toBe(`userAccount:${ALICE}`);
    const forBob = await statusOf(aliceKeys.create(userSshKeyService.CreateUserSshKeyRequest.fromPartial({ organizationId: ORG, subjectId: BOB, data: PUBLIC_KEY })));
    expect(forBob.code).toBe(7);
  });

  it("WHEN the server hits an unexpected fault THEN INTERNAL with a generic message; the cause only reaches the log", async () => {
    const osl = h.session().client(osLoginService.OsLoginServiceClient, h.endpoint);
    h.model.close(); // a real fault: every query now fails inside better-sqlite3
    expect(await statusOf(osl.getSettings({ organizationId: ORG }))).toEqual({ code: 13, details: "Internal error" });
    expect(h.logged).toHaveLength(1);
    expect(h.logged[0]).toMatch(/^gRPC \/yandex\.cloud\.organizationmanager\.v1\.OsLoginService\/GetSettings: internal error: /);
    expect(h.logged[0]).not.toMatch(/\n\s+at /);
  });
});

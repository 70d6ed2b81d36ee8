// The REST wire rules every route shares: auth, strict decoding, int64 as strings, error body,
// body limit, unknown routes, idempotency keys, and "never a 500 with a stack".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpGateway } from "../../../src/cloud/api/rest/http.js";
import { route, Router } from "../../../src/cloud/api/rest/router.js";
import { ALICE, errorBody, NOW, ORG, startHarness, type Harness } from "./harness.js";

const PROFILES = "/organization-manager/v1/osLoginProfiles";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GIVEN the REST gateway WHEN a request is not authenticated", () => {
  it("THEN a missing Authorization header is 401 UNAUTHENTICATED in the Yandex error body", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`, { token: null });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(
      errorBody(16, "Unauthenticated: the Authorization header is missing; send 'Bearer <token>'"),
    );
  });

  it("THEN an unknown token is 401 and the token is not echoed", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`, { token: "t1.not-a-real-token" });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(errorBody(16, "Unauthenticated: the token is not valid or has expired"));
  });

  it("THEN another scheme than Bearer is 401", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}`, {
      token: null,
      headers: { authorization: "Basic dXNlcjpwYXNz" },
    });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(errorBody(16, "Unauthenticated: the Authorization header must be 'Bearer <token>'"));
  });
});

describe("GIVEN the REST gateway WHEN the route does not exist", () => {
  it("THEN an unknown path is 404 NOT_FOUND in the error shape", async () => {
    const r = await h.call("GET", "/organization-manager/v1/nothingHere");
    expect(r.status).toBe(404);
    expect(r.body).toEqual(errorBody(5, 'REST route "GET /organization-manager/v1/nothingHere" not found'));
  });

  it("THEN a known path with another method is 501 UNIMPLEMENTED", async () => {
    const r = await h.call("PUT", PROFILES);
    expect(r.status).toBe(501);
    expect(r.body).toEqual(errorBody(12, `Method PUT is not supported for ${PROFILES}`));
  });

  it("THEN an unknown route answers 404 even without auth (nothing to protect)", async () => {
    const r = await h.call("GET", "/nope", { token: null });
    expect(r.status).toBe(404);
  });
});

describe("GIVEN a create request WHEN the body is malformed", () => {
  it("THEN malformed JSON is 400 with the position and without echoing the body", async () => {
    const r = await h.call("POST", PROFILES, { raw: '{"organizationId": "secret-ish', headers: { "content-type": "application/json" } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(3);
    expect(r.body.message).toMatch(/^Request body is not valid JSON( \(at position \d+\))?$/);
    expect(r.body.message).not.toContain("secret-ish");
  });

  it("THEN an unknown field is 400 naming the field path", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, login: "x", logn: "typo" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument logn: is not a known field of this request"));
  });

  it("THEN an unknown nested field is 400 naming the full path", async () => {
    const r = await h.call("PATCH", `/organization-manager/v1/organizations/${ORG}/osLoginSettings`, {
      body: { userSshKeySettings: { enabled: true, allowManageOwn: true } },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(3, "Illegal argument userSshKeySettings.allowManageOwn: is not a known field of this request"),
    );
  });

  it("THEN a wrong type is 400 naming the field and the expected type", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, login: 42 } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument login: must be a string, got the number 42"));
  });

  it("THEN a boolean given as a string is 400", async () => {
    const r = await h.call("PATCH", `/organization-manager/v1/organizations/${ORG}/osLoginSettings`, {
      body: { sshCertificateSettings: { enabled: "yes" } },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(3, "Illegal argument sshCertificateSettings.enabled: must be a boolean (true or false), got a string"),
    );
  });

  it("THEN a body that is not an object is 400", async () => {
    const r = await h.call("POST", PROFILES, { body: [1, 2] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument body: must be a JSON object, got an array"));
  });

  it("THEN a missing required field is 400 naming it", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument login: the field is required"));
  });

  it("THEN the same field in both spellings is 400", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, organization_id: ORG, login: "x" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument organization_id: is the same field as organizationId; give it once"));
  });

  it("THEN a body on a route that takes none is 400", async () => {
    const r = await h.call("POST", `${PROFILES}/olpnotthere0000000000:setDefault`, { body: { x: 1 } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument body: must be empty or {} for this request"));
  });
});

describe("GIVEN int64 fields WHEN they cross the wire", () => {
  it("THEN a uid past 2^53 sent as a string is stored and returned exactly, as a string", async () => {
    const r = await h.call("POST", PROFILES, {
      body: { organizationId: ORG, subjectId: ALICE, login: "big-uid", uid: "9007199254740993" },
    });
    expect(r.status).toBe(200);
    expect(r.body.response.uid).toBe("9007199254740993");
    const got = await h.call("GET", `${PROFILES}/${r.body.response.id}`);
    expect(got.body.uid).toBe("9007199254740993");
    expect(h.model.osLogin.getProfile({ kind: "admin" }, { osLoginProfileId: r.body.response.id }).uid).toBe(9007199254740993n);
  });

  it("THEN a safe integer JSON number is accepted", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, subjectId: ALICE, login: "num-uid", uid: 20000 } });
    expect(r.status).toBe(200);
    expect(r.body.response.uid).toBe("20000");
  });

  it("THEN a JSON number past 2^53 is rejected (it was already rounded by JSON)", async () => {
    const r = await h.call("POST", PROFILES, { raw: `{"organizationId":"${ORG}","login":"x","uid":9007199254740993}` });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(
        3,
        "Illegal argument uid: must be an int64 as a decimal string; the number 9007199254740992 is not an integer a JSON number can carry exactly (send it as a string)",
      ),
    );
  });

  it("THEN a non-numeric string is rejected", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, login: "x", uid: "12abc" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, 'Illegal argument uid: must be an int64 as a decimal string, got "12abc"'));
  });

  it("THEN a value past int64 is rejected", async () => {
    const r = await h.call("POST", PROFILES, { body: { organizationId: ORG, login: "x", uid: "9223372036854775808" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument uid: must fit in a signed 64-bit integer"));
  });

  it("THEN pageSize in the query is decoded as int64 and range-checked by the model", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}&pageSize=1001`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument page_size: must be between 0 and 1000 (got 1001)"));
  });
});

describe("GIVEN query parameters", () => {
  it("THEN an unknown query parameter is 400 naming it", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}&pagesize=10`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument pagesize: is not a known field of this request"));
  });

  it("THEN a query parameter on a route without any is 400", async () => {
    const r = await h.call("GET", `/organization-manager/v1/organizations/${ORG}?x=1`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument x: is not a known query parameter of this request"));
  });

  it("THEN snake_case query names are accepted like camelCase", async () => {
    const r = await h.call("GET", `${PROFILES}?organization_id=${ORG}&page_size=1`);
    expect(r.status).toBe(200);
    expect(r.body.profiles).toHaveLength(1);
  });

  it("THEN a parameter given twice is 400", async () => {
    const r = await h.call("GET", `${PROFILES}?organizationId=${ORG}&organizationId=${ORG}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(errorBody(3, "Illegal argument organizationId: is given more than once"));
  });
});

describe("GIVEN a body over the limit", () => {
  it("THEN the gateway answers 413 in the error shape and writes nothing", async () => {
    const before = h.model.audit.list({ kind: "admin" }, { pageSize: 1000 }).items.length;
    const r = await h.call("POST", "/organization-manager/v1/userSshKeys", {
      body: { organizationId: ORG, subjectId: ALICE, data: "x".repeat(1024 * 1024) },
    });
    expect(r.status).toBe(413);
    expect(r.body).toEqual(errorBody(3, "Request body too large: the limit is 1048576 bytes"));
    expect(h.model.audit.list({ kind: "admin" }, { pageSize: 1000 }).items.length).toBe(before);
  });

  it("THEN a chunked body (no Content-Length) over the limit is also 413", async () => {
    const small = await startHarness({ bodyLimit: 100 });
    try {
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(50)));
          c.close();
        },
      });
      const res = await fetch(`${small.url}${PROFILES}`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token-0123456789" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(errorBody(3, "Request body too large: the limit is 100 bytes"));
    } finally {
      await small.close();
    }
  });
});

describe("GIVEN an Idempotency-Key header on a create", () => {
  it("THEN a retry with the same key returns the first Operation and creates nothing new", async () => {
    const body = { organizationId: ORG, subjectId: ALICE, login: "idem-1" };
    const headers = { "idempotency-key": "create-idem-1" };
    const first = await h.call("POST", PROFILES, { body, headers });
    const second = await h.call("POST", PROFILES, { body, headers });
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const list = await h.call("GET", `${PROFILES}?organizationId=${ORG}&filter=${encodeURIComponent('login="idem-1"')}`);
    expect(list.body.profiles).toHaveLength(1);
  });

  it("THEN without a key the same create is a duplicate (409 ALREADY_EXISTS)", async () => {
    const body = { organizationId: ORG, subjectId: ALICE, login: "idem-2" };
    expect((await h.call("POST", PROFILES, { body })).status).toBe(200);
    const again = await h.call("POST", PROFILES, { body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(6);
  });

  it("THEN a key with spaces or over 128 characters is 400", async () => {
    const r = await h.call("POST", PROFILES, {
      body: { organizationId: ORG, login: "x" },
      headers: { "idempotency-key": "has space" },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(
      errorBody(3, "Illegal argument Idempotency-Key: must be one header of 1-128 printable ASCII characters"),
    );
  });
});

describe("GIVEN a handler that fails with something other than a CloudError", () => {
  it("THEN the client gets 500 INTERNAL with a generic message and the log one line without a stack", async () => {
    const logged: string[] = [];
    const gw = await startHttpGateway({
      router: new Router([
        route({
          method: "GET",
          path: "/boom",
          handle: () => {
            throw new TypeError("cannot read properties of undefined (reading 'x')");
          },
        }),
      ]),
      authenticate: () => ({ kind: "admin" }),
      log: (l) => logged.push(l),
    });
    try {
      const res = await fetch(`${gw.url}/boom`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual(errorBody(13, "Internal error"));
      expect(logged).toEqual(["rest: internal error (TypeError: cannot read properties of undefined (reading 'x'))"]);
    } finally {
      await gw.close();
    }
  });
});

describe("GIVEN any answer", () => {
  it("THEN it is JSON with a Content-Type and timestamps in RFC3339", async () => {
    const r = await h.call("GET", `/organization-manager/v1/organizations/${ORG}`);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(r.body.createdAt).toBe(NOW);
  });
});

// The REST surface as a whole: exactly these routes, so adding or dropping one is a visible change
// (docs/api.md, "REST surface", lists the same table).
import { describe, expect, it } from "vitest";
import { Router } from "../../../src/cloud/api/rest/router.js";
import { restRoutes } from "../../../src/cloud/api/rest/server.js";
import { CloudModel } from "../../../src/cloud/model/cloud-model.js";

const bindings = (base: string) => [
  `GET ${base}/{resourceId}:listAccessBindings`,
  `POST ${base}/{resourceId}:setAccessBindings`,
  `POST ${base}/{resourceId}:updateAccessBindings`,
];

describe("GIVEN the REST gateway's route table", () => {
  it("THEN it holds exactly the Yandex paths of the implemented services plus /emulator/v1", () => {
    const model = CloudModel.open();
    try {
      expect(new Router(restRoutes(model)).list()).toEqual([
        "GET /organization-manager/v1/organizations/{organizationId}/osLoginSettings",
        "PATCH /organization-manager/v1/organizations/{organizationId}/osLoginSettings",
        "GET /organization-manager/v1/osLoginProfiles/{osLoginProfileId}",
        "GET /organization-manager/v1/osLoginProfiles",
        "POST /organization-manager/v1/osLoginProfiles",
        "PATCH /organization-manager/v1/osLoginProfiles/{osLoginProfileId}",
        "POST /organization-manager/v1/osLoginProfiles/{osLoginProfileId}:setDefault",
        "DELETE /organization-manager/v1/osLoginProfiles/{id}",
        "POST /organization-manager/v1/sshCertificates:generate",
        "GET /organization-manager/v1/userSshKeys/{userSshKeyId}",
        "GET /organization-manager/v1/userSshKeys",
        "POST /organization-manager/v1/userSshKeys",
        "PATCH /organization-manager/v1/userSshKeys/{userSshKeyId}",
        "DELETE /organization-manager/v1/userSshKeys/{userSshKeyId}",
        "GET /organization-manager/v1/organizations/{organizationId}",
        "GET /organization-manager/v1/organizations",
        "GET /organization-manager/v1/organizations/{organizationId}/users",
        ...bindings("/organization-manager/v1/organizations"),
        "GET /resource-manager/v1/clouds/{cloudId}",
        "GET /resource-manager/v1/clouds",
        ...bindings("/resource-manager/v1/clouds"),
        "GET /resource-manager/v1/folders/{folderId}",
        "GET /resource-manager/v1/folders",
        ...bindings("/resource-manager/v1/folders"),
        "GET /iam/v1/serviceAccounts/{serviceAccountId}",
        "GET /iam/v1/serviceAccounts",
        "POST /iam/v1/serviceAccounts",
        "PATCH /iam/v1/serviceAccounts/{serviceAccountId}",
        "DELETE /iam/v1/serviceAccounts/{serviceAccountId}",
        ...bindings("/iam/v1/serviceAccounts"),
        "GET /iam/v1/keys/{keyId}",
        "GET /iam/v1/keys",
        "POST /iam/v1/keys",
        "PATCH /iam/v1/keys/{keyId}",
        "DELETE /iam/v1/keys/{keyId}",
        "POST /iam/v1/tokens",
        "GET /compute/v1/instances/{instanceId}",
        "GET /compute/v1/instances",
        "POST /compute/v1/instances",
        "PATCH /compute/v1/instances/{instanceId}",
        "POST /compute/v1/instances/{instanceId}/updateMetadata",
        "DELETE /compute/v1/instances/{instanceId}",
        "GET /compute/v1/instances/{instanceId}:serialPortOutput",
        ...bindings("/compute/v1/instances"),
        "GET /operations/{operationId}",
        "POST /emulator/v1/iamTokens",
        "POST /emulator/v1/instances/{instanceId}:setHostKeys",
        "GET /emulator/v1/auditEvents",
        "POST /emulator/v1/seed",
        "POST /emulator/v1/organizations",
        "POST /emulator/v1/organizations/{organizationId}/members",
        "POST /emulator/v1/organizations/{organizationId}/groups",
        "POST /emulator/v1/organizations/{organizationId}/clouds",
        "POST /emulator/v1/clouds/{cloudId}/folders",
      ]);
    } finally {
      model.close();
    }
  });

  it("WHEN two routes share method and pattern THEN building the router fails", () => {
    const r = { method: "GET" as const, path: "/x", handle: () => ({}) };
    expect(() => new Router([r, r])).toThrow("duplicate REST route GET /x");
  });
});

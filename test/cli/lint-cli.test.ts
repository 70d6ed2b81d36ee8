// `oslogin lint` end to end: on the applied stack (what is) and on a plan JSON (what will be),
// the policy file from the working directory, --fail-on exit codes and bad-input errors.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BOB, ORG, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { oslogin, osLoginVm } from "./run-cli.js";

const stack = (scope: "folder" | "organization") => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    ...(scope === "folder"
      ? { yandex_resourcemanager_folder_iam_member: { bob: { folder_id: "b1gquickstartfolder1", role: "compute.osAdminLogin", member: `userAccount:${BOB}` } } }
      : { yandex_organizationmanager_organization_iam_member: { bob: { organization_id: ORG, role: "compute.osAdminLogin", member: `userAccount:${BOB}` } } }),
    yandex_compute_instance: { web: osLoginVm("web") },
  },
});

describe("GIVEN a stack where Bob has sudo on the folder", () => {
  it("WHEN linted live and on a plan that widens it to the organization THEN broad-admin-login fires only on the plan", () => {
    const dir = tempDir("oslogin-lint-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, stack("folder"));
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);

    const live = oslogin(dir, "lint", "--format", "json", "--fail-on", "error");
    expect(live.err).toBe("");
    expect(JSON.parse(live.out).findings.filter((f: { ruleId: string }) => f.ruleId === "broad-admin-login")).toEqual([]);
    expect(live.code).toBe(0);

    writeStack(dir, stack("organization"));
    expect(oslogin(dir, "plan", "-out", "p.bin").code).toBe(0);
    writeFileSync(path.join(dir, "plan.json"), oslogin(dir, "show", "-json", "p.bin").out);
    const planned = oslogin(dir, "lint", "plan.json", "--fail-on", "error");
    expect(planned.out).toContain(`error   broad-admin-login yandex_organizationmanager_organization_iam_member.bob: userAccount:${BOB} gets sudo on every VM of organization ${ORG}\n`);
    expect(planned.code).toBe(3);

    const target = "yandex_organizationmanager_organization_iam_member.bob";
    writeFileSync(path.join(dir, ".oslogin-policy.yml"), `exceptions:\n  - rule: broad-admin-login\n    target: ${target}\n    reason: incident 42\n    expires: 2999-01-01\n`);
    const excepted = oslogin(dir, "lint", "plan.json", "--fail-on", "error");
    expect(excepted.out).toContain("[exception until 2999-01-01: incident 42]");
    expect(excepted.code).toBe(0);
    writeFileSync(path.join(dir, ".oslogin-policy.yml"), `exceptions:\n  - rule: broad-admin-login\n    target: ${target}\n    reason: incident 42\n    expires: 2020-01-01\n`);
    const expired = oslogin(dir, "lint", "plan.json", "--fail-on", "error");
    expect(expired.out).toContain("[the exception expired on 2020-01-01 and no longer applies: incident 42]");
    expect(expired.code).toBe(3);

    const sarif = JSON.parse(oslogin(dir, "lint", "plan.json", "--format", "sarif").out);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "broad-admin-login").locations[0].physicalLocation.artifactLocation.uri).toBe("plan.json");

    writeFileSync(path.join(dir, ".oslogin-policy.yml"), "rules:\n  broad-admin-login:\n    severity: fatal\n");
    const bad = oslogin(dir, "lint", "plan.json");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("the policy .oslogin-policy.yml: rules.broad-admin-login.severity must be one of error, warning, note");
    expect(oslogin(dir, "lint", "--fail-on", "fatal").code).toBe(2);
  }, 180_000);
});

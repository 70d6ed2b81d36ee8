import { afterEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import path from "node:path";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ORG, engineFor, profilesStack, seededModel, tempDir, writeStack } from "./fixtures.js";

let model: CloudModel | undefined;
afterEach(() => model?.close());

/** Plans (then tries to apply) a stack; returns the error lines and whether any state was written. */
async function attempt(stack: object | string) {
  model = seededModel();
  const dir = tempDir();
  const out = writeStack(dir, stack);
  const engine = engineFor(model, path.join(dir, ".oslogin"));
  const r = await engine.run({ outDir: out });
  return {
    errors: r.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic),
    applied: r.applied,
    stateWritten: existsSync(path.join(dir, ".oslogin/stacks/test/terraform.tfstate")),
  };
}

const base = () => profilesStack({ profiles: 1 }) as Record<string, any>;

describe("GIVEN bad input", () => {
  it("WHEN cdk.tf.json is not JSON THEN the diagnostic names the file and nothing is applied", async () => {
    const r = await attempt("{ not json");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Error: Malformed cdk\.tf\.json: .*cdk\.tf\.json: /);
    expect(r.stateWritten).toBe(false);
  });

  it("WHEN a resource type is unknown THEN the diagnostic names the address and nothing is applied", async () => {
    const s = base();
    s.resource.yandex_foo = { bar: { x: 1 } };
    const r = await attempt(s);
    expect(r.errors).toEqual(['Error: Invalid resource type (yandex_foo.bar): the provider does not support resource type "yandex_foo"']);
    expect(r.applied).toBeUndefined();
    expect(r.stateWritten).toBe(false);
  });

  it("WHEN a reference points to nothing THEN the diagnostic names both ends", async () => {
    const s = base();
    s.resource.null_resource.marker.triggers = { x: "${yandex_iam_service_account.ghost.id}" };
    const r = await attempt(s);
    expect(r.errors).toEqual([
      "Error: Reference to undeclared resource (null_resource.marker): yandex_iam_service_account.ghost.id refers to yandex_iam_service_account.ghost, which is not declared in this stack",
    ]);
  });

  it("WHEN blocks reference each other in a loop THEN the cycle is named", async () => {
    const s = base();
    s.resource.null_resource.a = { triggers: { x: "${null_resource.b.id}" } };
    s.resource.null_resource.b = { triggers: { x: "${null_resource.a.id}" } };
    const r = await attempt(s);
    expect(r.errors).toEqual(["Error: Cycle (null_resource.a): the blocks depend on each other in a loop (→ = depends on): null_resource.a → null_resource.b → null_resource.a"]);
  });

  it("WHEN an attribute has the wrong type or a bad value THEN the diagnostic has the address and attribute path", async () => {
    const s = base();
    s.resource.yandex_organizationmanager_os_login_settings.org.user_ssh_key_settings = { enabled: "maybe" };
    s.resource.yandex_organizationmanager_os_login_profile.alice.login = "-bad login-";
    const r = await attempt(s);
    expect(r.errors[0]).toBe(
      'Error: Incorrect attribute value type (yandex_organizationmanager_os_login_settings.org, attribute user_ssh_key_settings[0].enabled): Inappropriate value for attribute "enabled": bool required.',
    );
    expect(r.errors[1]).toMatch(/^Error: .*\(yandex_organizationmanager_os_login_profile\.alice\[0\], attribute login\)/);
    expect(r.stateWritten).toBe(false);
  });

  it("WHEN an expression is malformed or calls an unknown function THEN the diagnostic says where", async () => {
    const s = base();
    s.resource.null_resource.marker.triggers = { x: "${join(\",\", [1]}" };
    const r = await attempt(s);
    expect(r.errors).toEqual(['Error: Invalid expression (null_resource.marker): expected "," or ")" in the arguments of join() at column 16 of "${join(\\",\\", [1]}"']);
    const s2 = base();
    s2.resource.null_resource.marker.triggers = { y: "${nosuch(1)}" };
    expect((await attempt(s2)).errors).toEqual(['Error: Invalid expression (null_resource.marker): there is no function named "nosuch"']);
  });

  it("WHEN count is not a whole number THEN the diagnostic points at count", async () => {
    const s = base();
    s.resource.yandex_organizationmanager_os_login_profile.alice.count = "${1.5}";
    const r = await attempt(s);
    expect(r.errors).toEqual(["Error: Invalid count argument (yandex_organizationmanager_os_login_profile.alice, attribute count): count must be a whole number >= 0, got 1.5"]);
  });

  it("WHEN a required argument is missing THEN the diagnostic names it", async () => {
    const s = base();
    delete s.resource.yandex_organizationmanager_organization_iam_member.bob.role;
    const r = await attempt(s);
    expect(r.errors).toEqual([
      'Error: Missing required argument (yandex_organizationmanager_organization_iam_member.bob, attribute role): The argument "role" is required, but no definition was found.',
    ]);
    expect(ORG).toBe("bpfquickstartorg0001");
  });
});

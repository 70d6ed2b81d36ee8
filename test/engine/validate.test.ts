// `validate`: the configuration checks that need neither the cloud nor the state.
import { describe, expect, it } from "vitest";
import { parseStackJson } from "../../src/engine/config/load.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { validateConfigOf, validateStack } from "../../src/engine/validate.js";
import { findDefinition } from "../../src/resources/registry.js";
import { ALICE, ORG, profilesStack, tempDir, writeStack } from "./fixtures.js";

const check = (doc: object) => validateConfigOf(parseStackJson("test", "cdk.tf.json", JSON.stringify(doc)).config!, findDefinition).map((d) => formatDiagnostic(d));

describe("GIVEN synthesized stacks", () => {
  it("WHEN a valid stack is validated THEN there is nothing to report, without any cloud or state", () => {
    const dir = tempDir("oslogin-validate-");
    const out = writeStack(dir, profilesStack());
    expect(validateStack(out, undefined, findDefinition)).toEqual({ stack: "test", diagnostics: [] });
  });

  it("WHEN values come from variables and other resources THEN rules over them wait for plan (they are unknown)", () => {
    expect(
      check({
        variable: { login: { type: "string" } },
        resource: {
          yandex_organizationmanager_os_login_settings: { org: { organization_id: ORG } },
          yandex_organizationmanager_os_login_profile: {
            alice: { for_each: "${toset([\"a\", \"b\"])}", organization_id: "${yandex_organizationmanager_os_login_settings.org.organization_id}", subject_id: ALICE, login: "${var.login}-${each.key}" },
          },
        },
      }),
    ).toEqual([]);
  });

  it("WHEN a stack has a bad reference, an unknown type, a bad argument and a failing expression THEN each is an error naming its block", () => {
    expect(check({ resource: { yandex_organizationmanager_os_login_profile: { alice: { organization_id: "${yandex_nothing.x.id}", subject_id: ALICE, login: "alice" } } } })).toEqual([
      "Error: Reference to undeclared resource (yandex_organizationmanager_os_login_profile.alice): yandex_nothing.x.id refers to yandex_nothing.x, which is not declared in this stack",
    ]);
    expect(check({ resource: { yandex_no_such_type: { x: {} } } })).toEqual(['Error: Invalid resource type (yandex_no_such_type.x): the provider does not support resource type "yandex_no_such_type"']);
    const bad = check({
      locals: { n: '${upper(1, 2)}' },
      resource: {
        yandex_organizationmanager_os_login_profile: {
          alice: { organization_id: ORG, subject_id: ALICE, login: "alice", no_such_argument: 1 },
          bob: { organization_id: ORG, subject_id: ALICE, login: "Bob Smith" },
        },
      },
    });
    expect(bad).toEqual([
      "Error: Invalid local value (local.n): upper() takes 1 argument, got 2",
      'Error: Unsupported argument (yandex_organizationmanager_os_login_profile.alice, attribute no_such_argument): An argument named "no_such_argument" is not expected here.',
      "Error: Invalid login \"Bob Smith\" (yandex_organizationmanager_os_login_profile.bob, attribute login): The login must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,31}$ (Latin letters, digits, '-' and '_', not starting with '-', at most 32 characters).",
    ]);
  });
});

// Values for cdktf's TerraformVariable as terraform takes them: defaults < TF_VAR_* <
// terraform.tfvars < *.auto.tfvars < -var-file / -var in the order given; HCL-style and JSON
// variables files; raw -var values typed by the variable's declared type; undeclared names.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { parseStackJson } from "../../src/engine/config/load.js";
import { collectVariableAssignments, parseVariablesFile, resolveVariableValues } from "../../src/engine/config/tfvars.js";
import { formatDiagnostic } from "../../src/engine/diagnostics.js";
import { ALICE, BOB, ORG, engineFor, seededModel, tempDir, writeStack } from "./fixtures.js";

const config = (variables: Record<string, object>) => parseStackJson("test", "cdk.tf.json", JSON.stringify({ variable: variables })).config!;
const shown = (d: { severity: string }[]) => d.map((x) => formatDiagnostic(x as never));

describe("GIVEN a variables file written as cdktf users write them", () => {
  it("WHEN parsed THEN strings, numbers, bools, null, lists and maps (multi-line, comments) come out typed", () => {
    const text = [
      "# the team's settings",
      'prefix = "staging" // trailing comment',
      "replicas = 3",
      "ratio    = -0.5",
      "enabled  = true",
      "nothing  = null",
      'zones    = ["ru-central1-a", "ru-central1-b"]',
      "labels = {",
      '  env  = "staging"',
      '  "cost-center" = "42"  # quoted key',
      "}",
      "/* a block",
      "   comment */",
      'url = "http://x/#not-a-comment"',
    ].join("\n");
    const r = parseVariablesFile("staging.tfvars", text);
    expect(r.diagnostics).toEqual([]);
    expect(Object.fromEntries(r.assignments.map((a) => [a.name, "value" in a ? a.value : undefined]))).toEqual({
      prefix: "staging",
      replicas: 3,
      ratio: -0.5,
      enabled: true,
      nothing: null,
      zones: ["ru-central1-a", "ru-central1-b"],
      labels: { env: "staging", "cost-center": "42" },
      url: "http://x/#not-a-comment",
    });
  });

  it("WHEN it references a variable or calls a function THEN the error names the file, the line and the rule", () => {
    const r = parseVariablesFile("bad.tfvars", 'a = "x"\nb = var.a\nc = upper("x")\nnot an attribute');
    expect(shown(r.diagnostics)).toEqual([
      "Error: Invalid variables file (var.b): bad.tfvars line 2: Variables not allowed: a variables file holds literal values only (strings, numbers, bools, null, lists and maps of them)",
      "Error: Invalid variables file (var.c): bad.tfvars line 3: Functions may not be called here: upper() in a variables file",
      "Error: Invalid variables file: bad.tfvars line 4: expected an attribute like name = value",
    ]);
  });
});

describe("GIVEN a stack declaring prefix (string), replicas (number), zones (list(string)) and tags (map(string))", () => {
  const cfg = config({
    prefix: { type: "string", default: "dev" },
    replicas: { type: "number", default: 1 },
    zones: { type: "list(string)", default: [] },
    tags: { type: "map(string)", default: {} },
  });

  it("WHEN every source sets prefix THEN the last in terraform's order wins: defaults < TF_VAR_ < terraform.tfvars < *.auto.tfvars < -var-file/-var as given", () => {
    const dir = tempDir("oslogin-tfvars-");
    writeFileSync(path.join(dir, "terraform.tfvars"), 'prefix = "tfvars"\nreplicas = 2\n');
    writeFileSync(path.join(dir, "a.auto.tfvars"), 'prefix = "auto-a"\n');
    writeFileSync(path.join(dir, "b.auto.tfvars.json"), JSON.stringify({ prefix: "auto-b", tags: { env: "auto" } }));
    writeFileSync(path.join(dir, "one.tfvars"), 'prefix = "file-one"\nzones = ["a"]\n');
    const env = { TF_VAR_prefix: "env", TF_VAR_replicas: "7" };
    const resolve = (given: { flag: "var" | "var-file"; value: string }[]) => {
      const c = collectVariableAssignments(dir, given);
      expect(c.diagnostics).toEqual([]);
      const r = resolveVariableValues(cfg, {}, c.assignments, env);
      expect(r.diagnostics).toEqual([]);
      return r.vars;
    };
    expect(resolveVariableValues(cfg, {}, [], {}).vars).toEqual({ prefix: "dev", replicas: 1, zones: [], tags: {} });
    expect(resolveVariableValues(cfg, {}, [], env).vars).toEqual({ prefix: "env", replicas: 7, zones: [], tags: {} });
    expect(resolve([])).toEqual({ prefix: "auto-b", replicas: 2, zones: [], tags: { env: "auto" } });
    expect(resolve([{ flag: "var-file", value: "one.tfvars" }, { flag: "var", value: "prefix=cli" }])).toEqual({ prefix: "cli", replicas: 2, zones: ["a"], tags: { env: "auto" } });
    expect(resolve([{ flag: "var", value: "prefix=cli" }, { flag: "var-file", value: "one.tfvars" }])).toEqual({ prefix: "file-one", replicas: 2, zones: ["a"], tags: { env: "auto" } });
  });

  it("WHEN -var values are raw strings THEN a primitive is taken literally and converted, a list or map is read as an HCL value", () => {
    const c = collectVariableAssignments(tempDir("oslogin-tfvars-"), [
      { flag: "var", value: "prefix=a=b" },
      { flag: "var", value: "replicas=3" },
      { flag: "var", value: 'zones=["x", "y"]' },
      { flag: "var", value: 'tags={ env = "prod" }' },
    ]);
    expect(resolveVariableValues(cfg, {}, c.assignments, {})).toEqual({ vars: { prefix: "a=b", replicas: 3, zones: ["x", "y"], tags: { env: "prod" } }, diagnostics: [] });
  });

  it("WHEN a value does not fit, a name is undeclared, a file is missing or -var has no = THEN each is reported as terraform reports it", () => {
    const dir = tempDir("oslogin-tfvars-");
    writeFileSync(path.join(dir, "extra.tfvars"), 'typo_prefix = "x"\n');
    const c = collectVariableAssignments(dir, [
      { flag: "var", value: "replicas=many" },
      { flag: "var", value: "zones=[1, [2]]" },
      { flag: "var", value: "regoin=x" },
      { flag: "var-file", value: "extra.tfvars" },
      { flag: "var-file", value: "missing.tfvars" },
      { flag: "var", value: "prefix" },
    ]);
    expect(shown(c.diagnostics)).toEqual([
      "Error: Failed to read variables file: Given variables file missing.tfvars does not exist.",
      'Error: Invalid -var option: The given -var option "prefix" is not correctly specified. Must be a variable name and value separated by an equals sign, like -var="key=value".',
    ]);
    expect(shown(resolveVariableValues(cfg, {}, c.assignments, {}).diagnostics)).toEqual([
      'Error: Value for undeclared variable: A variable named "regoin" was assigned on the command line, but the stack does not declare a variable of that name. To use this value, add a TerraformVariable named "regoin" to the stack.',
      'Warning: Value for undeclared variable: The stack does not declare a variable named "typo_prefix" but a value was found in file "extra.tfvars". If you meant to use this value, add a TerraformVariable named "typo_prefix" to the stack.',
      'Error: Invalid value for variable (var.replicas): -var "replicas=...": a number is required (the variable\'s type is number)',
      "Error: Invalid value for variable (var.zones): -var \"zones=...\": element 1: a string is required (the variable's type is list(string))",
    ]);
  });

  it("WHEN a variable without a default gets no value THEN the error says every way to give one", () => {
    const r = resolveVariableValues(config({ region: { type: "string" } }), {}, [], {});
    expect(shown(r.diagnostics)).toEqual([
      "Error: No value for required variable (var.region): set it with -var 'region=...', a -var-file, terraform.tfvars or TF_VAR_region, or give the variable a default",
    ]);
  });
});

let model: CloudModel | undefined;
afterEach(() => model?.close());

describe("GIVEN a stack whose profile login comes from a variable", () => {
  it("WHEN planned and applied with -var THEN the profile gets that login and the plan records the value", async () => {
    model = seededModel();
    const dir = tempDir("oslogin-tfvars-");
    const out = writeStack(dir, {
      variable: { login: { type: "string", default: "alice-default" } },
      provider: { yandex: [{ organization_id: ORG }] },
      terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
      resource: {
        yandex_organizationmanager_os_login_settings: { org: { organization_id: ORG, user_ssh_key_settings: { enabled: true, allow_manage_own_keys: true } } },
        yandex_organizationmanager_os_login_profile: {
          alice: { organization_id: "${yandex_organizationmanager_os_login_settings.org.organization_id}", subject_id: ALICE, login: "${var.login}" },
        },
      },
    });
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const variables = collectVariableAssignments(dir, [{ flag: "var", value: "login=alice-cli" }]).assignments;
    const r = await engine.run({ outDir: out, variables });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.plan!.variables).toEqual({ login: "alice-cli" });
    const profile = r.plan!.changes.find((c) => c.type === "yandex_organizationmanager_os_login_profile")!;
    expect((profile.after as { login: string }).login).toBe("alice-cli");
    const again = await engine.plan({ outDir: out, variables });
    expect(again.plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
  });
});

describe("GIVEN a stack whose provider takes the organization from a variable without a default", () => {
  it("WHEN an existing binding is imported THEN it needs the variable (as plan does) and adopts the binding with -var", async () => {
    model = seededModel();
    const binding = { bob: { organization_id: ORG, role: "compute.osLogin", member: `userAccount:${BOB}` } };
    const base = { terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } }, resource: { yandex_organizationmanager_organization_iam_member: binding } };
    const made = await engineFor(model, path.join(tempDir(), ".oslogin")).run({ outDir: writeStack(tempDir(), { ...base, provider: { yandex: [{ organization_id: ORG }] } }) });
    expect(made.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const dir = tempDir("oslogin-tfvars-");
    const out = writeStack(dir, { ...base, variable: { org: { type: "string" } }, provider: { yandex: [{ organization_id: "${var.org}" }] } });
    const engine = engineFor(model, path.join(dir, ".oslogin"));
    const address = "yandex_organizationmanager_organization_iam_member.bob";
    const id = `${ORG},compute.osLogin,userAccount:${BOB}`;
    expect(shown((await engine.import({ outDir: out }, address, id)).diagnostics)).toEqual([
      "Error: No value for required variable (var.org): set it with -var 'org=...', a -var-file, terraform.tfvars or TF_VAR_org, or give the variable a default",
    ]);
    const variables = collectVariableAssignments(dir, [{ flag: "var", value: `org=${ORG}` }]).assignments;
    const r = await engine.import({ outDir: out, variables }, address, id);
    expect(r.diagnostics).toEqual([]);
    expect(r.instance!.attributes.member).toBe(`userAccount:${BOB}`);
  });
});

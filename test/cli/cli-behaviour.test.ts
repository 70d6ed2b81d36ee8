// One CLI behaviour (docs/cli.md): every command checks --stack, the data directory, cdktf.json
// and the inventory config the same way, with one line that says what to do; an unreachable
// endpoint or an unseeded cloud is one line; usage errors exit 2; read-only commands never create a
// data directory; every --json output, success or failure, is the same envelope. Real processes,
// the real embedded cloud on disk.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CloudModel } from "../../src/cloud/model/cloud-model.js";
import { startCloudServer } from "../../src/cloud/server.js";
import { ORG, profilesStack, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { osloginAsync as oslogin } from "./run-cli.js";

/** A stack with one null_resource whose trigger holds "+ " inside a value and a nested map. */
function triggersStack() {
  return {
    provider: { null: [{}] },
    terraform: { required_providers: { null: { source: "hashicorp/null" } } },
    resource: { null_resource: { note: { triggers: { formula: "a + b", "+ key": "+ x" } }, other: { triggers: { n: "1" } } } },
  };
}

describe("GIVEN a synthesized stack and a seeded data dir", () => {
  const dir = tempDir("oslogin-cli-behaviour-");
  seededModel(path.join(dir, ".oslogin")).close();
  writeStack(dir, profilesStack({ profiles: 1 }));

  it("WHEN any command gets --stack nope THEN each says the same line, exits 1 and creates nothing", async () => {
    const line = (cmd: string) => `oslogin ${cmd}: no stack "nope": the stacks are test; pass one of them with --stack\n`;
    const cases: [string, string[]][] = [
      ["plan", ["plan"]],
      ["apply", ["apply", "--auto-approve"]],
      ["destroy", ["destroy", "--auto-approve"]],
      ["refresh", ["refresh"]],
      ["state list", ["state", "list"]],
      ["state show", ["state", "show", "null_resource.marker"]],
      ["state rm", ["state", "rm", "null_resource.marker"]],
      ["state mv", ["state", "mv", "null_resource.marker", "null_resource.m2"]],
      ["output", ["output"]],
      ["show", ["show", "-json"]],
      ["access", ["access"]],
      ["force-unlock", ["force-unlock", "some-id"]],
    ];
    const results = await Promise.all(cases.map(([, args]) => oslogin(dir, ...args, "--stack", "nope")));
    expect(results.map((r) => [r.code, r.err, r.out])).toEqual(cases.map(([cmd]) => [1, line(cmd), ""]));
    expect(existsSync(path.join(dir, ".oslogin/stacks/nope"))).toBe(false);
  }, 120_000);

  it("WHEN a usage error is made THEN exit 2 with the rule, never an internal error", async () => {
    const [rm, show, mv, both] = await Promise.all([
      oslogin(dir, "state", "rm"),
      oslogin(dir, "state", "show"),
      oslogin(dir, "state", "mv", "a"),
      oslogin(dir, "access", "--json", "--md"),
    ]);
    expect([rm.code, rm.err]).toEqual([2, "oslogin state rm: state rm takes one or more addresses\n"]);
    expect([show.code, show.err]).toEqual([2, "oslogin state show: state show takes one address\n"]);
    expect([mv.code, mv.err]).toEqual([2, "oslogin state mv: state mv takes SOURCE and DEST\n"]);
    expect([both.code, JSON.parse(both.out)]).toEqual([2, { ok: false, command: "access", exit_code: 2, error: "give at most one of --json and --md", diagnostics: [] }]);
  }, 60_000);

  it("WHEN plan and apply fail on the configuration with --json THEN both print the same envelope", async () => {
    const bad = tempDir("oslogin-cli-badconf-");
    seededModel(path.join(bad, ".oslogin")).close();
    const stack = profilesStack({ profiles: 1 });
    (stack.resource.yandex_organizationmanager_os_login_profile.alice as Record<string, unknown>).uid = 5;
    writeStack(bad, stack);
    // Side by side: the second waits for the first's state lock (they validate under it).
    const [plan, apply] = await Promise.all([oslogin(bad, "plan", "--json", "--lock-timeout", "60s"), oslogin(bad, "apply", "--auto-approve", "--json", "--lock-timeout", "60s")]);
    const p = JSON.parse(plan.out);
    const a = JSON.parse(apply.out);
    expect(plan.code).toBe(1);
    expect(apply.code).toBe(1);
    expect(Object.keys(p).sort()).toEqual(["command", "diagnostics", "error", "exit_code", "ok"]);
    expect({ ok: p.ok, command: p.command, exit_code: p.exit_code }).toEqual({ ok: false, command: "plan", exit_code: 1 });
    expect({ ok: a.ok, command: a.command, exit_code: a.exit_code, error: a.error, diagnostics: a.diagnostics }).toEqual({ ok: false, command: "apply", exit_code: 1, error: p.error, diagnostics: p.diagnostics });
    expect(p.error).toMatch(/^Error: Invalid uid 5/);
  }, 60_000);
});

describe("GIVEN a stack whose state holds values with '+ ' in them", () => {
  it("WHEN state show and state list ADDR run THEN values are intact, indented as terraform does, and the list is filtered", async () => {
    const dir = tempDir("oslogin-cli-state-");
    writeStack(dir, triggersStack());
    const apply = await oslogin(dir, "apply", "--auto-approve");
    expect(apply.code).toBe(0);
    const [text, json, list, listJson] = await Promise.all([
      oslogin(dir, "state", "show", "null_resource.note"),
      oslogin(dir, "state", "show", "null_resource.note", "--json"),
      oslogin(dir, "state", "list", "null_resource.other"),
      oslogin(dir, "state", "list", "null_resource.other", "--json"),
    ]);
    const shown = JSON.parse(json.out);
    expect(shown).toMatchObject({ ok: true, command: "state show", address: "null_resource.note", type: "null_resource" });
    expect(text.out).toBe(
      [
        "# null_resource.note:",
        'resource "null_resource" "note" {',
        `    id       = ${JSON.stringify(shown.attributes.id)}`,
        "    triggers = {",
        '        formula = "a + b"',
        '        "+ key" = "+ x"',
        "    }",
        "}",
        "",
      ].join("\n"),
    );
    expect([list.code, list.out]).toEqual([0, "null_resource.other\n"]);
    expect(JSON.parse(listJson.out)).toMatchObject({ ok: true, command: "state list", stack: "test", addresses: ["null_resource.other"] });
  }, 60_000);
});

describe("GIVEN a directory with no data directory", () => {
  it("WHEN commands that only read run THEN each says there is none and none is created", async () => {
    const dir = tempDir("oslogin-cli-nodata-");
    writeStack(dir, profilesStack({ profiles: 1 }));
    const none = (cmd: string) => `oslogin ${cmd}: no data directory .oslogin: run "oslogin seed FILE" or "oslogin apply" first, or pass --data-dir\n`;
    const [list, output, access, ca, cert, plan] = await Promise.all([
      oslogin(dir, "state", "list"),
      oslogin(dir, "output"),
      oslogin(dir, "access"),
      oslogin(dir, "ca", "public-key", "--organization-id", ORG),
      oslogin(dir, "cert", "export", "--organization-id", ORG, "--login", "alice", "--directory", path.join(dir, "keys")),
      oslogin(dir, "plan"),
    ]);
    expect([list, output, access, ca, cert].map((r) => [r.code, r.err])).toEqual([
      [1, none("state list")],
      [1, none("output")],
      [1, none("access")],
      [1, none("ca public-key")],
      [1, none("cert export")],
    ]);
    expect([plan.code, plan.err]).toEqual([1, `oslogin plan: organization ${ORG} is not in the cloud at .oslogin: seed it with "oslogin seed FILE" (a YAML file of organizations, members, clouds and folders)\n`]);
    expect(existsSync(path.join(dir, ".oslogin"))).toBe(false);
  }, 60_000);

  it("WHEN synth runs without cdktf.json, or inventory without a config THEN the line says what to do", async () => {
    const dir = tempDir("oslogin-cli-noconf-");
    const [synth, inventory] = await Promise.all([oslogin(dir, "synth"), oslogin(dir, "inventory", "--list")]);
    expect([synth.code, synth.err]).toEqual([1, `oslogin synth: no cdktf.json in ${dir}: run "oslogin init" to scaffold an app, or run from the app's directory (or pass --app CMD)\n`]);
    expect([inventory.code, inventory.err]).toEqual([
      1,
      `oslogin inventory: no inventory config: write ${path.join(dir, "oslogin-inventory.yml")} (see "oslogin inventory --help" for its keys) or set OSLOGIN_INVENTORY_CONFIG\n`,
    ]);
  }, 60_000);

  it("WHEN the app fails during synth THEN its error is shown without Node's stack frames", async () => {
    const dir = tempDir("oslogin-cli-synthfail-");
    writeFileSync(path.join(dir, "app.mjs"), 'function validate() { throw new Error("[app/org] Invalid uid 5: must be between 1002 and 9223372036854775807"); }\nvalidate();\n');
    writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: `${JSON.stringify(process.execPath)} app.mjs` }));
    const r = await oslogin(dir, "synth");
    expect(r.code).toBe(1);
    expect(r.err).toContain("Error: [app/org] Invalid uid 5: must be between 1002 and 9223372036854775807");
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(r.err.trim().split("\n").pop()).toMatch(/^oslogin synth: the app exited with 1: /);
  }, 60_000);
});

describe("GIVEN a cloud that cannot answer", () => {
  it("WHEN the organization is not seeded THEN plan and apply say so in one line, not one per resource", async () => {
    const dir = tempDir("oslogin-cli-unseeded-");
    CloudModel.open({ dataDir: path.join(dir, ".oslogin") }).close();
    writeStack(dir, profilesStack({ profiles: 300 }));
    const line = (cmd: string) => `oslogin ${cmd}: organization ${ORG} is not in the cloud at .oslogin: seed it with "oslogin seed FILE" (a YAML file of organizations, members, clouds and folders)\n`;
    const [plan, apply] = await Promise.all([oslogin(dir, "plan"), oslogin(dir, "apply", "--auto-approve")]);
    expect([plan.code, plan.err, plan.out]).toEqual([1, line("plan"), ""]);
    expect([apply.code, apply.err, apply.out]).toEqual([1, line("apply"), ""]);
  }, 60_000);

  it("WHEN --endpoint points where nothing listens THEN one line names the endpoint and the cause", async () => {
    const dir = tempDir("oslogin-cli-unreachable-");
    const dataDir = path.join(dir, ".oslogin");
    mkdirSync(dataDir);
    // A served data directory (admin token, TLS certificate), whose server has stopped.
    await (await startCloudServer({ dataDir, restPort: 0, grpcPort: 0 })).close();
    writeStack(dir, profilesStack({ profiles: 3 }));
    const [plan, json] = await Promise.all([oslogin(dir, "plan", "--endpoint", "localhost:1"), oslogin(dir, "plan", "--endpoint", "localhost:1", "--json")]);
    const line = 'cannot reach oslogin serve at localhost:1 (connection refused): start "oslogin serve" or drop --endpoint';
    expect([plan.code, plan.err, plan.out]).toEqual([1, `oslogin plan: ${line}\n`, ""]);
    expect(JSON.parse(json.out)).toEqual({ ok: false, command: "plan", exit_code: 1, error: line, diagnostics: [] });
  }, 60_000);

  it("WHEN --endpoint is an IP address THEN stderr stays empty (no DEP0123 warning about the TLS server name)", async () => {
    const dir = tempDir("oslogin-cli-ip-endpoint-");
    const dataDir = path.join(dir, ".oslogin");
    seededModel(dataDir).close();
    const server = await startCloudServer({ dataDir, restPort: 0, grpcPort: 0 });
    try {
      writeStack(dir, profilesStack({ profiles: 1 }));
      const plan = await oslogin(dir, "plan", "--endpoint", server.grpcEndpoint, "--no-color");
      expect(server.grpcEndpoint).toMatch(/^127\.0\.0\.1:\d+$/);
      expect([plan.code, plan.err]).toEqual([0, ""]);
      expect(plan.out).toContain("Plan: 4 to add, 0 to change, 0 to destroy.");
    } finally {
      await server.close();
    }
  }, 60_000);
});

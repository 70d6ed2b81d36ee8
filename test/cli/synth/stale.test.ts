// Synth that cannot go stale (issue 16): plan synthesizes the app from its TypeScript source, a type
// error or a crash fails loudly (message and place, no Node stack), and a failed synth leaves no
// cdktf.out that a later plan takes as current.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededModel } from "../../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../../..");
const main = path.join(root, "src/cli/main.ts");
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An app directory inside the repository (.scratch-*, ignored by git) so it resolves cdktf from there. */
function appDir(): string {
  const dir = mkdtempSync(path.join(root, ".scratch-synth-"));
  scratch.push(dir);
  writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "npx tsx main.ts" }));
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, skipLibCheck: true, types: ["node"] } }),
  );
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  seededModel(path.join(dir, ".oslogin")).close();
  return dir;
}

const app = (body: string) => `import { App, TerraformStack } from "cdktf";
import { OsLoginOrganization, YandexProvider } from ${JSON.stringify(path.join(root, "src/index.js"))};

const app = new App();
const stack = new TerraformStack(app, "app");
new YandexProvider(stack, "yandex", { organizationId: "bpfquickstartorg0001" });
${body}
app.synth();
`;

function oslogin(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("GIVEN a TypeScript app and cdktf.json", () => {
  it("WHEN main.ts is edited THEN plan synthesizes it first and shows the edit; a type error fails the plan and leaves cdktf.out stale", () => {
    const dir = appDir();
    writeFileSync(path.join(dir, "main.ts"), app(`new OsLoginOrganization(stack, "org", { organizationId: "bpfquickstartorg0001", userSshKeys: true });`));
    const first = oslogin(dir, "plan");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/allow_manage_own_keys\s+= true/);

    writeFileSync(path.join(dir, "main.ts"), app(`new OsLoginOrganization(stack, "org", { organizationId: "bpfquickstartorg0001", userSshKeys: false });`));
    const edited = oslogin(dir, "plan");
    expect(edited.code).toBe(0);
    expect(edited.out).toMatch(/allow_manage_own_keys\s+= false/);

    // A misspelled prop in TypeScript is a type error: no synth, no plan of the previous output.
    writeFileSync(path.join(dir, "main.ts"), app(`new OsLoginOrganization(stack, "org", { organizationId: "bpfquickstartorg0001", userSshKey: false });`));
    const typeError = oslogin(dir, "plan");
    expect(typeError.code).toBe(1);
    expect(typeError.out).toBe("");
    // The compiler's error, and (the app ran meanwhile) the strict-props check that fails at synth.
    expect(typeError.err).toContain(
      "main.ts:7:81 - error TS2561: Object literal may only specify known properties, but 'userSshKey' does not exist in type 'OsLoginOrganizationProps'. Did you mean to write 'userSshKeys'?\noslogin plan: the app does not type-check (1 error)\n",
    );
    expect(typeError.err).toContain('[app/org] unknown prop "userSshKey": did you mean "userSshKeys"?');

    // The old cdktf.out is still on disk, but no command takes it as current.
    expect(existsSync(path.join(dir, "cdktf.out/manifest.json"))).toBe(true);
    const skipped = oslogin(dir, "plan", "--skip-synth");
    expect(skipped.code).toBe(1);
    expect(skipped.err).toMatch(/Stale synth output.*from before the synth that failed at .*the app does not type-check \(1 error\).*fix the app and run "oslogin synth" again/s);
    const synth = oslogin(dir, "synth");
    expect(synth.code).toBe(1);
    expect(synth.err).toContain("oslogin synth: the app does not type-check (1 error)");
  }, 180_000);

  it("WHEN the app throws THEN synth prints its message and the line in main.ts, without a Node stack trace", () => {
    const dir = appDir();
    writeFileSync(path.join(dir, "main.ts"), app(`if (stack.node.id === "app") throw new Error("no folder configured for web-1");`));
    const r = oslogin(dir, "synth");
    expect(r.code).toBe(1);
    expect(r.err).toBe("Error: no folder configured for web-1\n  at main.ts:7:36\noslogin synth: the app exited with 1: npx tsx main.ts\n");
    expect(existsSync(path.join(dir, "cdktf.out"))).toBe(false);
  }, 120_000);
});

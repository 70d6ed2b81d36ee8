import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderAll } from "../../constructs/generator/render.js";

describe("generated L1 constructs", () => {
  it("GIVEN src/resources WHEN the L1 files are rendered THEN the committed files are identical (run npx tsx scripts/gen-constructs.ts)", () => {
    const files = renderAll();
    expect(files.size).toBe(11);
    for (const [path, content] of files) {
      expect(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"), path).toBe(content);
    }
  });

  it("GIVEN a definition WHEN rendered THEN props are camelCase, documented with @default, computed-only ones absent", () => {
    const text = renderAll().get("constructs/l1/iam-service-account-key.ts")!;
    expect(text).toContain("export class IamServiceAccountKey extends YandexResource {");
    expect(text).toContain('  static readonly tfResourceType = "yandex_iam_service_account_key";');
    expect(text).toContain("  readonly serviceAccountId: string;");
    expect(text).toContain('   * @default "RSA_2048"\n   */\n  readonly keyAlgorithm?: string;');
    expect(text).not.toContain("readonly privateKey");
    expect(text).toContain('  get privateKey(): string {\n    return this.getStringAttribute("private_key");\n  }');
    expect(text).toContain("No import.");
  });
});

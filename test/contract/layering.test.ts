// Layering (issue 16): constructs, resources, the inventory, the contract, the SSH library and the
// examples import nothing from src/cloud (the emulator); they share src/contract with it. On main,
// constructs/l2/instance.ts and constructs/validation.ts imported src/cloud/model/rules.ts,
// resources the emulator's model types, and examples/quickstart src/cloud/ssh/keypair.ts.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "../..");

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Every relative import of a file, resolved to a path from the repository root. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), m[1])));
}

describe("GIVEN the layers that must not depend on the emulator", () => {
  it("WHEN their imports are listed THEN none reaches into src/cloud", () => {
    const layers = ["constructs", "examples", "src/contract", "src/ssh", "src/resources"];
    const offending = layers
      .flatMap(tsFiles)
      .flatMap((f) => imports(f).filter((i) => i.startsWith("src/cloud/")).map((i) => `${f} -> ${i}`));
    expect(offending).toEqual([]);
  });

  it("WHEN the package's main entry is read THEN it exports the constructs and the contract, and does not load the emulator", () => {
    const entry = imports("src/index.ts");
    expect(entry).toEqual(["constructs/index.js", "src/contract/index.js", "src/ssh/keypair.js"]);
  });
});

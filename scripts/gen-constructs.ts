// Regenerates constructs/l1/*.ts from src/resources: `npx tsx scripts/gen-constructs.ts`.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderAll } from "../constructs/generator/render.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [path, content] of renderAll()) {
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}

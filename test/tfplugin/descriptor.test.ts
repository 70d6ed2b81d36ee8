import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { descriptor } from "../../src/tfplugin/proto/descriptor.generated.js";
import { descriptorFromProtoFiles } from "../../src/tfplugin/proto/parse.js";

describe("precompiled protocol descriptor", () => {
  it("GIVEN the .proto files WHEN parsed THEN the committed descriptor equals them (else: npx tsx src/tfplugin/proto/generate.ts)", () => {
    const dir = fileURLToPath(new URL("../../src/tfplugin/proto/", import.meta.url));
    expect(descriptor).toEqual(JSON.parse(JSON.stringify(descriptorFromProtoFiles(dir))));
  });
});

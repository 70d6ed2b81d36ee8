import { describe, expect, it } from "vitest";
import { attributePathToProto, diagnosticToProto } from "../../src/tfplugin/diagnostics.js";
import { labelledBlock, tinyBlock } from "./fixtures.js";

describe("attribute paths in diagnostics", () => {
  it("GIVEN a path into a nested block element WHEN converted THEN block name, index and attribute are attribute/int/attribute steps", () => {
    expect(attributePathToProto(["b", 0, "x"], tinyBlock)).toEqual({
      steps: [{ attribute_name: "b" }, { element_key_int: "0" }, { attribute_name: "x" }],
    });
  });

  it("GIVEN a path to a map element WHEN converted THEN the key is an element_key_string step", () => {
    expect(attributePathToProto(["labels", "env"], labelledBlock)).toEqual({ steps: [{ attribute_name: "labels" }, { element_key_string: "env" }] });
  });

  it("GIVEN a path into a list attribute inside a set block WHEN converted THEN both indexes are int steps", () => {
    expect(attributePathToProto(["disk", 1, "ids", 2], labelledBlock)).toEqual({
      steps: [{ attribute_name: "disk" }, { element_key_int: "1" }, { attribute_name: "ids" }, { element_key_int: "2" }],
    });
  });

  it("GIVEN a warning without a path WHEN converted THEN severity is WARNING (2) and there is no attribute", () => {
    expect(diagnosticToProto({ severity: "warning", summary: "s", detail: "d" })).toEqual({ severity: 2, summary: "s", detail: "d" });
  });
});

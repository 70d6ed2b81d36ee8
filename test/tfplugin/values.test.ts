import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/resources/define.js";
import { decodeDynamic, decodeJson, decodeMsgpack, encodeMsgpack, WireValueError } from "../../src/tfplugin/values.js";
import { fromHex, hex, labelledBlock, tinyBlock } from "./fixtures.js";

describe("msgpack DynamicValue encoding (what we send terraform)", () => {
  it("GIVEN an unknown computed id, a null int64, a set and a list block WHEN encoded THEN every attribute is present, keys sorted, unknown = d4 00 00", () => {
    const bytes = encodeMsgpack({ id: UNKNOWN, n: null, tags: ["a"], b: [{ x: true }] }, tinyBlock);
    // 84 = map of 4: "b" -> [ {"x": true} ], "id" -> ext0, "n" -> nil, "tags" -> ["a"]
    expect(hex(bytes)).toBe("84 a1 62 91 81 a1 78 c3 a2 69 64 d4 00 00 a1 6e c0 a4 74 61 67 73 91 a1 61");
  });

  it("GIVEN a null object WHEN encoded THEN it is msgpack nil", () => {
    expect(hex(encodeMsgpack(null, tinyBlock))).toBe("c0");
  });

  it("GIVEN a value missing attributes and blocks WHEN encoded THEN missing attributes are nil and missing blocks []", () => {
    expect(hex(encodeMsgpack({ id: "x" }, tinyBlock))).toBe("84 a1 62 90 a2 69 64 a1 78 a1 6e c0 a4 74 61 67 73 c0");
  });

  it("GIVEN int64 decimal strings past 2^53 WHEN encoded THEN they are exact 64-bit integers", () => {
    expect(hex(encodeMsgpack({ id: "x", n: "9223372036854775807", tags: null, b: [] }, tinyBlock))).toBe(
      "84 a1 62 90 a2 69 64 a1 78 a1 6e cf 7f ff ff ff ff ff ff ff a4 74 61 67 73 c0",
    );
    expect(hex(encodeMsgpack({ id: "x", n: "-9007199254740993", tags: null, b: [] }, tinyBlock))).toBe(
      "84 a1 62 90 a2 69 64 a1 78 a1 6e d3 ff df ff ff ff ff ff ff a4 74 61 67 73 c0",
    );
  });

  it("GIVEN a small int64 WHEN encoded THEN it uses the smallest int format, as terraform writes it", () => {
    expect(hex(encodeMsgpack({ id: null, n: "1000", tags: null, b: [] }, tinyBlock))).toBe(
      "84 a1 62 90 a2 69 64 c0 a1 6e cd 03 e8 a4 74 61 67 73 c0",
    );
  });

  it("GIVEN a map, a float and a set block WHEN encoded THEN map keys are sorted and floats are float64", () => {
    const bytes = encodeMsgpack({ name: "n", labels: { z: "1", a: "2" }, size: 1.5, secret: null, disk: [{ ids: [] }] }, labelledBlock);
    expect(hex(bytes)).toBe(
      "85 a4 64 69 73 6b 91 81 a3 69 64 73 90 a6 6c 61 62 65 6c 73 82 a1 61 a1 32 a1 7a a1 31 a4 6e 61 6d 65 a1 6e a6 73 65 63 72 65 74 c0 a4 73 69 7a 65 cb 3f f8 00 00 00 00 00 00",
    );
  });

  it("GIVEN an unknown nested block list WHEN encoded THEN the whole list is one unknown", () => {
    expect(hex(encodeMsgpack({ id: "x", n: null, tags: null, b: UNKNOWN }, tinyBlock))).toBe(
      "84 a1 62 d4 00 00 a2 69 64 a1 78 a1 6e c0 a4 74 61 67 73 c0",
    );
  });
});

describe("msgpack DynamicValue decoding (what terraform sends)", () => {
  it("GIVEN a refined unknown (ext 12, {1: false}) WHEN decoded THEN it is UNKNOWN", () => {
    const v = decodeMsgpack(fromHex("84 a1 62 90 a2 69 64 c7 03 0c 81 01 c2 a1 6e c0 a4 74 61 67 73 c0"), tinyBlock);
    expect(v).toEqual({ id: UNKNOWN, n: null, tags: null, b: [] });
  });

  it("GIVEN any other extension type WHEN decoded THEN it is UNKNOWN too", () => {
    const v = decodeMsgpack(fromHex("84 a1 62 90 a2 69 64 d4 05 00 a1 6e c0 a4 74 61 67 73 91 d4 00 00"), tinyBlock);
    expect(v).toEqual({ id: UNKNOWN, n: null, tags: [UNKNOWN], b: [] });
  });

  it("GIVEN a uint64 and a number as a decimal string WHEN decoded as int64 THEN every digit is kept", () => {
    expect(decodeMsgpack(fromHex("84 a1 62 90 a2 69 64 c0 a1 6e cf 7f ff ff ff ff ff ff ff a4 74 61 67 73 c0"), tinyBlock)?.n).toBe(
      "9223372036854775807",
    );
    // cty writes numbers it cannot hold as int64/float64 as strings
    expect(decodeMsgpack(fromHex("84 a1 62 90 a2 69 64 c0 a1 6e a5 31 32 33 34 35 a4 74 61 67 73 c0"), tinyBlock)?.n).toBe("12345");
  });

  it("GIVEN nil WHEN decoded THEN the object is null (a create's prior state)", () => {
    expect(decodeMsgpack(fromHex("c0"), tinyBlock)).toBeNull();
    expect(decodeDynamic(undefined, tinyBlock)).toBeNull();
    expect(decodeDynamic({ msgpack: new Uint8Array(), json: new Uint8Array() }, tinyBlock)).toBeNull();
  });

  it("GIVEN our own encoding WHEN decoded THEN the value round-trips", () => {
    const value = { name: "n", labels: { a: "1" }, size: 3, secret: "s", disk: [{ ids: ["d1", "d2"] }] };
    expect(decodeMsgpack(encodeMsgpack(value, labelledBlock), labelledBlock)).toEqual(value);
  });

  it("GIVEN a string where a bool belongs WHEN decoded THEN the error names the attribute path", () => {
    const bad = fromHex("84 a1 62 91 81 a1 78 a3 79 65 73 a2 69 64 c0 a1 6e c0 a4 74 61 67 73 c0");
    expect(() => decodeMsgpack(bad, tinyBlock)).toThrowError(WireValueError);
    try {
      decodeMsgpack(bad, tinyBlock);
    } catch (e) {
      expect((e as WireValueError).path).toEqual(["b", 0, "x"]);
      // the message names the kind, never the value (it could be a sensitive attribute's)
      expect((e as WireValueError).message).toBe("expected a bool, got a string");
    }
  });
});

describe("JSON values (RawState.json in UpgradeResourceState)", () => {
  it("GIVEN a state with an int64 past 2^53 WHEN decoded THEN no digit is lost and blocks are arrays", () => {
    const v = decodeJson('{"id":"p1","n":9223372036854775807,"tags":["a","b"],"b":[{"x":false}]}', tinyBlock);
    expect(v).toEqual({ id: "p1", n: "9223372036854775807", tags: ["a", "b"], b: [{ x: false }] });
  });

  it("GIVEN a state from an older schema with an extra attribute WHEN decoded THEN the extra one is dropped and missing ones are null", () => {
    expect(decodeJson('{"id":"p1","old":"gone","s":"x\\"1234567890123456789"}', tinyBlock)).toEqual({ id: "p1", n: null, tags: null, b: [] });
  });

  it("GIVEN digits inside a string WHEN parsed THEN the string is untouched", () => {
    expect(decodeJson('{"id":"12345678901234567890","n":-12345678901234567890}', tinyBlock)).toEqual({
      id: "12345678901234567890",
      n: "-12345678901234567890",
      tags: null,
      b: [],
    });
  });
});

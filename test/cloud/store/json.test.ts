import { describe, expect, it } from "vitest";
import { decodeJson, encodeJson } from "../../../src/cloud/store/json.js";

describe("stored JSON", () => {
  it("GIVEN a document with int64 values WHEN encoded and decoded THEN the bigints come back exactly, past 2^53", () => {
    const doc = { uid: 9223372036854775807n, nested: [{ gid: 1001n }], name: "alice" };
    const text = encodeJson(doc);
    expect(text).toBe('{"uid":{"$int64":"9223372036854775807"},"nested":[{"gid":{"$int64":"1001"}}],"name":"alice"}');
    expect(decodeJson(text)).toEqual(doc);
    expect(encodeJson({ at: new Date("2030-01-01T00:00:00Z"), n: [1n, undefined], skip: undefined, __proto__: null })).toBe(
      '{"at":"2030-01-01T00:00:00.000Z","n":[{"$int64":"1"},null]}',
    );
    expect(encodeJson({ plain: [1, "a", { b: null }] })).toBe('{"plain":[1,"a",{"b":null}]}');
    // An own "__proto__" key (as JSON.parse makes them) is encoded as data, and the copy's prototype is untouched.
    const own = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    own.a = 2n;
    expect(encodeJson(own)).toBe('{"__proto__":{"polluted":true},"a":{"$int64":"2"}}');
    const ownBig = JSON.parse('{"__proto__":0}') as Record<string, unknown>;
    ownBig["__proto__"] = 3n;
    expect(encodeJson(ownBig)).toBe('{"__proto__":{"$int64":"3"}}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("GIVEN documents without int64 WHEN decoded THEN plain values, and text that merely mentions the marker stays text", () => {
    expect(decodeJson('{"a":[1,"x",null,{"b":true}]}')).toEqual({ a: [1, "x", null, { b: true }] });
    expect(decodeJson(encodeJson({ note: 'the "$int64" marker', v: { $int64: 5 } }))).toEqual({ note: 'the "$int64" marker', v: { $int64: 5 } });
    expect(decodeJson('{"v":{"$int64":"7","extra":1}}')).toEqual({ v: { $int64: "7", extra: 1 } });
    const proto = decodeJson<Record<string, unknown>>('{"__proto__":{"$int64":"5"},"m":{"__proto__":{"x":{"$int64":"6"}}}}');
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value).toBe(5n);
    expect(Object.getOwnPropertyDescriptor(proto.m, "__proto__")?.value).toEqual({ x: 6n });
  });
});

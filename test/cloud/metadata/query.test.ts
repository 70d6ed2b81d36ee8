// The metadata endpoint's query decoding: both encodings the agent uses, strictness everywhere else.
import { describe, expect, it } from "vitest";
import { BadRequest, parseId, parsePageSize, parseQuery } from "../../../src/cloud/metadata/query.js";

describe("parseQuery", () => {
  it("GIVEN encoded and raw values THEN both decode to the same text, and '+' stays '+'", () => {
    expect([...parseQuery("email=alice%40example.com&policy=login", ["email", "policy"])]).toEqual([["email", "alice@example.com"], ["policy", "login"]]);
    expect([...parseQuery("email=alice+ops@example.com", ["email"])]).toEqual([["email", "alice+ops@example.com"]]);
  });
  it.each([
    ["x=1", "unknown parameter \"x\" (this request takes email)"],
    ["email=a&email=b", "parameter email is given more than once"],
    ["email=%E0%A4%A", "email has a malformed percent-escape"],
    ["email=a%00b", "email contains a control character"],
  ])("GIVEN %s THEN BadRequest: %s", (query, message) => {
    expect(() => parseQuery(query, ["email"])).toThrow(new BadRequest(message));
  });
});

describe("parseId and parsePageSize", () => {
  it("GIVEN decimal ids in range THEN bigint; anything else is refused", () => {
    expect(parseId("9223372036854775807", "uid")).toBe(9223372036854775807n);
    expect(() => parseId("9223372036854775808", "uid")).toThrow("uid must be between 1 and 9223372036854775807");
    expect(() => parseId("-1", "gid")).toThrow("gid must be a decimal number");
    expect(() => parseId("0", "gid")).toThrow("gid must be between 1 and 9223372036854775807");
  });
  it("GIVEN page sizes THEN 1..10000 accepted", () => {
    expect([parsePageSize("1"), parsePageSize("2048"), parsePageSize("10000")]).toEqual([1, 2048, 10000]);
    expect(() => parsePageSize("10001")).toThrow("pagesize must be between 1 and 10000");
    expect(() => parsePageSize("1e3")).toThrow("pagesize must be a decimal number");
  });
});

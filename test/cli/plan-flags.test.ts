// The plan flags as src/cli/args.ts parses them: terraform's single-dash spellings and the GNU
// ones alike, -var and -var-file kept in the order given, and boolean switches turned off as
// terraform writes it (-refresh=false, -lock=false), anything else a usage error.
import { describe, expect, it } from "vitest";
import { parseArgs, trueFalse, UsageError } from "../../src/cli/args.js";
import { COMMON_FLAGS, parallelismCaps } from "../../src/cli/engine-session.js";
import { planOptionFlags } from "../../src/cli/plan-options.js";

const spec = { ...COMMON_FLAGS, ...planOptionFlags({ replace: true, refresh: true }) };

describe("GIVEN the flags plan takes", () => {
  it("WHEN written terraform's way and the GNU way THEN both give the same targets, replacements and switches", () => {
    const tf = parseArgs(["-target=a.b", "-target", "web-1", "-replace=c.d[0]", "-refresh=false", "-lock=false"], spec);
    const gnu = parseArgs(["--target", "a.b", "--target=web-1", "--replace", "c.d[0]", "--refresh=false", "--lock=false"], spec);
    for (const a of [tf, gnu]) {
      expect([a.flags.target, a.flags.replace, trueFalse(a, "refresh", true), trueFalse(a, "lock", true)]).toEqual([["a.b", "web-1"], ["c.d[0]"], false, false]);
    }
    expect([trueFalse(parseArgs(["-lock"], spec), "lock", true), trueFalse(parseArgs([], spec), "refresh", true)]).toEqual([true, true]);
  });

  it("WHEN -var and -var-file interleave THEN their order is kept across both (later ones win)", () => {
    const a = parseArgs(["-var", "a=1", "-var-file=x.tfvars", "--var", "b=2", "--var-file", "y.tfvars"], spec);
    expect(a.sequence).toEqual([
      { name: "var", value: "a=1" },
      { name: "var-file", value: "x.tfvars" },
      { name: "var", value: "b=2" },
      { name: "var-file", value: "y.tfvars" },
    ]);
  });

  it("WHEN a switch gets a value that is not true or false THEN it is a usage error naming the flag", () => {
    expect(() => parseArgs(["-lock=maybe"], spec)).toThrow(new UsageError('flag -lock takes no value, or =true / =false, got "maybe"'));
  });
});

describe("GIVEN the parallelism flags", () => {
  it("WHEN neither, one or both are given THEN writes default to 10, reads to 100 unless --parallelism caps them too", () => {
    const caps = (...argv: string[]) => parallelismCaps(parseArgs(argv, spec));
    expect([
      caps(),
      caps("--parallelism", "4"),
      caps("--refresh-parallelism", "300"),
      caps("--parallelism", "4", "--refresh-parallelism", "6"),
    ]).toEqual([
      { parallelism: 10, refreshParallelism: 100 },
      { parallelism: 4, refreshParallelism: 4 },
      { parallelism: 10, refreshParallelism: 300 },
      { parallelism: 4, refreshParallelism: 6 },
    ]);
    expect(() => caps("--refresh-parallelism", "0")).toThrow(UsageError);
  });
});

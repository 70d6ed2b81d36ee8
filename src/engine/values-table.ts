// The values references resolve to while planning and applying: variables, locals, and every
// resource as Terraform exposes it (an object, a list for count, a map for for_each). Resource
// values are containers updated in place as instances are planned or applied, so a reference to a
// 10k-instance resource never rebuilds a 10k-element list.
import path from "node:path";
import { UNKNOWN, type ObjectValue, type Value } from "../resources/define.js";
import type { ResourceBlock } from "./config/config.js";
import { EvalError, type EvalScope } from "./expr/eval.js";
import type { IndexKey } from "./state/state.js";

export class ValueTable {
  readonly vars = new Map<string, Value>();
  readonly locals = new Map<string, Value>();
  private readonly resources = new Map<string, Value>();
  private readonly declared = new Set<string>();

  constructor(blocks: readonly ResourceBlock[]) {
    for (const b of blocks) this.declared.add(b.address);
  }

  /** Starts a resource's container: object (single), list (count) or map (for_each). */
  initResource(address: string, expansion: "single" | "list" | "map"): void {
    this.resources.set(address, expansion === "list" ? [] : expansion === "map" ? {} : null);
  }

  setInstance(address: string, key: IndexKey | undefined, value: ObjectValue | null | typeof UNKNOWN): void {
    if (key === undefined) {
      this.resources.set(address, value);
      return;
    }
    const c = this.resources.get(address);
    if (Array.isArray(c) && typeof key === "number") {
      if (value === null) c[key] = null;
      else c[key] = value;
    } else if (c && typeof c === "object" && !Array.isArray(c) && typeof key === "string") {
      if (value === null) delete (c as ObjectValue)[key];
      else (c as ObjectValue)[key] = value;
    }
  }

  /** A resource whose config has errors: references to it are unknown, not a second error. */
  setUnknown(address: string): void {
    this.resources.set(address, UNKNOWN);
  }

  /** After planning a counted resource: drop trailing holes so length() is right. */
  trimList(address: string, count: number): void {
    const c = this.resources.get(address);
    if (Array.isArray(c)) c.length = count;
  }

  scope(ctx: { count?: number; each?: { key: string; value: Value } } = {}): EvalScope {
    return {
      ref: (names) => {
        const [root, a, b] = names;
        switch (root) {
          case "var":
            if (!this.vars.has(a)) throw new EvalError(`variable "${a}" has no value`);
            return this.vars.get(a)!;
          case "local":
            if (!this.locals.has(a)) throw new EvalError(`local.${a} is not available here`);
            return this.locals.get(a)!;
          case "count":
            if (ctx.count === undefined) throw new EvalError("count.index is only valid in a resource with count");
            if (a !== "index") throw new EvalError(`count.${a} does not exist; use count.index`);
            return ctx.count;
          case "each":
            if (!ctx.each) throw new EvalError("each.key and each.value are only valid in a resource with for_each");
            if (a === "key") return ctx.each.key;
            if (a === "value") return ctx.each.value;
            throw new EvalError(`each.${a} does not exist; use each.key or each.value`);
          case "path":
            if (a === "module" || a === "root" || a === "cwd") return path.resolve(".");
            throw new EvalError(`path.${a} does not exist`);
          case "terraform":
            if (a === "workspace") return "default";
            throw new EvalError(`terraform.${a} does not exist`);
          case "data": {
            const addr = `data.${a}.${b}`;
            if (!this.resources.has(addr)) throw new EvalError(`${addr} is not declared or not yet read`);
            return this.resources.get(addr)!;
          }
          default: {
            const addr = `${root}.${a}`;
            if (!this.resources.has(addr)) {
              throw new EvalError(this.declared.has(addr) ? `${addr} is not yet known here` : `${addr} is not declared`);
            }
            return this.resources.get(addr)!;
          }
        }
      },
    };
  }
}

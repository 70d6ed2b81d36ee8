// The one evaluation context of a run: what references resolve to while planning, applying,
// refreshing (a refresh-only plan and its apply) and evaluating outputs — variables, locals, and
// every resource as Terraform exposes it (an object, a list for count, a map for for_each).
// Plan, apply and import each used to build their own, and they disagreed: an apply evaluated
// outputs against values a refresh-only plan never put there, and dropped them. Now each run makes
// one of these; only where its resource values come from differs (planned, or applied).
//
// Resource values are containers updated in place as instances are planned or applied, so a
// reference to a 10k-instance resource never rebuilds a 10k-element list. Locals are evaluated on
// first use and kept until a resource they depend on changes, so a local over a resource follows
// the values that become known during apply without being evaluated again for every use.
import path from "node:path";
import { UNKNOWN, type ObjectValue, type ProviderConfig, type Value } from "../resources/define.js";
import { containsUnknown } from "../resources/plan.js";
import type { LocalBlock, StackConfig } from "./config/config.js";
import { errorAt, type EngineDiagnostic } from "./diagnostics.js";
import { evaluate, EvalError, type EvalScope } from "./expr/eval.js";
import type { Expr } from "./expr/ast.js";
import { deepEqual } from "./expr/values.js";
import { ctyType, type IndexKey, type State } from "./state/state.js";
import type { OutputChange, Plan } from "./types.js";

type Expansion = "single" | "list" | "map";
type EachContext = { count?: number; each?: { key: string; value: Value } };
type LocalResult = { value: Value } | { error: EvalError };

/** Roots that name no resource (the rest are "TYPE.NAME" or "data.TYPE.NAME"). */
const NOT_RESOURCES = new Set(["var", "local", "count", "each", "path", "terraform", "self", "module"]);

export class EvalContext {
  readonly vars: ReadonlyMap<string, Value>;
  private readonly resources = new Map<string, Value>();
  private readonly declared = new Set<string>();
  private readonly localBlocks: ReadonlyMap<string, LocalBlock>;
  private readonly localValues = new Map<string, LocalResult>();
  /** Resource address -> the locals whose value depends on it (directly or through other locals). */
  private readonly localsOver = new Map<string, string[]>();

  constructor(
    private readonly config: StackConfig,
    vars: Record<string, Value>,
  ) {
    this.vars = new Map(Object.entries(vars));
    this.localBlocks = config.locals;
    for (const b of config.resources) this.declared.add(b.address);
    this.indexLocals();
  }

  // ---------------------------------------------------------------- resources

  /** Starts a resource's container: object (single), list (count) or map (for_each). */
  initResource(address: string, expansion: Expansion): void {
    this.resources.set(address, expansion === "list" ? [] : expansion === "map" ? {} : null);
    this.changed(address);
  }

  setInstance(address: string, key: IndexKey | undefined, value: ObjectValue | null | typeof UNKNOWN): void {
    this.changed(address);
    if (key === undefined) {
      this.resources.set(address, value);
      return;
    }
    const c = this.resources.get(address);
    if (Array.isArray(c) && typeof key === "number") {
      c[key] = value;
    } else if (c && typeof c === "object" && !Array.isArray(c) && typeof key === "string") {
      if (value === null) delete (c as ObjectValue)[key];
      else (c as ObjectValue)[key] = value;
    }
  }

  /** A resource whose config has errors: references to it are unknown, not a second error. */
  setUnknown(address: string): void {
    this.resources.set(address, UNKNOWN);
    this.changed(address);
  }

  /** After planning a counted resource: drop trailing holes so length() is right. */
  trimList(address: string, count: number): void {
    const c = this.resources.get(address);
    if (Array.isArray(c)) c.length = count;
  }

  /**
   * Apply's starting point: every instance as the plan expects it after this run (what a noop
   * keeps, what a create or update makes, with unknowns where the cloud decides); apply then
   * replaces each with what the cloud returned.
   */
  seedFromPlan(plan: Plan): void {
    for (const r of this.config.resources) this.initResource(r.address, r.count ? "list" : r.forEach ? "map" : "single");
    for (const c of plan.changes) {
      if (c.deposed) continue;
      if (c.action === "delete") {
        // destroy evaluates bodies only to adopt interrupted creates: they see the objects in state.
        if (plan.mode === "destroy" && c.before) this.setInstance(c.resource, c.indexKey, c.before);
        continue;
      }
      this.setInstance(c.resource, c.indexKey, c.action === "noop" ? c.before : c.after);
    }
  }

  // ---------------------------------------------------------------- locals

  /** The value of local.NAME now; throws the EvalError of its expression. */
  local(name: string): Value {
    let r = this.localValues.get(name);
    if (!r) {
      const l = this.localBlocks.get(name);
      if (!l) throw new EvalError(`local.${name} is not declared`);
      try {
        r = { value: evaluate(l.value, this.scope()) };
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        r = { error: e };
      }
      this.localValues.set(name, r);
    }
    if ("error" in r) throw r.error;
    return r.value;
  }

  /** A local whose error was already reported: its users see it as unknown (one error, not a cascade). */
  setLocalUnknown(name: string): void {
    this.localValues.set(name, { value: UNKNOWN });
  }

  private changed(resource: string): void {
    for (const l of this.localsOver.get(resource) ?? []) this.localValues.delete(l);
  }

  private indexLocals(): void {
    const memo = new Map<string, Set<string>>();
    const resourcesOf = (name: string, visiting: Set<string>): Set<string> => {
      const known = memo.get(name);
      if (known) return known;
      const out = new Set<string>();
      const l = this.localBlocks.get(name);
      if (!l || visiting.has(name)) return out; // a cycle is the graph's error to report
      visiting.add(name);
      for (const r of l.refs) {
        const [root, second] = r.subject.split(".");
        if (root === "local") for (const x of resourcesOf(second, visiting)) out.add(x);
        else if (!NOT_RESOURCES.has(root)) out.add(r.subject);
      }
      visiting.delete(name);
      memo.set(name, out);
      return out;
    };
    for (const name of this.localBlocks.keys()) {
      for (const resource of resourcesOf(name, new Set())) {
        let l = this.localsOver.get(resource);
        if (!l) this.localsOver.set(resource, (l = []));
        l.push(name);
      }
    }
  }

  // ---------------------------------------------------------------- evaluation

  eval(e: Expr, ctx?: EachContext): Value {
    return evaluate(e, this.scope(ctx));
  }

  scope(ctx: EachContext = {}): EvalScope {
    return {
      ref: (names) => {
        const [root, a, b] = names;
        switch (root) {
          case "var":
            if (!this.vars.has(a)) throw new EvalError(`variable "${a}" has no value`);
            return this.vars.get(a)!;
          case "local":
            return this.local(a);
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
            if (a === "workspace") return this.config.workspace ?? "default";
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

  /**
   * Every provider configuration, by key. They may use variables and locals that do not depend
   * on resources (they must be known before anything is read); unknown values are an error.
   */
  providerConfigs(): { providers: Map<string, ProviderConfig>; diagnostics: EngineDiagnostic[] } {
    const providers = new Map<string, ProviderConfig>();
    const diagnostics: EngineDiagnostic[] = [];
    for (const p of this.config.providers.values()) {
      try {
        const v = this.eval(p.body);
        if (containsUnknown(v)) throw new EvalError("provider configuration depends on values not known until apply");
        providers.set(p.key, v as ProviderConfig);
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
        diagnostics.push(errorAt(`provider.${p.key}`, "Invalid provider configuration", e.message));
      }
    }
    return { providers, diagnostics };
  }

  /**
   * Every declared output against the state's current ones. An output that fails to evaluate is
   * an error and keeps its current value (noop), so no command drops it; destroy removes them all,
   * and outputs the configuration no longer declares are removed.
   */
  outputs(prior: State["outputs"], destroy: boolean): { changes: OutputChange[]; diagnostics: EngineDiagnostic[] } {
    const changes: OutputChange[] = [];
    const diagnostics: EngineDiagnostic[] = [];
    for (const o of this.config.outputs.values()) {
      const before = prior[o.name]?.value;
      const sensitive = o.sensitive || !!prior[o.name]?.sensitive;
      let after: Value | undefined;
      if (!destroy) {
        try {
          after = this.eval(o.value);
        } catch (e) {
          if (!(e instanceof EvalError)) throw e;
          diagnostics.push(errorAt(`output.${o.name}`, "Invalid output value", e.message));
          changes.push({ name: o.name, action: "noop", before, after: before, sensitive });
          continue;
        }
      }
      const action: OutputChange["action"] =
        before === undefined ? (after === undefined ? "noop" : "create") : after === undefined ? "delete" : deepEqual(before, after) ? "noop" : "update";
      changes.push({ name: o.name, action, before, after, sensitive });
    }
    for (const name of Object.keys(prior)) {
      if (!this.config.outputs.has(name)) changes.push({ name, action: "delete", before: prior[name].value, after: undefined, sensitive: !!prior[name].sensitive });
    }
    return { changes, diagnostics };
  }
}

/**
 * The outputs to write to state after an apply: each output's new value, or, while it is still
 * unknown (a resource it depends on failed), the value it had, never nothing.
 */
export function outputsForState(changes: readonly OutputChange[], config: StackConfig, prior: State["outputs"]): State["outputs"] {
  const out: State["outputs"] = {};
  for (const c of changes) {
    const block = config.outputs.get(c.name);
    if (!block || c.after === undefined) continue;
    if (containsUnknown(c.after)) {
      if (prior[c.name]) out[c.name] = prior[c.name];
      continue;
    }
    out[c.name] = { value: c.after, type: ctyType(c.after), ...(block.sensitive ? { sensitive: true } : {}) };
  }
  return out;
}

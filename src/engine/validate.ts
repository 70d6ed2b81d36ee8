// `validate`: the configuration checks that need neither the cloud nor the state, as terraform
// validate makes them: references resolve, there is no cycle, every type is one the provider has,
// every expression evaluates and every resource body fits its schema and rules. Variables and
// other resources' attributes are unknown here (as they are in terraform validate), so only what
// holds for any value they may take is reported.
import { UNKNOWN, type Value } from "../resources/define.js";
import { validateConfig } from "../resources/plan.js";
import type { StackConfig } from "./config/config.js";
import { loadStack } from "./config/load.js";
import { errorAt, type EngineDiagnostic } from "./diagnostics.js";
import { EvalContext } from "./eval-context.js";
import { EvalError } from "./expr/eval.js";
import { buildGraph } from "./graph.js";
import type { DefinitionLookup } from "./types.js";

/** Blocks whose type the provider does not have (a data source used as a resource, or the other way round, says so). */
export function typeDiagnostics(config: StackConfig, definitions: DefinitionLookup): EngineDiagnostic[] {
  const out: EngineDiagnostic[] = [];
  for (const r of config.resources) {
    if (definitions(r.type, r.mode === "data" ? "data" : "resource")) continue;
    const other = definitions(r.type, r.mode === "data" ? "resource" : "data");
    const what = r.mode === "data" ? "data source" : "resource type";
    out.push(
      errorAt(
        r.address,
        `Invalid ${what}`,
        other
          ? `"${r.type}" is a ${r.mode === "data" ? "managed resource" : "data source"}, not a ${what}`
          : `the provider does not support ${what} "${r.type}"${r.constructPath ? ` (construct ${r.constructPath})` : ""}`,
      ),
    );
  }
  return out;
}

/** Loads the synthesized stack and checks it; nothing is read from the cloud or the state. */
export function validateStack(outDir: string, stack: string | undefined, definitions: DefinitionLookup): { stack?: string; diagnostics: EngineDiagnostic[] } {
  const { config, diagnostics } = loadStack(outDir, stack);
  if (!config) return { diagnostics };
  return { stack: config.stack, diagnostics: [...diagnostics, ...validateConfigOf(config, definitions)] };
}

export function validateConfigOf(config: StackConfig, definitions: DefinitionLookup): EngineDiagnostic[] {
  const g = buildGraph(config);
  const diags = [...g.diagnostics, ...typeDiagnostics(config, definitions)];
  // A broken graph makes every evaluation below fail for the same reason: report it once.
  if (diags.some((d) => d.severity === "error")) return diags;
  const vars: Record<string, Value> = {};
  for (const name of config.variables.keys()) vars[name] = UNKNOWN;
  const values = new EvalContext(config, vars);
  for (const r of config.resources) values.setUnknown(r.address);
  for (const name of config.locals.keys()) {
    try {
      values.local(name);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      diags.push(errorAt(`local.${name}`, "Invalid local value", e.message));
      values.setLocalUnknown(name);
    }
  }
  // count.index, each.key and each.value are unknown too (the scope's types name what plan passes).
  const each = { count: UNKNOWN as unknown as number, each: { key: UNKNOWN as unknown as string, value: UNKNOWN as Value } };
  for (const r of config.resources) {
    const def = definitions(r.type, r.mode === "data" ? "data" : "resource");
    if (!def) continue;
    let raw: Value;
    try {
      for (const meta of [r.count, r.forEach]) if (meta) values.eval(meta);
      raw = values.eval(r.body, { count: r.count ? each.count : undefined, each: r.forEach ? each.each : undefined });
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      diags.push(errorAt(r.address, "Invalid expression", e.message));
      continue;
    }
    for (const d of validateConfig(def, raw).diagnostics) diags.push({ ...d, address: r.address });
  }
  for (const o of config.outputs.values()) {
    try {
      values.eval(o.value);
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      diags.push(errorAt(`output.${o.name}`, "Invalid output value", e.message));
    }
  }
  return diags;
}

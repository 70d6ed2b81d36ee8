// Adopting existing cloud objects: `import` blocks (cdktf's importFrom() writes
// [{ "to": "TYPE.NAME", "id": "ID", "provider"?: ... }]) and `oslogin import ADDR ID` share one
// reader, which checks the address against the configuration and reads the object by its import ID.
import type { ObjectValue, ResourceDefinition, Value } from "../../resources/define.js";
import { completeState } from "../../resources/plan.js";
import type { CloudClient } from "../../contract/cloud-client.js";
import { concreteSensitivePaths } from "../apply/applier.js";
import type { StackConfig } from "../config/config.js";
import { withRetry, type RetryPolicy } from "../concurrency.js";
import { diagnosticFromError, errorAt, hasErrors, type EngineDiagnostic } from "../diagnostics.js";
import { EvalContext } from "../eval-context.js";
import { resolveVariableValues, type VariableAssignment } from "../config/tfvars.js";
import { buildGraph, resourceDependencies } from "../graph.js";
import { instanceAddress, parseInstanceAddress, providerAddress, type InstanceState, type State } from "../state/state.js";
import type { DefinitionLookup, Plan } from "../types.js";


/** One object an import block adopted while planning; apply writes it into state. */
export interface PlannedImport {
  address: string;
  id: string;
  instance: InstanceState;
}

export interface ImportContext {
  cloud: CloudClient;
  config: StackConfig;
  definitions: DefinitionLookup;
  variables: Record<string, Value>;
  /** -var, -var-file and the variables files, in precedence order. */
  assignments?: VariableAssignment[];
  retry: RetryPolicy;
}

/**
 * Reads the object of `type` whose import ID is `id`, with the configuration's provider `provider`
 * (for defaults such as organization_id): every attribute, as state holds it. What an import reads,
 * whether its address is declared (readForImport) or its construct is still to be written
 * (src/codegen, for `oslogin import --generate-construct`).
 */
export async function readImportId(
  ctx: ImportContext,
  type: string,
  provider: string,
  id: string,
  address: string,
): Promise<{ definition: ResourceDefinition; value: ObjectValue; diagnostics: EngineDiagnostic[] } | { definition?: undefined; value?: undefined; diagnostics: EngineDiagnostic[] }> {
  const def = ctx.definitions(type, "resource");
  if (!def) return { diagnostics: [errorAt(address, "Invalid resource type", `the provider does not support resource type "${type}"`)] };
  if (!def.importer) return { diagnostics: [errorAt(address, "Resource type does not support import", `${type} cannot be imported`)] };
  const partial = def.importer.parse(id);
  if (typeof partial === "string") return { diagnostics: [errorAt(address, "Invalid import ID", `${partial} (format: ${def.importer.format})`)] };
  // The provider configuration, for defaults such as organization_id (variables and locals only).
  const vars = resolveVariableValues(ctx.config, ctx.variables, ctx.assignments);
  if (hasErrors(vars.diagnostics)) return { diagnostics: vars.diagnostics };
  const providers = new EvalContext(ctx.config, vars.vars).providerConfigs();
  const bad = providers.diagnostics.filter((d) => d.address === `provider.${provider}`);
  if (bad.length) return { diagnostics: bad };
  const providerConfig = providers.providers.get(provider) ?? {};
  let value: ObjectValue | null;
  try {
    value = await withRetry(() => def.read({ cloud: ctx.cloud, provider: providerConfig }, completeState(def.schema, partial)), ctx.retry);
  } catch (e) {
    return { diagnostics: [diagnosticFromError(address, "Import failed", e)] };
  }
  if (!value) return { diagnostics: [errorAt(address, "Cannot import non-existent remote object", `no ${type} with ID ${JSON.stringify(id)} exists`)] };
  return { definition: def, value: completeState(def.schema, value), diagnostics: [] };
}

/** Reads the object `id` for `address` (declared in the configuration) as the state instance to adopt. */
export async function readForImport(ctx: ImportContext, address: string, id: string): Promise<{ address?: string; instance?: InstanceState; diagnostics: EngineDiagnostic[] }> {
  const { config } = ctx;
  const parsed = parseInstanceAddress(address);
  if (!parsed || parsed.mode !== "managed") return { diagnostics: [errorAt(address, "Invalid address", 'expected TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]')] };
  const block = config.resources.find((r) => r.address === parsed.resource);
  if (!block) {
    return { diagnostics: [errorAt(address, "Configuration for import target does not exist", `declare ${parsed.resource} in the stack before importing into it`)] };
  }
  if ((block.count || block.forEach) && parsed.indexKey === undefined) {
    return { diagnostics: [errorAt(address, "Index required", `${parsed.resource} uses ${block.count ? "count" : "for_each"}: import into ${parsed.resource}[...]`)] };
  }
  const canonical = instanceAddress(parsed.resource, parsed.indexKey);
  const read = await readImportId(ctx, parsed.type, block.provider, id, canonical);
  if (!read.value) return { diagnostics: read.diagnostics };
  const def = read.definition;
  const full = read.value;
  const { graph } = buildGraph(config);
  const instance: InstanceState = {
    mode: "managed",
    type: parsed.type,
    name: parsed.name,
    indexKey: parsed.indexKey,
    each: block.count ? "list" : block.forEach ? "map" : undefined,
    provider: providerAddress(block.provider, config.requiredProviders[block.provider.split(".")[0]]?.source),
    schemaVersion: def.schemaVersion,
    attributes: full,
    sensitiveAttributes: concreteSensitivePaths(def, full),
    dependencies: resourceDependencies(graph, block.address),
  };
  return { address: canonical, instance, diagnostics: [] };
}

/**
 * terraform's import blocks: each target not yet in state is read now and added to the state the
 * plan is made against (a copy), so the plan shows what adopting it changes. Targets already in
 * state are done: the block has no effect, as in terraform.
 */
export async function planImports(ctx: ImportContext, state: State): Promise<{ state: State; imports: PlannedImport[]; diagnostics: EngineDiagnostic[] }> {
  const stmts = ctx.config.imports;
  if (stmts.length === 0) return { state, imports: [], diagnostics: [] };
  const copy: State = { ...state, instances: new Map(state.instances) };
  const imports: PlannedImport[] = [];
  const diagnostics: EngineDiagnostic[] = [];
  for (const s of stmts) {
    if (copy.instances.has(s.to)) continue;
    const r = await readForImport(ctx, s.to, s.id);
    diagnostics.push(...r.diagnostics.map((d) => ({ ...d, address: d.address ?? `import[${s.index}]` })));
    if (!r.instance || !r.address) continue;
    if (copy.instances.has(r.address)) continue;
    copy.instances.set(r.address, r.instance);
    imports.push({ address: r.address, id: s.id, instance: r.instance });
  }
  return { state: copy, imports, diagnostics };
}

export function recordImports(plan: Plan, imports: readonly PlannedImport[]): void {
  if (imports.length === 0) return;
  plan.imports = [...imports];
  const ids = new Map(imports.map((i) => [i.address, i.id]));
  for (const c of plan.changes) {
    const id = c.deposed ? undefined : ids.get(c.address);
    if (id !== undefined) c.importingId = id;
  }
}

// -target: which resource instances a plan may touch. A target names a resource (all its
// instances), one instance, or a construct path (cdktf's stand-in for a module: every resource
// synthesized under that construct). The set then grows the way terraform grows it: a normal or
// refresh-only plan adds everything the targets depend on (so they can be evaluated), a destroy
// plan adds everything that depends on the targets (so nothing is left pointing at a deleted object).
import type { StackConfig } from "../config/config.js";
import { errorAt, warningAt, type EngineDiagnostic } from "../diagnostics.js";
import { resourceDependencies, type Graph } from "../graph.js";
import { instanceAddress, parseInstanceAddress, type State } from "../state/state.js";
import type { Plan } from "../types.js";

export interface Targets {
  /** Resource addresses targeted as a whole (every instance). */
  resources: Set<string>;
  /** Single instances targeted ("t.n[0]") whose resource is not targeted as a whole. */
  instances: Set<string>;
}

export const isTargeted = (t: Targets, resource: string, address: string): boolean => t.resources.has(resource) || t.instances.has(address);

/** terraform's warning for a plan made with -target (its words, with our command name). */
export const TARGETING_WARNING = warningAt(
  undefined,
  "Resource targeting is in effect",
  "You are creating a plan with the -target option, which means that the result of this plan may not represent all of the changes requested by the current configuration.\n\nThe -target option is not for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when oslogin specifically suggests to use it as part of an error message.",
);

/** terraform's warning after applying such a plan. */
export const TARGETED_APPLY_WARNING = warningAt(
  undefined,
  "Applied changes may be incomplete",
  'The plan was created with the -target option in effect, so some changes requested in the configuration may have been ignored and the output values may not be fully updated. Run the following command to verify that no other changes are pending:\n    oslogin plan\n\nNote that the -target option is not suitable for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when oslogin specifically suggests to use it as part of an error message.',
);

/**
 * The given targets as resources and instances, before growing. An address that names nothing is
 * not an error (terraform plans nothing for it); a construct path that names nothing is, since it
 * is most likely misspelt.
 */
export function parseTargets(config: StackConfig, given: readonly string[]): { targets: Targets; diagnostics: EngineDiagnostic[] } {
  const targets: Targets = { resources: new Set(), instances: new Set() };
  const diagnostics: EngineDiagnostic[] = [];
  for (const raw of given) {
    const t = raw.trim();
    if (t.startsWith("module.")) {
      diagnostics.push(errorAt(undefined, `Invalid target "${raw}"`, 'the engine plans flat cdktf stacks, which have no modules; target a construct path such as "web-1" or "quickstart/web-1" instead'));
      continue;
    }
    const parsed = parseInstanceAddress(t);
    if (parsed) {
      if (parsed.indexKey === undefined) targets.resources.add(parsed.resource);
      else targets.instances.add(instanceAddress(parsed.resource, parsed.indexKey));
      continue;
    }
    if (t.includes(".") || !/^[A-Za-z0-9_\-/]+$/.test(t)) {
      diagnostics.push(errorAt(undefined, `Invalid target "${raw}"`, 'expected a resource address (TYPE.NAME, TYPE.NAME[N], TYPE.NAME["KEY"], data.TYPE.NAME) or a construct path (web-1, quickstart/web-1)'));
      continue;
    }
    const matched = constructResources(config, t);
    if (matched.length === 0) {
      diagnostics.push(errorAt(undefined, `Invalid target "${raw}"`, `no construct at path "${t}" in stack "${config.stack}" has resources (construct paths are the ids from the stack down, e.g. "web-1" or "${config.stack}/web-1")`));
      continue;
    }
    for (const r of matched) targets.resources.add(r);
  }
  return { targets, diagnostics };
}

/** Resources synthesized at or under a construct path, given from the stack down (with or without the stack's id). */
function constructResources(config: StackConfig, p: string): string[] {
  const rel = p.replace(/^\/+|\/+$/g, "");
  const prefixes = [`${config.stack}/${rel}`, rel];
  return config.resources.filter((r) => r.constructPath && prefixes.some((x) => r.constructPath === x || r.constructPath!.startsWith(`${x}/`))).map((r) => r.address);
}

/**
 * Grows the targets: with what they depend on (normal, refresh-only), or with what depends on
 * them (destroy). Dependencies come from the configuration's graph and, for objects only the state
 * knows, from the dependencies recorded in state.
 */
export function growTargets(targets: Targets, graph: Graph, state: State, mode: Plan["mode"]): Targets {
  const edges = new Map<string, Set<string>>();
  const link = (from: string, to: string) => {
    let s = edges.get(from);
    if (!s) edges.set(from, (s = new Set()));
    s.add(to);
  };
  const dependsOn = (resource: string, dep: string) => (mode === "destroy" ? link(dep, resource) : link(resource, dep));
  for (const [id, node] of graph.nodes) {
    if (node.kind !== "resource" && node.kind !== "data") continue;
    for (const d of resourceDependencies(graph, id)) dependsOn(id, d);
  }
  for (const [addr, inst] of state.instances) {
    const resource = parseInstanceAddress(addr)?.resource ?? addr;
    for (const d of inst.dependencies) dependsOn(resource, d);
  }
  const resources = new Set(targets.resources);
  const queue = [...targets.resources, ...[...targets.instances].map((a) => parseInstanceAddress(a)?.resource ?? a)];
  while (queue.length) {
    const r = queue.pop()!;
    for (const next of edges.get(r) ?? []) {
      if (resources.has(next)) continue;
      resources.add(next);
      queue.push(next);
    }
  }
  const instances = new Set([...targets.instances].filter((a) => !resources.has(parseInstanceAddress(a)?.resource ?? a)));
  return { resources, instances };
}

/**
 * Both ends of every move must be targeted: the move edits state at both addresses, and a plan
 * that looked at only one of them would be wrong (terraform refuses such a plan the same way).
 */
export function movesExcluded(targets: Targets, moves: readonly { from: string; to: string }[]): string[] {
  const out = new Set<string>();
  for (const m of moves) {
    for (const a of [m.from, m.to]) if (!isTargeted(targets, parseInstanceAddress(a)?.resource ?? a, a)) out.add(a);
  }
  return [...out];
}

/** terraform's explanation, with the -target options that would make the plan valid. */
export function movesExcludedDetail(excluded: readonly string[]): string {
  return [
    "Resource instances in your current state have moved to new addresses in the latest configuration. oslogin must include those resource instances while planning in order to ensure a correct result, but your -target=... options do not fully cover all of those resource instances.",
    "",
    "To create a valid plan, either remove your -target=... options altogether or add the following additional target options:",
    ...excluded.map((a) => `  -target=${JSON.stringify(a)}`),
    "",
    "Note that adding these options may include further additional resource instances in your plan, in order to respect object dependencies.",
  ].join("\n");
}

/** A copy of the state with only the targeted objects (what a targeted plan refreshes). */
export function targetedState(state: State, targets: Targets): State {
  const instances = new Map([...state.instances].filter(([addr]) => isTargeted(targets, parseInstanceAddress(addr)?.resource ?? addr, addr)));
  return { ...state, instances };
}

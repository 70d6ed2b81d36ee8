// The dependency graph of a stack, built in named steps: nodes for every block, edges from
// references and depends_on, then a topological order. A cycle is a diagnostic that names it.
import type { StackConfig } from "./config/config.js";
import { errorAt, type EngineDiagnostic } from "./diagnostics.js";
import { FUNCTIONS } from "./expr/eval.js";

export type NodeKind = "resource" | "data" | "local" | "output" | "provider" | "variable";

export interface GraphNode {
  /** "yandex_x.y", "data.t.n", "local.x", "output.x", "provider.yandex", "var.x". */
  id: string;
  kind: NodeKind;
  deps: Set<string>;
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Every node, dependencies first. */
  order: string[];
}

const ROOTS_WITHOUT_NODE = new Set(["count", "each", "path", "terraform", "self"]);

/** Step 1: one node per block. */
function addNodes(cfg: StackConfig): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  const add = (id: string, kind: NodeKind) => nodes.set(id, { id, kind, deps: new Set() });
  for (const v of cfg.variables.keys()) add(`var.${v}`, "variable");
  for (const p of cfg.providers.keys()) add(`provider.${p}`, "provider");
  for (const l of cfg.locals.keys()) add(`local.${l}`, "local");
  for (const r of cfg.resources) add(r.address, r.mode === "data" ? "data" : "resource");
  for (const o of cfg.outputs.keys()) add(`output.${o}`, "output");
  return nodes;
}

/** Step 2: edges from references and depends_on; references to nothing are diagnostics. */
function addEdges(cfg: StackConfig, nodes: Map<string, GraphNode>, diags: EngineDiagnostic[]): void {
  const link = (from: string, subject: string, traversal: string, allowed: { count: boolean; each: boolean }) => {
    const root = subject.split(".")[0];
    if (ROOTS_WITHOUT_NODE.has(root)) {
      if (root === "count" && (!allowed.count || subject !== "count.index")) {
        diags.push(errorAt(from, "Reference to \"count\" in a non-counted context", `${traversal} is only valid in a resource with count`));
      } else if (root === "each" && (!allowed.each || (subject !== "each.key" && subject !== "each.value"))) {
        diags.push(errorAt(from, "Reference to \"each\" in a context without for_each", `${traversal} is only valid in a resource with for_each`));
      } else if (root === "self") {
        diags.push(errorAt(from, "Invalid \"self\" reference", "self is only valid in provisioner and connection blocks, which the engine does not run"));
      }
      return;
    }
    if (root === "module") {
      diags.push(errorAt(from, "Reference to a module", `${traversal}: modules are not supported`));
      return;
    }
    if (!nodes.has(subject)) {
      const what = root === "var" ? "variable" : root === "local" ? "local value" : root === "data" ? "data source" : "resource";
      const hint = FUNCTIONS.has(root) ? " (a function call needs parentheses)" : "";
      diags.push(errorAt(from, "Reference to undeclared " + what, `${traversal} refers to ${subject}, which is not declared in this stack${hint}`));
      return;
    }
    if (subject !== from) nodes.get(from)!.deps.add(subject);
    else diags.push(errorAt(from, "Self-referential block", `${traversal} refers to the block itself`));
  };
  for (const p of cfg.providers.values()) for (const r of p.refs) link(`provider.${p.key}`, r.subject, r.traversal, { count: false, each: false });
  for (const l of cfg.locals.values()) for (const r of l.refs) link(`local.${l.name}`, r.subject, r.traversal, { count: false, each: false });
  for (const res of cfg.resources) {
    const allowed = { count: !!res.count, each: !!res.forEach };
    for (const r of res.refs) link(res.address, r.subject, r.traversal, allowed);
    for (const d of res.dependsOn) link(res.address, d, d, allowed);
    const pk = `provider.${res.provider}`;
    if (nodes.has(pk)) nodes.get(res.address)!.deps.add(pk);
    else if (res.provider.includes(".")) diags.push(errorAt(res.address, "Provider configuration not present", `provider "${res.provider}" is not declared`, ["provider"]));
  }
  for (const o of cfg.outputs.values()) {
    for (const r of o.refs) link(`output.${o.name}`, r.subject, r.traversal, { count: false, each: false });
    for (const d of o.dependsOn) link(`output.${o.name}`, d, d, { count: false, each: false });
  }
}

/** Step 3: a topological order (Kahn), or the cycle that prevents one. */
function order(nodes: Map<string, GraphNode>, diags: EngineDiagnostic[]): string[] {
  const indeg = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes.values()) {
    indeg.set(n.id, n.deps.size);
    for (const d of n.deps) {
      let l = dependents.get(d);
      if (!l) dependents.set(d, (l = []));
      l.push(n.id);
    }
  }
  // Sorted seeds keep the order (and so plan output) deterministic.
  const ready = [...nodes.keys()].filter((id) => indeg.get(id) === 0).sort();
  const out: string[] = [];
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head];
    out.push(id);
    for (const t of dependents.get(id) ?? []) {
      const n = indeg.get(t)! - 1;
      indeg.set(t, n);
      if (n === 0) ready.push(t);
    }
  }
  if (out.length < nodes.size) {
    const cycle = findCycle(nodes, new Set(out));
    diags.push(errorAt(cycle[0], "Cycle", `the blocks depend on each other in a loop (→ = depends on): ${cycle.join(" → ")}`));
  }
  return out;
}

function findCycle(nodes: Map<string, GraphNode>, done: Set<string>): string[] {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const d of [...nodes.get(id)!.deps].sort()) {
      if (done.has(d)) continue;
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of [...nodes.keys()].sort()) {
    if (done.has(id) || state.has(id)) continue;
    const c = visit(id);
    if (c) return c;
  }
  return [];
}

export function buildGraph(cfg: StackConfig): { graph: Graph; diagnostics: EngineDiagnostic[] } {
  const diagnostics: EngineDiagnostic[] = [];
  const nodes = addNodes(cfg);
  addEdges(cfg, nodes, diagnostics);
  const ord = order(nodes, diagnostics);
  return { graph: { nodes, order: ord }, diagnostics };
}

/** The resources and data sources a node depends on, looking through locals, variables and providers. */
export function resourceDependencies(graph: Graph, id: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (n: string) => {
    for (const d of graph.nodes.get(n)?.deps ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      const k = graph.nodes.get(d)!.kind;
      if (k === "resource" || k === "data") out.add(d);
      else walk(d);
    }
  };
  walk(id);
  return [...out].sort();
}

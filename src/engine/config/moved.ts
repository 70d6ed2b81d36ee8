// `moved` blocks (cdktf's moveTo()/moveToId()/moveFromId() write them into cdk.tf.json as
// [{ "from": "TYPE.OLD", "to": "TYPE.NEW" }]): parsing, terraform's validation rules, and applying
// them to state before planning, so a renamed construct keeps its cloud object (and a profile its
// uid) instead of being destroyed and created again.
import { errorAt, warningAt, type EngineDiagnostic } from "../diagnostics.js";
import { instanceAddress, instanceAddressOf, parseInstanceAddress, type IndexKey, type State } from "../state/state.js";
import type { ResourceBlock } from "./config.js";

export interface MoveStatement {
  from: string;
  to: string;
  /** Position in the file's "moved" list, for messages ("moved[2]"). */
  index: number;
}

/** One instance moved while planning: the plan records it and apply repeats it on state. */
export interface AppliedMove {
  from: string;
  to: string;
}

type Addr = NonNullable<ReturnType<typeof parseInstanceAddress>>;

const stripInterpolation = (s: string): string => {
  const m = /^\$\{(.*)\}$/s.exec(s.trim());
  return m ? m[1].trim() : s.trim();
};

/** The "moved" top-level value -> statements; malformed entries become errors naming the field. */
export function parseMoved(raw: unknown, diags: EngineDiagnostic[]): MoveStatement[] {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: MoveStatement[] = [];
  list.forEach((entry, index) => {
    const where = `moved[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      diags.push(errorAt(where, "Malformed moved block", 'each moved block must be an object with "from" and "to"'));
      return;
    }
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (k !== "from" && k !== "to" && k !== "//") diags.push(errorAt(where, "Unsupported argument", `"${k}" is not an argument of a moved block (from, to)`, [k]));
    }
    let ok = true;
    for (const k of ["from", "to"] as const) {
      const v = e[k];
      if (typeof v !== "string") {
        diags.push(errorAt(where, `Missing or invalid "${k}"`, `"${k}" must be a resource address such as "yandex_iam_service_account.ansible"`, [k]));
        ok = false;
        continue;
      }
      const a = parseInstanceAddress(stripInterpolation(v));
      if (!a) {
        diags.push(errorAt(where, "Invalid address", `"${k}" = ${JSON.stringify(v)} is not TYPE.NAME, TYPE.NAME[N] or TYPE.NAME["KEY"]`, [k]));
        ok = false;
      } else if (a.mode === "data") {
        diags.push(errorAt(where, "Data source address is not allowed", `"${k}" = ${JSON.stringify(v)}: data sources are never moved, they are read again`, [k]));
        ok = false;
      }
    }
    if (ok) out.push({ from: stripInterpolation(e.from as string), to: stripInterpolation(e.to as string), index });
  });
  return out;
}

/** terraform's rules for the statements as a whole (ValidateMoves); errors mean no plan. */
export function validateMoves(stmts: readonly MoveStatement[], resources: readonly ResourceBlock[]): EngineDiagnostic[] {
  const diags: EngineDiagnostic[] = [];
  const declared = new Map(resources.map((r) => [r.address, r]));
  const byFrom = new Map<string, MoveStatement>();
  const byTo = new Map<string, MoveStatement>();
  for (const s of stmts) {
    const where = `moved[${s.index}]`;
    const from = parseInstanceAddress(s.from)!;
    const to = parseInstanceAddress(s.to)!;
    if (s.from === s.to) {
      diags.push(warningAt(where, "Redundant move statement", `This statement declares a move from ${s.from} to the same address, which is the same as not declaring this move at all.`));
      continue;
    }
    if (from.type !== to.type) {
      diags.push(errorAt(where, "Resource type mismatch", `This statement declares a move from ${s.from} to ${s.to}, which is a resource of a different type.`));
      continue;
    }
    const stillDeclared = declared.get(from.resource);
    // A resource-level "from" (or one naming the no-key instance) that the configuration still
    // declares: terraform would not know which of the two the object belongs to.
    if (stillDeclared && from.indexKey === undefined && (to.indexKey === undefined || (!stillDeclared.count && !stillDeclared.forEach))) {
      diags.push(
        errorAt(
          where,
          "Moved object still exists",
          `This statement declares a move from ${s.from}, but that resource is still declared${stillDeclared.constructPath ? ` (construct ${stillDeclared.constructPath})` : ""}. Change your configuration so that this resource will be declared as ${s.to} instead.`,
        ),
      );
    }
    const other = byFrom.get(s.from);
    if (other && other.to !== s.to) {
      diags.push(
        errorAt(where, "Ambiguous move statements", `A statement at moved[${other.index}] declared that ${s.from} is moved to ${other.to}, but this statement instead declares that it is moved to ${s.to}. Each resource can move to only one destination resource.`),
      );
    } else byFrom.set(s.from, s);
    const sameTo = byTo.get(s.to);
    if (sameTo && sameTo.from !== s.from) {
      diags.push(
        errorAt(where, "Ambiguous move statements", `A statement at moved[${sameTo.index}] declared that ${sameTo.from} is moved to ${s.to}, but this statement instead declares that ${s.from} is moved there. Each resource can have moved from only one source resource.`),
      );
    } else byTo.set(s.to, s);
  }
  const cycle = findCycle(stmts.filter((s) => s.from !== s.to));
  if (cycle) {
    diags.push(
      errorAt(
        `moved[${cycle[0].index}]`,
        "Cyclic dependency in move statements",
        `The following chained move statements form a cycle, and so there is no final location to move objects to: ${cycle.map((s) => `moved[${s.index}] (${s.from} -> ${s.to})`).join(", ")}. A chain of move statements must end with an address that doesn't appear in any other statements, and which typically also refers to an object still declared in the configuration.`,
      ),
    );
  }
  return diags;
}

/** Two statements chain when one's "to" covers the other's "from" (same resource, or that instance). */
const chains = (a: MoveStatement, b: MoveStatement): boolean => {
  const to = parseInstanceAddress(a.to)!;
  const from = parseInstanceAddress(b.from)!;
  return a.to === b.from || (to.indexKey === undefined && from.resource === to.resource) || (from.indexKey === undefined && to.resource === from.resource);
};

function findCycle(stmts: readonly MoveStatement[]): MoveStatement[] | undefined {
  const state = new Map<MoveStatement, "visiting" | "done">();
  const stack: MoveStatement[] = [];
  const visit = (s: MoveStatement): MoveStatement[] | undefined => {
    if (state.get(s) === "done") return undefined;
    if (state.get(s) === "visiting") return stack.slice(stack.indexOf(s));
    state.set(s, "visiting");
    stack.push(s);
    for (const next of stmts) {
      if (next !== s && chains(s, next)) {
        const c = visit(next);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(s, "done");
    return undefined;
  };
  for (const s of stmts) {
    const c = visit(s);
    if (c) return c;
  }
  return undefined;
}

/**
 * Applies valid statements to `state` in place, upstream first (A->B before B->C, so an object at A
 * ends at C), as terraform does. A move whose destination already holds an object is skipped and
 * warned about; the object left behind is then planned like any other orphan.
 */
export function applyMoves(state: State, stmts: readonly MoveStatement[]): { moves: AppliedMove[]; diagnostics: EngineDiagnostic[] } {
  const ordered = chainOrder(stmts.filter((s) => s.from !== s.to));
  const moved = new Map<string, string>(); // current address -> original address
  const blocked: string[] = [];
  for (const s of ordered) {
    const from = parseInstanceAddress(s.from)!;
    const to = parseInstanceAddress(s.to)!;
    for (const [addr, dest] of instancesToMove(state, from, to)) {
      if (state.instances.has(dest) || state.deposed.has(dest)) {
        blocked.push(`${addr} could not move to ${dest}`);
        continue;
      }
      renameInstance(state, addr, dest);
      const origin = moved.get(addr) ?? addr;
      moved.delete(addr);
      moved.set(dest, origin);
    }
  }
  const diagnostics = blocked.length
    ? [
        warningAt(
          undefined,
          "Unresolved resource instance address changes",
          `oslogin tried to adjust resource instance addresses in the prior state based on the moved blocks of the configuration, but some adjustments did not succeed due to existing objects already at the intended addresses: ${blocked.join("; ")}. oslogin has planned to destroy these objects. If that is not appropriate, resolve the conflicts with "oslogin state mv" or "oslogin state rm" first and then plan again.`,
        ),
      ]
    : [];
  return { moves: [...moved].filter(([to, from]) => to !== from).map(([to, from]) => ({ from, to })), diagnostics };
}

/** Repeats the moves a plan recorded (apply of that plan): each instance, in the recorded order. */
export function replayMoves(state: State, moves: readonly AppliedMove[]): void {
  // Move every source out first: a swap (A->B, B->A) must not overwrite either object.
  const taken = moves.map((m) => ({ m, inst: state.instances.get(m.from), deposed: state.deposed.get(m.from), pending: state.pending[m.from] }));
  for (const t of taken) {
    state.instances.delete(t.m.from);
    state.deposed.delete(t.m.from);
    delete state.pending[t.m.from];
  }
  for (const t of taken) {
    const key = parseInstanceAddress(t.m.to)!;
    if (t.inst) state.instances.set(t.m.to, { ...t.inst, name: key.name, indexKey: key.indexKey, each: eachOf(key.indexKey, t.inst.each) });
    if (t.deposed) state.deposed.set(t.m.to, t.deposed.map((d) => ({ ...d, instance: { ...d.instance, name: key.name, indexKey: key.indexKey } })));
    if (t.pending) state.pending[t.m.to] = t.pending;
  }
}

function eachOf(key: IndexKey | undefined, prior: "list" | "map" | undefined): "list" | "map" | undefined {
  if (key === undefined) return undefined;
  return typeof key === "number" ? "list" : prior === "list" ? "map" : (prior ?? "map");
}

function renameInstance(state: State, from: string, to: string): void {
  replayMoves(state, [{ from, to }]);
}

/** [current address, destination] for each instance a statement moves. */
function instancesToMove(state: State, from: Addr, to: Addr): [string, string][] {
  const out: [string, string][] = [];
  const hasKey = (a: string) => state.instances.has(a) || state.deposed.has(a);
  if (from.indexKey !== undefined || to.indexKey !== undefined) {
    // Instance to instance (the unindexed side means the no-key instance).
    const src = instanceAddress(from.resource, from.indexKey);
    if (hasKey(src)) out.push([src, instanceAddress(to.resource, to.indexKey)]);
    return out;
  }
  // Resource to resource: every instance keeps its key.
  const addrs = new Set([...state.instances.keys(), ...state.deposed.keys()]);
  for (const a of addrs) {
    const p = parseInstanceAddress(a);
    if (p && p.mode === "managed" && p.resource === from.resource) out.push([a, instanceAddressOf({ mode: "managed", type: to.type, name: to.name, indexKey: p.indexKey })]);
  }
  return out;
}

/** Statements ordered so each runs after every statement whose destination it moves on from. */
function chainOrder(stmts: readonly MoveStatement[]): MoveStatement[] {
  const out: MoveStatement[] = [];
  const done = new Set<MoveStatement>();
  const visit = (s: MoveStatement, seen: Set<MoveStatement>) => {
    if (done.has(s) || seen.has(s)) return;
    seen.add(s);
    for (const up of stmts) if (up !== s && chains(up, s)) visit(up, seen);
    done.add(s);
    out.push(s);
  };
  for (const s of stmts) visit(s, new Set());
  return out;
}

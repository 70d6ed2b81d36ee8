// Where moved blocks meet planning: the plan is made against a copy of the state with the moves
// applied, and records each move (on the change at the new address, and as a list apply repeats).
import type { StackConfig } from "../config/config.js";
import { applyMoves, validateMoves, type AppliedMove } from "../config/moved.js";
import { hasErrors, type EngineDiagnostic } from "../diagnostics.js";
import type { State } from "../state/state.js";
import type { Plan } from "../types.js";

export function planMoves(config: StackConfig, stored: State): { state: State; moves: AppliedMove[]; diagnostics: EngineDiagnostic[] } {
  if (config.moved.length === 0) return { state: stored, moves: [], diagnostics: [] };
  const diagnostics = validateMoves(config.moved, config.resources);
  if (hasErrors(diagnostics)) return { state: stored, moves: [], diagnostics };
  // Shallow copies: applyMoves replaces moved instances, it never edits an instance object.
  const state: State = { ...stored, instances: new Map(stored.instances), deposed: new Map(stored.deposed), pending: { ...stored.pending } };
  const r = applyMoves(state, config.moved);
  return { state, moves: r.moves, diagnostics: [...diagnostics, ...r.diagnostics] };
}

export function recordMoves(plan: Plan, moves: readonly AppliedMove[]): void {
  if (moves.length === 0) return;
  plan.moves = [...moves];
  const previous = new Map(moves.map((m) => [m.to, m.from]));
  for (const c of plan.changes) {
    const from = c.deposed ? undefined : previous.get(c.address);
    if (from) c.previousAddress = from;
  }
}

// The views of `oslogin state`: what each subcommand shows, for a person (text) and for a program
// (the JSON envelope's result fields). The command decides what happened; only this module decides
// how it looks.
import { redactResource } from "../../engine/redact.js";
import type { InstanceState, State } from "../../engine/state/state.js";
import { findDefinition } from "../../resources/registry.js";
import { renderStateObject } from "../render/plan.js";

/** Addresses in state, filtered terraform's way: ADDR matches itself and, for a resource, its instances. */
export function listAddresses(state: State, filters: readonly string[]): string[] {
  const all = [...state.instances.keys()].sort();
  if (filters.length === 0) return all;
  return all.filter((a) => filters.some((f) => a === f || a.startsWith(`${f}[`)));
}

export const stateListView = {
  text: (addresses: readonly string[]): string => addresses.map((a) => `${a}\n`).join(""),
  json: (stack: string, stateFile: string, state: State, addresses: readonly string[]) => ({ stack, state_file: stateFile, serial: state.serial, lineage: state.lineage, addresses }),
};

const redacted = (inst: InstanceState) => redactResource(findDefinition(inst.type, inst.mode === "data" ? "data" : "resource"), inst.attributes) ?? {};

export const stateShowView = {
  text: (address: string, inst: InstanceState): string => renderStateObject({ address, mode: inst.mode, type: inst.type, name: inst.name, attributes: redacted(inst) }) + "\n",
  json: (address: string, inst: InstanceState) => ({ address, type: inst.type, attributes: redacted(inst), dependencies: inst.dependencies }),
};

export const stateRmView = {
  text: (removed: readonly string[]): string => `Removed ${removed.join(", ")} from state (the cloud objects are untouched).\n`,
  json: (removed: readonly string[]) => ({ removed }),
};

export const stateMvView = {
  text: (moved: readonly [string, string][]): string => moved.map(([a, b]) => `Moved ${a} to ${b}.\n`).join(""),
  json: (moved: readonly [string, string][]) => ({ moved: moved.map(([from, to]) => ({ from, to })) }),
};

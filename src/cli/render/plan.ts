// Renders a plan the way terraform does (+ create, ~ update, -/+ replace, - delete, <= read),
// with drift in its own section first, a summary line, and sensitive values redacted.
import { isUnknown, type AttributePath, type ObjectValue, type Value } from "../../resources/define.js";
import { formatPath } from "../../resources/plan.js";
import { findDefinition } from "../../resources/registry.js";
import { redactOutput, redactResource, REDACTED } from "../../engine/redact.js";
import type { Plan, ResourceChange } from "../../engine/types.js";
import type { Style } from "./style.js";

export const KNOWN_AFTER_APPLY = "(known after apply)";

const defOf = (c: { type: string; mode: "managed" | "data" }) => findDefinition(c.type, c.mode === "data" ? "data" : "resource");

/** Changes that do something (not no-ops, not data sources read while planning). */
export const actingChanges = (p: Plan): ResourceChange[] => p.changes.filter((c) => c.action !== "noop" && !c.readDuringPlan);

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  read: number;
  /** Objects import blocks adopt; present when any. */
  import?: number;
  /** Deletes that only leave state (keptBy: another address keeps the cloud object); present when any. */
  forget?: number;
}

export function summarize(p: Plan): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, destroy: 0, read: 0 };
  if (p.imports?.length) s.import = p.imports.length;
  for (const c of actingChanges(p)) {
    if (c.action === "create") s.add++;
    else if (c.action === "update") s.change++;
    else if (c.action === "delete" && c.keptBy !== undefined) s.forget = (s.forget ?? 0) + 1;
    else if (c.action === "delete") s.destroy++;
    else if (c.action === "replace") {
      s.add++;
      s.destroy++;
    } else if (c.action === "read") s.read++;
  }
  return s;
}

/** What the plan shows: the acting changes, and objects a moved block only moves (terraform lists those too). */
export const shownChanges = (p: Plan): ResourceChange[] => p.changes.filter((c) => (c.action !== "noop" && !c.readDuringPlan) || c.previousAddress !== undefined || c.importingId !== undefined);

export const hasChanges = (p: Plan): boolean => shownChanges(p).length > 0 || p.outputs.some((o) => o.action !== "noop");

function literal(v: Value | undefined, indent: string): string {
  if (v === undefined) return "null";
  if (isUnknown(v)) return KNOWN_AFTER_APPLY;
  if (v === REDACTED) return REDACTED;
  if (v === null) return "null";
  if (typeof v === "string") return v.includes("\n") ? `<<-EOT\n${v.replace(/\n$/, "").split("\n").map((l) => `${indent}    ${l}`).join("\n")}\n${indent}EOT` : JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => `${indent}    ${literal(x, indent + "    ")},`).join("\n")}\n${indent}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return "{}";
  const w = Math.max(...keys.map((k) => quoteKey(k).length));
  return `{\n${keys.map((k) => `${indent}    ${quoteKey(k).padEnd(w)} = ${literal(v[k], indent + "    ")}`).join("\n")}\n${indent}}`;
}

const quoteKey = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k));

const isEmpty = (v: Value | undefined) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

function attrLines(sign: string, v: ObjectValue, indent: string, paint: (s: string) => string): string[] {
  const keys = Object.keys(v).filter((k) => !isEmpty(v[k]));
  const w = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${indent}${paint(sign)} ${k.padEnd(w)} = ${literal(v[k], indent + "  ")}`);
}

function changedLines(c: ResourceChange, before: ObjectValue, after: ObjectValue, indent: string, st: Style): string[] {
  const replaceSet = new Set(c.requiresReplace.map((p) => formatPath(p)));
  // Top-level attributes that differ, showing nested ones whole (good enough to review).
  const keys = Array.from(new Set(c.changedPaths.map((p) => String(p[0]))));
  if (keys.length === 0 && c.action === "replace") keys.push(...Object.keys(after).filter((k) => isUnknown(after[k]) && !isEmpty(before[k])));
  const w = Math.max(0, ...keys.map((k) => k.length));
  const lines = keys.map((k) => {
    const forces = [...replaceSet].some((p) => p === k || p.startsWith(`${k}.`) || p.startsWith(`${k}[`)) ? st.red(" # forces replacement") : "";
    const b = before[k];
    const a = after[k];
    if (isEmpty(b)) return `${indent}${st.green("+")} ${k.padEnd(w)} = ${literal(a, indent + "  ")}${forces}`;
    if (isEmpty(a) && !isUnknown(a)) return `${indent}${st.red("-")} ${k.padEnd(w)} = ${literal(b, indent + "  ")} -> null${forces}`;
    return `${indent}${st.yellow("~")} ${k.padEnd(w)} = ${literal(b, indent + "  ")} -> ${literal(a, indent + "  ")}${forces}`;
  });
  return [...lines, ...hiddenLines(c, before, after, new Set(keys), indent)];
}

/**
 * terraform's "# (N unchanged attributes hidden)" and "# (N unchanged blocks hidden)" under an
 * update, replace or move: how much of the object the diff does not show. Attributes empty on
 * both sides are not counted (terraform does not count nulls); a block counts once per element.
 */
export function hiddenLines(c: Pick<ResourceChange, "type" | "mode">, before: ObjectValue, after: ObjectValue, shown: Set<string>, indent: string): string[] {
  const blocks = defOf(c)?.schema.blocks ?? {};
  let attributes = 0;
  let nested = 0;
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (shown.has(k)) continue;
    const v = isEmpty(after[k]) || isUnknown(after[k]) ? before[k] : after[k];
    if (isEmpty(v)) continue;
    if (k in blocks) nested += Array.isArray(v) ? v.length : 1;
    else attributes++;
  }
  const out: string[] = [];
  if (attributes) out.push(`${indent}# (${attributes} unchanged attribute${attributes === 1 ? "" : "s"} hidden)`);
  if (nested) out.push(`${indent}# (${nested} unchanged block${nested === 1 ? "" : "s"} hidden)`);
  return out;
}

function header(c: ResourceChange): { sign: string; what: string } {
  switch (c.action) {
    case "create":
      return { sign: "+", what: "will be created" };
    case "update":
      return { sign: "~", what: "will be updated in-place" };
    case "replace": {
      const sign = c.createBeforeDestroy ? "+/-" : "-/+";
      // terraform's words when the replace is asked for rather than forced by the configuration.
      if (c.actionReason === "replace_by_request") return { sign, what: "will be replaced, as requested" };
      if (c.actionReason === "replace_because_tainted") return { sign, what: "is tainted, so must be replaced" };
      return { sign, what: `must be replaced${c.createBeforeDestroy ? " (create before destroy)" : ""}` };
    }
    case "delete":
      return { sign: "-", what: c.keptBy ? "will be removed from state" : "will be destroyed" };
    case "read":
      return { sign: "<=", what: "will be read during apply" };
    default:
      return { sign: " ", what: c.importingId !== undefined ? "will be imported" : "is up to date" };
  }
}

function paintSign(sign: string, st: Style): string {
  if (sign === "+") return st.green(sign);
  if (sign === "-") return st.red(sign);
  if (sign === "~") return st.yellow(sign);
  if (sign === "-/+" || sign === "+/-") return `${st.red(sign[0] === "-" ? "-" : "+")}/${st.green(sign[2])}`;
  return st.cyan(sign);
}

export function renderChange(c: ResourceChange, st: Style): string {
  const def = defOf(c);
  const before = redactResource(def, c.before) ?? {};
  const after = redactResource(def, c.after) ?? {};
  const { sign, what } = header(c);
  const kw = c.mode === "data" ? "data" : "resource";
  const ind = "      ";
  if (c.action === "noop" && c.previousAddress && c.importingId === undefined) {
    // A pure move: terraform's wording, and nothing else changes.
    return [`  ${st.bold(`# ${c.previousAddress}`)} has moved to ${st.bold(c.address)}`, `    ${kw} "${c.type}" "${c.name}" {`, ...hiddenLines(c, before, after, new Set(), ind), "    }"].join("\n");
  }
  const lines = [`  ${st.bold(`# ${c.address}${c.deposed ? ` (deposed object ${c.deposed})` : ""}`)} ${what}${c.reason ? st.dim(` (${c.reason})`) : ""}`];
  if (c.previousAddress) lines.push(`  # (moved from ${c.previousAddress})`);
  if (c.importingId !== undefined && c.action !== "noop") lines.push(`  # (imported from ${JSON.stringify(c.importingId)})`);
  lines.push(`${paintSign(sign, st).padStart(sign.length === 1 ? 3 : sign.length)} ${kw} "${c.type}" "${c.name}" {`);
  if (c.action === "create" || c.action === "read") lines.push(...attrLines("+", after, ind, st.green));
  else if (c.action === "delete") lines.push(...attrLines("-", before, ind, st.red));
  else lines.push(...changedLines(c, before, after, ind, st));
  lines.push("    }");
  return lines.join("\n");
}

/**
 * One object of state as `oslogin state show` prints it: terraform's layout, every attribute that
 * has a value, aligned, nested values indented under it, sensitive ones already redacted by the caller.
 */
export function renderStateObject(o: { address: string; mode: "managed" | "data"; type: string; name: string; attributes: ObjectValue }): string {
  const kw = o.mode === "data" ? "data" : "resource";
  const keys = Object.keys(o.attributes).filter((k) => !isEmpty(o.attributes[k]));
  const w = Math.max(0, ...keys.map((k) => k.length));
  return [`# ${o.address}:`, `${kw} "${o.type}" "${o.name}" {`, ...keys.map((k) => `    ${k.padEnd(w)} = ${literal(o.attributes[k], "    ")}`), "}"].join("\n");
}

function renderDrift(p: Plan, st: Style): string[] {
  if (p.drift.length === 0) return [];
  const out = [st.bold("Objects have changed outside of oslogin:"), ""];
  for (const d of p.drift) {
    if (d.kind === "deleted") {
      out.push(`  ${st.bold(`# ${d.address}`)} has been deleted`, "");
      continue;
    }
    const def = findDefinition(d.type, "resource");
    const before = redactResource(def, d.before) ?? {};
    const after = redactResource(def, d.after) ?? {};
    out.push(`  ${st.bold(`# ${d.address}`)} has been changed`);
    const keys = Array.from(new Set(d.paths.map((x) => String(x[0]))));
    const w = Math.max(0, ...keys.map((k) => k.length));
    for (const k of keys) out.push(`      ${st.yellow("~")} ${k.padEnd(w)} = ${literal(before[k], "      ")} -> ${literal(after[k], "      ")}`);
    out.push("");
  }
  out.push("Unless the configuration ignores them, the plan below undoes these changes.", "");
  return out;
}

export function renderPlan(p: Plan, st: Style): string {
  const out: string[] = [];
  out.push(...renderDrift(p, st));
  const acting = shownChanges(p);
  const outputs = p.outputs.filter((o) => o.action !== "noop");
  if (acting.length === 0 && outputs.length === 0) {
    out.push(st.bold(st.green("No changes.")) + " Your infrastructure matches the configuration.");
    return out.join("\n");
  }
  if (acting.length) {
    out.push("oslogin will perform the following actions:", "");
    for (const c of acting) out.push(renderChange(c, st), "");
    const s = summarize(p);
    out.push(st.bold(`Plan: ${s.import ? `${s.import} to import, ` : ""}${s.add} to add, ${s.change} to change, ${s.destroy} to destroy${s.read ? `, ${s.read} to read` : ""}${s.forget ? `, ${s.forget} to forget` : ""}.`));
  } else {
    out.push("No resource changes; only outputs change.");
  }
  if (outputs.length) {
    out.push("", "Changes to Outputs:");
    for (const o of outputs) {
      const b = literal(redactOutput(o.sensitive, o.before), "  ");
      const a = literal(redactOutput(o.sensitive, o.after), "  ");
      const sign = o.action === "create" ? st.green("+") : o.action === "delete" ? st.red("-") : st.yellow("~");
      out.push(`  ${sign} ${o.name} = ${o.action === "create" ? a : o.action === "delete" ? `${b} -> null` : `${b} -> ${a}`}`);
    }
  }
  return out.join("\n");
}

// ---------------------------------------------------------------- JSON

/** Values for JSON: unknown -> null with the path listed in after_unknown; sensitive redacted. */
function jsonValue(v: Value | undefined, unknown: AttributePath[], path: AttributePath = []): unknown {
  if (v === undefined) return null;
  if (isUnknown(v)) {
    unknown.push(path);
    return null;
  }
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x, i) => jsonValue(x, unknown, [...path, i]));
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = jsonValue(v[k], unknown, [...path, k]);
  return o;
}

export function planToJson(p: Plan): unknown {
  const changes = shownChanges(p).map((c) => {
    const def = defOf(c);
    const unknown: AttributePath[] = [];
    return {
      address: c.address,
      mode: c.mode,
      type: c.type,
      name: c.name,
      ...(c.indexKey !== undefined ? { index: c.indexKey } : {}),
      action: c.action,
      reason: c.reason,
      ...(c.previousAddress ? { previous_address: c.previousAddress } : {}),
      ...(c.importingId !== undefined ? { importing: { id: c.importingId } } : {}),
      ...(c.keptBy ? { kept_by: c.keptBy } : {}),
      ...(c.action === "replace" ? { replace_paths: c.requiresReplace.map(formatPath), create_before_destroy: c.createBeforeDestroy } : {}),
      before: jsonValue(redactResource(def, c.before) ?? undefined, []),
      after: jsonValue(redactResource(def, c.after) ?? undefined, unknown),
      after_unknown: unknown.map(formatPath),
    };
  });
  return {
    format_version: "1.0",
    stack: p.stack,
    mode: p.mode,
    state: { lineage: p.lineage, serial: p.serial },
    summary: summarize(p),
    changes,
    drift: p.drift.map((d) => ({
      address: d.address,
      kind: d.kind,
      paths: d.paths.map(formatPath),
      before: jsonValue(redactResource(findDefinition(d.type, "resource"), d.before) ?? undefined, []),
      after: jsonValue(redactResource(findDefinition(d.type, "resource"), d.after) ?? undefined, []),
    })),
    outputs: p.outputs
      .filter((o) => o.action !== "noop")
      .map((o) => ({ name: o.name, action: o.action, sensitive: o.sensitive, before: jsonValue(redactOutput(o.sensitive, o.before), []), after: jsonValue(redactOutput(o.sensitive, o.after), []) })),
  };
}

// Request validation shared by the model services: each helper throws the CloudError the real API
// answers (INVALID_ARGUMENT naming the snake_case field and the rule), so services read as a list
// of rules rather than a list of if-statements.
import { errors } from "../../contract/errors.js";
import { LABELS_MAX } from "../../contract/rules.js";

/** A required string field: present, non-empty, at most `max` characters. */
export function requireString(value: string | undefined, field: string, max: number): string {
  if (value === undefined || value === "") throw errors.required(field);
  checkMaxLength(value, field, max);
  return value;
}

export function checkMaxLength(value: string | undefined, field: string, max: number): void {
  if (value !== undefined && value.length > max) {
    throw errors.invalidArgument(field, `must be at most ${max} characters long (got ${value.length})`);
  }
}

export function checkPattern(value: string, field: string, pattern: RegExp, rule: string): void {
  if (!pattern.test(value)) throw errors.invalidArgument(field, `${JSON.stringify(value)} ${rule}`);
}

export interface LabelRules {
  keyPattern: RegExp;
  valuePattern: RegExp;
}

/** Labels: at most LABELS_MAX entries, every key and value matching the resource's patterns. */
export function checkLabels(labels: Record<string, string> | undefined, field: string, rules: LabelRules): void {
  if (!labels) return;
  const keys = Object.keys(labels);
  if (keys.length > LABELS_MAX) {
    throw errors.invalidArgument(field, `must have at most ${LABELS_MAX} entries (got ${keys.length})`);
  }
  for (const key of keys) {
    if (!rules.keyPattern.test(key)) {
      throw errors.invalidArgument(`${field}`, `key ${JSON.stringify(key)} must match ${rules.keyPattern.source}`);
    }
    const value = labels[key]!;
    if (typeof value !== "string" || !rules.valuePattern.test(value)) {
      throw errors.invalidArgument(`${field}[${key}]`, `value ${JSON.stringify(value)} must match ${rules.valuePattern.source}`);
    }
  }
}

/**
 * The set of fields an Update touches. An empty or absent mask means "every field the request
 * carries" (the REST PATCH convention); a mask path outside `allowed` is rejected.
 */
export function maskedFields<F extends string>(
  updateMask: string[] | undefined,
  allowed: Record<F, boolean>,
  given: (field: F) => boolean,
): Set<F> {
  const names = Object.keys(allowed) as F[];
  if (!updateMask || updateMask.length === 0) return new Set(names.filter(given));
  const out = new Set<F>();
  for (const path of updateMask) {
    if (!(names as string[]).includes(path)) {
      throw errors.invalidArgument("update_mask", `unknown field path ${JSON.stringify(path)}; allowed: ${names.join(", ")}`);
    }
    out.add(path as F);
  }
  return out;
}

/**
 * A List filter of the only form these APIs accept: `<field>="<value>"` (spaces around `=` allowed,
 * `\"` and `\\` escapes inside the quotes). Returns undefined for an empty filter.
 */
export function parseEqualsFilter(filter: string | undefined, allowedFields: readonly string[]): { field: string; value: string } | undefined {
  if (filter === undefined || filter.trim() === "") return undefined;
  const m = /^\s*([a-z_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!m || !allowedFields.includes(m[1]!)) {
    throw errors.invalidArgument(
      "filter",
      `${JSON.stringify(filter)} is not supported; use ${allowedFields.map((f) => `${f}="<value>"`).join(" or ")}`,
    );
  }
  return { field: m[1]!, value: m[2]!.replace(/\\(.)/g, "$1") };
}

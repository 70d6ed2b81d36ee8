// Reads cdktf.out/manifest.json and a stack's cdk.tf.json into the configuration model.
// Malformed input becomes diagnostics naming the block and key; nothing throws.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Value } from "../../resources/define.js";
import { META_ARGUMENTS } from "../../resources/plan.js";
import { errorAt, type EngineDiagnostic } from "../diagnostics.js";
import { ExprSyntaxError, type Expr } from "../expr/ast.js";
import { parseExpression, parseTemplate } from "../expr/parse.js";
import { references, type Reference } from "../expr/refs.js";
import type { Lifecycle, LocalBlock, OutputBlock, ProviderBlock, ResourceBlock, StackConfig, VariableBlock } from "./config.js";
import { readTextFile } from "../../util/read-text.js";
import { synthFailure } from "./synth-marker.js";
import { parseMoved } from "./moved.js";
import { parseImports } from "./imports.js";

export interface LoadResult {
  config?: StackConfig;
  diagnostics: EngineDiagnostic[];
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is { [k: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);

/** The stacks a synth wrote, from manifest.json. */
export function listStacks(outDir: string): { stacks: { name: string; file: string }[]; diagnostics: EngineDiagnostic[] } {
  const manifestPath = path.join(outDir, "manifest.json");
  const failed = synthFailure(outDir);
  if (failed) {
    return {
      stacks: [],
      diagnostics: [
        errorAt(undefined, "Stale synth output", `${outDir} is from before the synth that failed at ${failed.at} (${failed.reason}); fix the app and run "oslogin synth" again`),
      ],
    };
  }
  let raw: string;
  try {
    raw = readFileSync(manifestPath, "utf8");
  } catch {
    return { stacks: [], diagnostics: [errorAt(undefined, "No synthesized app", `${manifestPath} does not exist; run "oslogin synth" first`)] };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch (e) {
    return { stacks: [], diagnostics: [errorAt(undefined, "Malformed manifest.json", `${manifestPath}: ${(e as Error).message}`)] };
  }
  if (!isObj(manifest) || !isObj(manifest.stacks)) {
    return { stacks: [], diagnostics: [errorAt(undefined, "Malformed manifest.json", `${manifestPath}: "stacks" must be an object`)] };
  }
  const stacks = Object.entries(manifest.stacks).map(([name, s]) => ({
    name,
    file: path.join(outDir, isObj(s) && typeof s.synthesizedStackPath === "string" ? s.synthesizedStackPath : `stacks/${name}/cdk.tf.json`),
  }));
  return { stacks, diagnostics: [] };
}

/** Loads one stack (the only one when `stack` is omitted and there is exactly one). */
export function loadStack(outDir: string, stack?: string): LoadResult {
  const { stacks, diagnostics } = listStacks(outDir);
  if (diagnostics.length) return { diagnostics };
  let chosen = stack ? stacks.find((s) => s.name === stack) : stacks.length === 1 ? stacks[0] : undefined;
  if (!chosen) {
    const names = stacks.map((s) => s.name).join(", ") || "none";
    return {
      diagnostics: [
        errorAt(undefined, stack ? `No stack named "${stack}"` : "Several stacks: choose one with --stack", `the synthesized stacks are: ${names}`),
      ],
    };
  }
  let read: StackDocument;
  try {
    read = readStackDocument(chosen.file);
  } catch {
    return { diagnostics: [errorAt(undefined, "Missing stack file", `${chosen.file} does not exist; run "oslogin synth" again`)] };
  }
  return parseStackJson(chosen.name, chosen.file, read.text, read);
}

/** A cdk.tf.json's text and what JSON.parse made of it (or the parser's error). */
export type StackDocument = { text: string; doc: unknown; error?: undefined } | { text: string; doc?: undefined; error: Error };

let lastRead: StackDocument | undefined;

/**
 * Reads a stack file and parses it, or reuses the parse of the same text: the CLI's checks before
 * the cloud opens (which organizations the providers name) and the loader read the same file, and a
 * 10k-resource stack is megabytes (about 70 ms to parse). The text is compared, not the file's
 * time and size, so an edit is never missed. Callers must not modify `doc`. Throws when the file
 * cannot be read.
 */
export function readStackDocument(file: string): StackDocument {
  const text = readTextFile(file);
  if (lastRead?.text === text) return lastRead;
  try {
    lastRead = { text, doc: JSON.parse(text) };
  } catch (e) {
    lastRead = { text, error: e as Error };
  }
  return lastRead;
}

/** Parses the text of a cdk.tf.json (exposed for tests and for bad-input diagnostics); `parsed` when already read. */
export function parseStackJson(stack: string, file: string, text: string, parsed?: StackDocument): LoadResult {
  const diagnostics: EngineDiagnostic[] = [];
  let doc: unknown;
  try {
    if (parsed?.error) throw parsed.error;
    doc = parsed ? parsed.doc : JSON.parse(text);
  } catch (e) {
    return { diagnostics: [errorAt(undefined, "Malformed cdk.tf.json", `${file}: ${(e as Error).message}`)] };
  }
  if (!isObj(doc)) return { diagnostics: [errorAt(undefined, "Malformed cdk.tf.json", `${file}: the top level must be an object`)] };
  const cfg: StackConfig = {
    stack,
    file: path.resolve(file),
    hash: createHash("sha256").update(text).digest("hex"),
    resources: [],
    providers: new Map(),
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    requiredProviders: {},
    moved: [],
    imports: [],
  };
  const known = new Set(["//", "resource", "data", "provider", "variable", "locals", "output", "terraform", "module", "moved", "import"]);
  for (const k of Object.keys(doc)) {
    if (!known.has(k)) diagnostics.push(errorAt(undefined, "Unsupported top-level block", `"${k}" is not a Terraform JSON block`));
  }
  if (doc.module !== undefined) diagnostics.push(errorAt(undefined, "Modules are not supported", "the engine plans flat stacks; remove the TerraformHclModule"));

  const p = new BlockParser(diagnostics);
  for (const mode of ["resource", "data"] as const) {
    const section = doc[mode];
    if (section === undefined) continue;
    if (!isObj(section)) {
      diagnostics.push(errorAt(undefined, `Malformed "${mode}" block`, "must be an object of types"));
      continue;
    }
    for (const [type, byName] of Object.entries(section)) {
      if (!isObj(byName)) {
        diagnostics.push(errorAt(`${mode === "data" ? "data." : ""}${type}`, "Malformed block", "must be an object of names"));
        continue;
      }
      for (const [name, body] of Object.entries(byName)) {
        const r = p.resource(mode === "resource" ? "managed" : "data", type, name, body);
        if (r) cfg.resources.push(r);
      }
    }
  }
  if (doc.provider !== undefined) {
    if (!isObj(doc.provider)) diagnostics.push(errorAt("provider", "Malformed provider block", "must be an object of provider names"));
    else
      for (const [name, list] of Object.entries(doc.provider)) {
        for (const body of Array.isArray(list) ? list : [list]) {
          const pb = p.provider(name, body);
          if (!pb) continue;
          if (cfg.providers.has(pb.key)) diagnostics.push(errorAt(`provider.${pb.key}`, "Duplicate provider configuration", "give each extra configuration a distinct alias"));
          else cfg.providers.set(pb.key, pb);
        }
      }
  }
  if (isObj(doc.variable)) for (const [name, body] of Object.entries(doc.variable)) cfg.variables.set(name, p.variable(name, body));
  if (isObj(doc.locals)) {
    for (const [name, raw] of Object.entries(doc.locals)) {
      const value = p.json(`local.${name}`, raw);
      if (value) cfg.locals.set(name, { name, value, refs: references(value) } satisfies LocalBlock);
    }
  }
  if (isObj(doc.output)) {
    for (const [name, body] of Object.entries(doc.output)) {
      const o = p.output(name, body);
      if (o) cfg.outputs.set(name, o);
    }
  }
  if (isObj(doc.terraform) && isObj(doc.terraform.required_providers)) {
    for (const [name, rp] of Object.entries(doc.terraform.required_providers)) {
      if (isObj(rp)) cfg.requiredProviders[name] = { source: str(rp.source), version: str(rp.version) };
      else if (typeof rp === "string") cfg.requiredProviders[name] = { version: rp };
    }
  }
  if (isObj(doc.terraform) && doc.terraform.backend !== undefined) {
    if (isObj(doc.terraform.backend)) cfg.backend = doc.terraform.backend;
    else diagnostics.push(errorAt(undefined, "Malformed backend block", "terraform.backend must be an object naming one backend"));
  }
  cfg.moved = parseMoved(doc.moved, diagnostics);
  cfg.imports = parseImports(doc.import, diagnostics);
  return { config: cfg, diagnostics };
}

const str = (v: Json | undefined): string | undefined => (typeof v === "string" ? v : undefined);

/** Strips one "${...}" wrapper, as depends_on and provider may be written either way. */
const unwrap = (s: string): string => {
  const m = /^\$\{(.*)\}$/s.exec(s.trim());
  return m ? m[1].trim() : s.trim();
};

/** "network_interface[0].nat" -> ["network_interface", 0, "nat"]. */
export function parseAttrPath(s: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of unwrap(s).matchAll(/([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}

class BlockParser {
  constructor(private readonly diags: EngineDiagnostic[]) {}

  /** Turns a JSON value into one expression: strings are templates, containers become tuple/object. */
  json(address: string, v: Json, path: (string | number)[] = []): Expr | undefined {
    try {
      return toExpr(v);
    } catch (e) {
      if (e instanceof ExprSyntaxError) {
        this.diags.push(errorAt(address, "Invalid expression", e.message, path));
        return undefined;
      }
      throw e;
    }
  }

  resource(mode: "managed" | "data", type: string, name: string, raw: Json): ResourceBlock | undefined {
    const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
    if (!isObj(raw)) {
      this.diags.push(errorAt(address, "Malformed resource block", "must be an object of arguments"));
      return undefined;
    }
    const attrs: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(raw)) if (!META_ARGUMENTS.has(k)) attrs[k] = v;
    let bad = false;
    const body = this.json(address, attrs);
    if (!body) bad = true;
    let count: Expr | undefined;
    let forEach: Expr | undefined;
    if (raw.count !== undefined && raw.for_each !== undefined) {
      this.diags.push(errorAt(address, 'Invalid combination of "count" and "for_each"', "use one of them, not both"));
      bad = true;
    }
    if (raw.count !== undefined) count = this.json(address, raw.count, ["count"]) ?? ((bad = true), undefined);
    if (raw.for_each !== undefined) forEach = this.json(address, raw.for_each, ["for_each"]) ?? ((bad = true), undefined);
    const dependsOn: string[] = [];
    if (raw.depends_on !== undefined) {
      if (!Array.isArray(raw.depends_on) || raw.depends_on.some((d) => typeof d !== "string")) {
        this.diags.push(errorAt(address, "Invalid depends_on", "must be a list of addresses", ["depends_on"]));
        bad = true;
      } else {
        for (const d of raw.depends_on as string[]) {
          const dep = this.refSubject(address, d, ["depends_on"]);
          if (dep) dependsOn.push(dep);
          else bad = true;
        }
      }
    }
    const lifecycle = this.lifecycle(address, raw.lifecycle);
    let provider = type.split("_")[0];
    if (raw.provider !== undefined) {
      if (typeof raw.provider !== "string") {
        this.diags.push(errorAt(address, "Invalid provider reference", 'must be a string such as "yandex.west"', ["provider"]));
        bad = true;
      } else provider = unwrap(raw.provider);
    }
    const meta = isObj(raw["//"]) && isObj(raw["//"].metadata) ? str(raw["//"].metadata.path) : undefined;
    if (bad || !body || !lifecycle) return undefined;
    const refs: Reference[] = [];
    references(body, refs);
    if (count) references(count, refs);
    if (forEach) references(forEach, refs);
    return { mode, type, name, address, provider, count, forEach, dependsOn, lifecycle, body, refs, constructPath: meta };
  }

  private refSubject(address: string, s: string, path: (string | number)[]): string | undefined {
    try {
      const refs = references(parseExpression(unwrap(s)));
      if (refs.length === 1) return refs[0].subject;
    } catch {
      // fall through to the diagnostic
    }
    this.diags.push(errorAt(address, "Invalid reference", `${JSON.stringify(s)} is not an address like "TYPE.NAME"`, path));
    return undefined;
  }

  private lifecycle(address: string, raw: Json | undefined): Lifecycle | undefined {
    const lc: Lifecycle = { preventDestroy: false, createBeforeDestroy: false, ignoreChanges: [] };
    if (raw === undefined) return lc;
    if (!isObj(raw)) {
      this.diags.push(errorAt(address, "Invalid lifecycle block", "must be an object", ["lifecycle"]));
      return undefined;
    }
    for (const [k, v] of Object.entries(raw)) {
      if (k === "prevent_destroy" || k === "create_before_destroy") {
        if (typeof v !== "boolean") {
          this.diags.push(errorAt(address, `Invalid lifecycle ${k}`, "must be true or false", ["lifecycle", k]));
          return undefined;
        }
        if (k === "prevent_destroy") lc.preventDestroy = v;
        else lc.createBeforeDestroy = v;
      } else if (k === "ignore_changes") {
        if (v === "all" || (Array.isArray(v) && v.length === 1 && v[0] === "all")) lc.ignoreChanges = "all";
        else if (Array.isArray(v) && v.every((x) => typeof x === "string")) lc.ignoreChanges = (v as string[]).map(parseAttrPath);
        else {
          this.diags.push(errorAt(address, "Invalid ignore_changes", 'must be "all" or a list of attribute names', ["lifecycle", k]));
          return undefined;
        }
      } else if (k === "replace_triggered_by" || k === "precondition" || k === "postcondition") {
        this.diags.push(errorAt(address, `lifecycle ${k} is not supported`, "remove it; the engine supports prevent_destroy, ignore_changes and create_before_destroy", ["lifecycle", k]));
        return undefined;
      } else {
        this.diags.push(errorAt(address, "Unsupported lifecycle argument", `"${k}" is not a lifecycle argument`, ["lifecycle", k]));
        return undefined;
      }
    }
    return lc;
  }

  provider(name: string, raw: Json): ProviderBlock | undefined {
    if (!isObj(raw)) {
      this.diags.push(errorAt(`provider.${name}`, "Malformed provider block", "each configuration must be an object"));
      return undefined;
    }
    const alias = str(raw.alias);
    const key = alias ? `${name}.${alias}` : name;
    const attrs: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(raw)) if (k !== "alias" && k !== "//") attrs[k] = v;
    const body = this.json(`provider.${key}`, attrs);
    if (!body) return undefined;
    return { key, name, alias, body, refs: references(body) };
  }

  variable(name: string, raw: Json): VariableBlock {
    const o = isObj(raw) ? raw : {};
    return {
      name,
      default: o.default as Value | undefined,
      type: str(o.type),
      sensitive: o.sensitive === true,
      description: str(o.description),
    };
  }

  output(name: string, raw: Json): OutputBlock | undefined {
    const address = `output.${name}`;
    if (!isObj(raw) || !("value" in raw)) {
      this.diags.push(errorAt(address, "Malformed output", 'an output needs a "value"'));
      return undefined;
    }
    const value = this.json(address, raw.value as Json);
    if (!value) return undefined;
    const dependsOn = Array.isArray(raw.depends_on)
      ? raw.depends_on.filter((d): d is string => typeof d === "string").map((d) => this.refSubject(address, d, ["depends_on"]) ?? "")
      : [];
    return { name, value, sensitive: raw.sensitive === true, dependsOn: dependsOn.filter(Boolean), refs: references(value) };
  }
}

// Most of a large stack is literal (names, labels, sizes): a subtree without "${" becomes one
// literal node holding the parsed JSON as is, so it costs nothing to convert or to evaluate.
// Strings with interpolations are memoized: a 10k-resource stack repeats the same references.
const templateCache = new Map<string, Expr>();

function isDynamic(v: Json): boolean {
  if (typeof v === "string") return v.includes("${") || v.includes("%{");
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.some(isDynamic);
  for (const k in v) if (isDynamic(v[k])) return true;
  return false;
}

function toExpr(v: Json): Expr {
  if (!isDynamic(v)) return { k: "lit", v: v as Value };
  if (typeof v === "string") {
    let e = templateCache.get(v);
    if (!e) {
      e = parseTemplate(v);
      if (templateCache.size > 50_000) templateCache.clear();
      templateCache.set(v, e);
    }
    return e;
  }
  if (Array.isArray(v)) return { k: "tuple", items: v.map(toExpr) };
  if (isObj(v)) return { k: "object", items: Object.keys(v).map((k) => [{ k: "lit", v: k }, toExpr(v[k])] as [Expr, Expr]) };
  return { k: "lit", v: v as Value };
}

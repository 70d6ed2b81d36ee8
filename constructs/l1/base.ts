// What every generated L1 construct shares. The props interfaces are generated from src/resources
// (constructs/generator), but the conversion to Terraform JSON and the synth-time checks are driven
// by the same ResourceDefinition at runtime, so there is no second copy of a schema anywhere.
import { TerraformDataSource, TerraformElement, TerraformResource, Token, type TerraformMetaArguments, type TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { UNKNOWN, type BlockSchema, type Diagnostic, type Value } from "../../src/resources/define.js";
import { applyDefaults, formatPath, hasErrors, normalizeConfig } from "../../src/resources/plan.js";
import { getDefinition } from "../../src/resources/registry.js";
import { appRules, hookStack } from "../validation.js";
import { META_PROPS, unknownSchemaProps } from "../strict-props.js";

const camelNames = new Map<string, string>();
/** snake_case -> camelCase, memoized: synth converts the same few names for every resource. */
function camel(snake: string): string {
  let c = camelNames.get(snake);
  if (c === undefined) {
    c = snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    camelNames.set(snake, c);
  }
  return c;
}

/** camelCase props -> the schema's snake_case attributes; max-1 blocks as one object, lists as arrays. */
export function propsToTerraform(schema: BlockSchema, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schema.attributes)) {
    const v = props[camel(name)];
    if (v !== undefined) out[name] = v;
  }
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const v = props[camel(name)];
    if (v === undefined) continue;
    if (Token.isUnresolved(v)) {
      out[name] = v;
      continue;
    }
    const items = (Array.isArray(v) ? v : [v]).map((item) =>
      Token.isUnresolved(item) ? item : propsToTerraform(block.block, item as Record<string, unknown>),
    );
    out[name] = block.maxItems === 1 && !Array.isArray(v) ? items[0] : items;
  }
  return out;
}

/** Tokens (references, functions) are unknown at synth: checks skip them, as at plan time. */
function literalValue(v: unknown): Value {
  if (Token.isUnresolved(v)) return UNKNOWN;
  if (Array.isArray(v)) return v.map(literalValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, Value> = {};
    for (const [k, e] of Object.entries(v)) out[k] = literalValue(e);
    return out;
  }
  return v as Value;
}

/** "summary: detail (at <path>)", the line a validation error shows after the construct path. */
export function diagnosticMessage(d: Diagnostic): string {
  const at = d.path && d.path.length > 0 ? ` (at ${formatPath(d.path)})` : "";
  return `${d.summary}${d.detail ? `: ${d.detail}` : ""}${at}`;
}

/** Literal config of an L1 construct, in the schema's shape (UNKNOWN where a token stands). */
export interface LiteralConfig {
  readonly type: string;
  /** The props as Terraform attributes, tokens as UNKNOWN, not yet normalized. */
  readonly raw: Record<string, Value>;
  /** Normalized to the schema (blocks as arrays, int64 as text). */
  readonly config: Record<string, Value>;
}

export interface HasLiteralConfig {
  literalConfig(): LiteralConfig;
}

/** Props in the schema's normalized shape (blocks as arrays, int64 as text), tokens as UNKNOWN. */
function literalConfigOf(type: string, kind: "resource" | "data", props: Record<string, unknown>): LiteralConfig {
  const schema = getDefinition(type, kind).schema;
  const raw = literalValue(propsToTerraform(schema, props)) as Record<string, Value>;
  // A getter, so callers that only need `raw` do not pay for normalization.
  return {
    type,
    raw,
    get config() {
      return normalizeConfig(schema, raw).value;
    },
  };
}

export const hasLiteralConfig = (x: unknown): x is HasLiteralConfig & Construct =>
  typeof (x as HasLiteralConfig).literalConfig === "function";

function addChecks(construct: Construct & HasLiteralConfig, type: string, kind: "resource" | "data", props: object): void {
  const rule = appRules[type] as (typeof appRules)[string] | undefined;
  if (rule) hookStack(construct);
  construct.node.addValidation({
    validate: () => {
      // One normalization serves the type's checks and the app-wide rule (synth of 10k resources).
      const def = getDefinition(type, kind);
      const { value, diagnostics } = normalizeConfig(def.schema, construct.literalConfig().raw);
      if (!hasErrors(diagnostics) && def.check) diagnostics.push(...def.check(applyDefaults(def.schema, value), {}));
      const own = [...unknownSchemaProps(def.schema, props, META_PROPS), ...diagnostics.filter((d) => d.severity === "error").map(diagnosticMessage)];
      return rule ? [...own, ...rule(construct, value)] : own;
    },
  });
}

export type ResourceMetaProps = TerraformMetaArguments;

/** The construct config both kinds share: type, provider name and the meta-arguments data sources accept too. */
function yandexMeta(type: string, props: ResourceMetaProps) {
  return {
    terraformResourceType: type,
    terraformGeneratorMetadata: { providerName: "yandex" },
    provider: props.provider,
    dependsOn: props.dependsOn,
    count: props.count,
    lifecycle: props.lifecycle,
    forEach: props.forEach,
  };
}

/**
 * One token per attribute: cdktf makes a new token (and captures a stack trace) on every getter
 * call, which dominated synth of large apps whose L2 constructs read `id` several times.
 */
function cachedReference(cache: Map<string, string>, attribute: string, make: (attribute: string) => string): string {
  let ref = cache.get(attribute);
  if (ref === undefined) {
    ref = make(attribute);
    cache.set(attribute, ref);
  }
  return ref;
}

export abstract class YandexResource extends TerraformResource implements HasLiteralConfig {
  private readonly props: Record<string, unknown>;
  private readonly references = new Map<string, string>();

  protected constructor(scope: Construct, id: string, type: string, props: object & ResourceMetaProps) {
    super(scope, id, { ...yandexMeta(type, props), provisioners: props.provisioners, connection: props.connection });
    this.props = props as Record<string, unknown>;
    addChecks(this, type, "resource", props);
  }

  /** A reference to any attribute path, e.g. "network_interface.0.nat_ip_address". */
  attribute(path: string): string {
    return this.getStringAttribute(path);
  }

  /** One token per attribute (see cachedReference). */
  getStringAttribute(attribute: string): string {
    return cachedReference(this.references, attribute, (a) => super.getStringAttribute(a));
  }

  literalConfig(): LiteralConfig {
    return literalConfigOf(this.terraformResourceType, "resource", this.props);
  }

  /**
   * Adopts the existing object `id` (an import block: the next plan shows "will be imported").
   * cdktf's own importFrom also makes synth fail unless a terraform >= 1.5 binary is installed;
   * oslogin's engine applies import blocks itself, so an app that never runs terraform must not
   * need one (terraform, where it does run, rejects what it does not support on its own).
   * cdktf 0.21 keeps the import in the resource's `_imported`, which its synthesis reads.
   */
  importFrom(id: string, provider?: TerraformProvider): void {
    (this as unknown as { _imported?: { id: string; provider?: TerraformProvider } })._imported = { id, provider };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return propsToTerraform(getDefinition(this.terraformResourceType).schema, this.props);
  }
}

export abstract class YandexDataSource extends TerraformDataSource implements HasLiteralConfig {
  private readonly props: Record<string, unknown>;
  private readonly references = new Map<string, string>();

  protected constructor(scope: Construct, id: string, type: string, props: object & ResourceMetaProps) {
    super(scope, id, yandexMeta(type, props));
    this.props = props as Record<string, unknown>;
    addChecks(this, type, "data", props);
  }

  attribute(path: string): string {
    return this.getStringAttribute(path);
  }

  /** One token per attribute (see cachedReference). */
  getStringAttribute(attribute: string): string {
    return cachedReference(this.references, attribute, (a) => super.getStringAttribute(a));
  }

  literalConfig(): LiteralConfig {
    return literalConfigOf(this.terraformResourceType, "data", this.props);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return propsToTerraform(getDefinition(this.terraformResourceType, "data").schema, this.props);
  }
}

export interface YandexImportBlockConfig {
  readonly terraformResourceType: string;
  /** The existing object's import ID. */
  readonly importId: string;
  readonly provider?: TerraformProvider;
}

/**
 * Only an import block, for an object the stack does not declare yet: what cdktf's
 * ImportableResource synthesizes, without its synth-time demand for a terraform binary (see
 * YandexResource.importFrom). `oslogin import --generate-construct FILE.ts` writes the construct
 * for it, named as it is, so the two replace each other.
 */
export class YandexImportBlock extends TerraformElement {
  constructor(
    scope: Construct,
    name: string,
    private readonly config: YandexImportBlockConfig,
  ) {
    super(scope, name, config.terraformResourceType);
  }

  private get to(): string {
    return `${this.config.terraformResourceType}.${this.friendlyUniqueId}`;
  }

  toTerraform(): Record<string, unknown> {
    return { import: [{ to: this.to, id: this.config.importId, provider: this.config.provider?.fqn }] };
  }

  /** The same block for cdktf's HCL output (SYNTH_HCL_OUTPUT=true): each value with how it is written. */
  toHclTerraform(): Record<string, unknown> {
    const simple = (value: string, storageClassType: string) => ({ value, type: "simple", storageClassType });
    const provider = this.config.provider;
    return { import: [{ to: simple(this.to, "reference"), id: simple(this.config.importId, "string"), provider: provider ? simple(provider.fqn, "reference") : undefined }] };
  }

  toMetadata(): Record<string, unknown> {
    return { importsGeneratingConfiguration: [this.friendlyUniqueId] };
  }
}

// How a resource type is declared once (docs/constructs.md). Everything that knows a resource type (the
// engine's planner, the terraform provider's schema, the constructs' props, the conformance suite)
// reads one ResourceDefinition built with defineResource().
//
// Value conventions (shared by engine and tfplugin):
// - a resource's value is a plain object with EVERY schema attribute and block present;
//   null = not set. Nested blocks are arrays of objects (Terraform's list/set nesting), [] when absent.
// - "string" values are JS strings, "bool" booleans, "number" JS numbers, except attributes typed
//   int64, whose values are decimal strings (uids reach 2^63-1); maps are plain objects.
// - UNKNOWN marks a value not known until apply (only ever seen by check() and plan()).
import type { CloudClient } from "../contract/cloud-client.js";
import type { AccessSemantics } from "./access.js";
import { withTimeouts, type TimeoutDefaults } from "./timeouts.js";

export const UNKNOWN: unique symbol = Symbol.for("oslogin-kit.unknown");
export type Unknown = typeof UNKNOWN;
export const isUnknown = (v: unknown): v is Unknown => v === UNKNOWN;

export type Value = null | string | number | boolean | Unknown | Value[] | { [k: string]: Value };
export type ObjectValue = { [k: string]: Value };

export type ValueType =
  | { kind: "string" }
  | { kind: "number" }
  /** A Terraform number that must keep 64-bit integer precision; JS value: decimal string. */
  | { kind: "int64" }
  | { kind: "bool" }
  | { kind: "list"; element: ValueType }
  | { kind: "set"; element: ValueType }
  | { kind: "map"; element: ValueType };

export const types = {
  string: { kind: "string" } as ValueType,
  number: { kind: "number" } as ValueType,
  int64: { kind: "int64" } as ValueType,
  bool: { kind: "bool" } as ValueType,
  list: (element: ValueType): ValueType => ({ kind: "list", element }),
  set: (element: ValueType): ValueType => ({ kind: "set", element }),
  map: (element: ValueType): ValueType => ({ kind: "map", element }),
};

export interface AttributeSchema {
  type: ValueType;
  description: string;
  required?: boolean;
  optional?: boolean;
  /** Set by the provider; with `optional`, Terraform's Optional+Computed. */
  computed?: boolean;
  /** Changing it replaces the object (Terraform ForceNew / RequiresReplace). */
  forceNew?: boolean;
  sensitive?: boolean;
  /** The value the provider fills in when the config omits it (Terraform schema Default). */
  default?: Value;
}

export interface NestedBlockSchema {
  /** list and set are arrays of objects; `maxItems: 1` list is the usual "single block" of SDKv2 providers. */
  nesting: "list" | "set";
  minItems?: number;
  maxItems?: number;
  description: string;
  block: BlockSchema;
  /** Any change inside the block replaces the object. */
  forceNew?: boolean;
}

export interface BlockSchema {
  attributes: Record<string, AttributeSchema>;
  blocks?: Record<string, NestedBlockSchema>;
}

/** A path into a value: attribute names and list indexes, as Terraform's AttributePath. */
export type AttributePath = (string | number)[];

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  path?: AttributePath;
}

/** Provider-level configuration (the real provider's argument names), resolved before any call. */
export interface ProviderConfig {
  endpoint?: string;
  token?: string;
  service_account_key_file?: string;
  organization_id?: string;
  cloud_id?: string;
  folder_id?: string;
  zone?: string;
}

export interface ResourceContext {
  cloud: CloudClient;
  provider: ProviderConfig;
  /** Set by the engine for creates so a retried create after a crash does not duplicate. */
  idempotencyKey?: string;
  /**
   * Runs one of the independent calls a bulk read makes (readMany: one List per scope) under the
   * engine's parallelism cap, retried like every engine call. Without it (terraform's provider) a
   * bulk read makes its calls one after another. `first` puts the call ahead of those waiting: for a
   * listing that may take several pages in a row, which would otherwise start last and end last.
   */
  limit?: <T>(call: () => Promise<T>, first?: boolean) => Promise<T>;
}

export interface ImportSpec {
  /** The documented ID format, e.g. "<organization_id>,<role>,<member>". */
  format: string;
  /** Turns an import ID into the partial state that read() then completes; a string is an error message. */
  parse(id: string): ObjectValue | string;
}

export interface ResourceDefinition {
  /** Terraform type name, e.g. "yandex_organizationmanager_user_ssh_key". */
  type: string;
  /** "resource" (managed) or "data" (data source). */
  kind: "resource" | "data";
  /** The provider that serves it: "yandex" or "null". */
  provider: "yandex" | "null";
  schemaVersion: number;
  description: string;
  /** True for types the real terraform-provider-yandex does not have (documented as extensions). */
  extension?: boolean;
  schema: BlockSchema;
  importer?: ImportSpec;
  /** Literal-value checks before any API call; skip UNKNOWN values. Paths point at the attribute. */
  check?(config: ObjectValue, provider: ProviderConfig): Diagnostic[];
  /** Create (or, for data sources, read) and return the full state. */
  create(ctx: ResourceContext, config: ObjectValue): Promise<ObjectValue>;
  /** Current state of the object, or null when it no longer exists. */
  read(ctx: ResourceContext, state: ObjectValue): Promise<ObjectValue | null>;
  /**
   * Optional bulk refresh: one List call per scope instead of one Get per object. Returns the new
   * state for each input, in order (null = gone).
   */
  readMany?(ctx: ResourceContext, states: ObjectValue[]): Promise<(ObjectValue | null)[]>;
  /** In-place update of the non-forceNew attributes; absent = every change replaces. */
  update?(ctx: ResourceContext, prior: ObjectValue, config: ObjectValue): Promise<ObjectValue>;
  delete(ctx: ResourceContext, state: ObjectValue): Promise<void>;
  /** Upgrade a state written by an older schemaVersion. */
  upgradeState?(version: number, raw: ObjectValue): ObjectValue;
  /**
   * For types the cloud identifies by content rather than by an id it assigns (an IAM binding is
   * its scope, role and member): the key under which the cloud holds the object, undefined while a
   * part is unknown. Two addresses with the same key are one cloud object, so deleting one of them
   * deletes the other's too; the planner uses this to keep such a delete from reaching the cloud.
   */
  cloudKey?(value: ObjectValue): string | undefined;
  /**
   * Plan-time checks against the cloud, over every object of this type the plan creates or updates
   * (`planned`, config values) at once, knowing the objects the plan already manages (`managed`,
   * their prior state): what apply would otherwise fail on next to valid changes. Returns errors by
   * index into `planned`.
   */
  verify?(ctx: ResourceContext, planned: ObjectValue[], managed: ObjectValue[]): Promise<{ at: number; diagnostic: Diagnostic }[]>;
  /** What the type means for OS Login access (src/resources/access.ts); absent = nothing. */
  access?: AccessSemantics;
  /**
   * Set when create() returns a secret the cloud hands out only once (an authorized key's private
   * key): a create replayed after a crash cannot return the object whole, so create() throws
   * LostSecretError instead, and the engine deletes that object and creates a new one.
   */
  secretOnlyAtCreate?: true;
  /**
   * The operations a `timeouts { ... }` block may limit, with each one's default (undefined: the
   * client's); set for the types whose real provider has the block (src/resources/timeouts.ts).
   */
  timeouts?: TimeoutDefaults;
}

/**
 * Thrown by create() when its idempotency key was used before and the object that call made
 * exists, but the secret only its first response carried is lost. `object` holds enough of the
 * object's state for delete(). A credential nobody holds must not stay valid: the engine deletes
 * it, then creates a new object under a fresh idempotency key.
 */
export class LostSecretError extends Error {
  constructor(
    readonly object: ObjectValue,
    message: string,
  ) {
    super(message);
    this.name = "LostSecretError";
  }
}

export function defineResource(declared: ResourceDefinition): ResourceDefinition {
  const def = declared.timeouts ? withTimeouts(declared, declared.timeouts) : declared;
  // Every definition gets the same keys in the same order (absent ones undefined), so all of them
  // share one hidden class: planning reads def.schema, def.check... for 10k instances of mixed
  // types, and optimized code specialized to one type's object deoptimized at the next type.
  // `satisfies` requires every member: one added to ResourceDefinition but not copied here does
  // not compile (instead of being dropped silently).
  return {
    type: def.type,
    kind: def.kind,
    provider: def.provider,
    schemaVersion: def.schemaVersion,
    description: def.description,
    extension: def.extension,
    schema: def.schema,
    importer: def.importer,
    check: def.check,
    create: def.create,
    read: def.read,
    readMany: def.readMany,
    update: def.update,
    delete: def.delete,
    upgradeState: def.upgradeState,
    cloudKey: def.cloudKey,
    verify: def.verify,
    access: def.access,
    secretOnlyAtCreate: def.secretOnlyAtCreate,
    timeouts: def.timeouts,
  } satisfies Record<keyof ResourceDefinition, unknown>;
}

// ----- schema shorthands, so definitions read like the real provider's schema tables -----

type AttrOpts = Partial<Omit<AttributeSchema, "type" | "required" | "optional" | "computed">> & { description: string };

export const required = (type: ValueType, o: AttrOpts): AttributeSchema => ({ type, required: true, ...o });
export const optional = (type: ValueType, o: AttrOpts): AttributeSchema => ({ type, optional: true, ...o });
export const computed = (type: ValueType, o: AttrOpts): AttributeSchema => ({ type, computed: true, ...o });
/** Optional+Computed: the config may set it, otherwise the provider does. */
export const optionalComputed = (type: ValueType, o: AttrOpts): AttributeSchema => ({
  type,
  optional: true,
  computed: true,
  ...o,
});

export const diag = {
  error: (summary: string, path?: AttributePath, detail?: string): Diagnostic => ({ severity: "error", summary, detail, path }),
  warning: (summary: string, path?: AttributePath, detail?: string): Diagnostic => ({
    severity: "warning",
    summary,
    detail,
    path,
  }),
};

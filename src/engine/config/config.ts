// The configuration model: what a stack's cdk.tf.json declares, with every string already parsed
// into an expression AST and every reference listed, so later steps never look at raw JSON again.
import type { Value } from "../../resources/define.js";
import type { Expr } from "../expr/ast.js";
import type { Reference } from "../expr/refs.js";
import type { MoveStatement } from "./moved.js";

export interface Lifecycle {
  preventDestroy: boolean;
  createBeforeDestroy: boolean;
  /** Attribute paths to ignore, or "all". */
  ignoreChanges: (string | number)[][] | "all";
}

export interface ResourceBlock {
  mode: "managed" | "data";
  type: string;
  name: string;
  /** "yandex_compute_instance.vm" or "data.yandex_x.y". */
  address: string;
  /** Provider configuration key: "yandex" or "yandex.west". */
  provider: string;
  count?: Expr;
  forEach?: Expr;
  /** Addresses from depends_on (resources, data, locals...). */
  dependsOn: string[];
  lifecycle: Lifecycle;
  /** The body (every key except meta-arguments) as one object expression. */
  body: Expr;
  /** References in body, count and for_each. */
  refs: Reference[];
  /** The construct path from cdktf metadata, for messages. */
  constructPath?: string;
}

export interface ProviderBlock {
  /** "yandex" or "yandex.west". */
  key: string;
  name: string;
  alias?: string;
  body: Expr;
  refs: Reference[];
}

export interface VariableBlock {
  name: string;
  default?: Value;
  type?: string;
  sensitive: boolean;
  description?: string;
}

export interface OutputBlock {
  name: string;
  value: Expr;
  sensitive: boolean;
  dependsOn: string[];
  refs: Reference[];
}

export interface LocalBlock {
  name: string;
  value: Expr;
  refs: Reference[];
}

export interface StackConfig {
  stack: string;
  /** Absolute path of cdk.tf.json. */
  file: string;
  /** sha256 of the file's bytes: a plan file records it so apply refuses another config. */
  hash: string;
  resources: ResourceBlock[];
  providers: Map<string, ProviderBlock>;
  variables: Map<string, VariableBlock>;
  locals: Map<string, LocalBlock>;
  outputs: Map<string, OutputBlock>;
  requiredProviders: Record<string, { source?: string; version?: string }>;
  /** terraform.backend as written ({"local": {"path": ...}}), undefined when the stack declares none. */
  backend?: Record<string, unknown>;
  /** The workspace the command works on (terraform.workspace); set by the engine, "default" until then. */
  workspace?: string;
  /** The "moved" blocks, in file order. */
  moved: MoveStatement[];
  /** The "import" blocks, in file order. */
  imports: ImportStatement[];
}

export interface ImportStatement {
  /** Instance address to adopt the object as. */
  to: string;
  /** The object's import ID (the resource type's import format). */
  id: string;
  /** Position in the file's "import" list, for messages. */
  index: number;
}

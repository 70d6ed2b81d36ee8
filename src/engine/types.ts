// The engine's public types: the closed set of actions, a plan, hooks for progress.
import type { CloudClient } from "../contract/cloud-client.js";
import type { AttributePath, ObjectValue, ResourceDefinition, Value } from "../resources/define.js";
import type { EngineDiagnostic } from "./diagnostics.js";
import type { IndexKey, InstanceState } from "./state/state.js";

export type Action = "create" | "update" | "replace" | "delete" | "read" | "noop";

/** Finds the definition of a resource type (kind "resource") or data source (kind "data"). */
export type DefinitionLookup = (type: string, kind: "resource" | "data") => ResourceDefinition | undefined;

export interface ResourceChange {
  /** Instance address: "yandex_compute_instance.vm[0]". */
  address: string;
  /** Resource address: "yandex_compute_instance.vm". */
  resource: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  indexKey?: IndexKey;
  each?: "list" | "map";
  /** each.value of a for_each instance (apply re-evaluates the body with it). */
  eachValue?: Value;
  /** For a deposed object (left by an interrupted create-before-destroy): its deposed key. */
  deposed?: string;
  /** Provider configuration key ("yandex", "yandex.west") and its state spelling. */
  providerKey: string;
  provider: string;
  action: Action;
  /** Why: "forces replacement: zone", "tainted", "not in configuration", "changed outside (drift)"... */
  reason: string;
  /** Why a replace happens when the configuration alone would not replace (terraform's action_reason). */
  actionReason?: "replace_by_request" | "replace_because_tainted";
  /** For replace: delete the old object first (default) or create the new one first. */
  createBeforeDestroy: boolean;
  /** Refreshed prior state (null = none). */
  before: ObjectValue | null;
  /** Planned new state with UNKNOWN where apply decides (null for delete). */
  after: ObjectValue | null;
  changedPaths: AttributePath[];
  requiresReplace: AttributePath[];
  /** Resource addresses this instance depends on (recorded in state, orders deletes). */
  dependencies: string[];
  /** The address state held this object at before a moved block moved it. */
  previousAddress?: string;
  /** Set when an import block adopts this object in this plan: its import ID. */
  importingId?: string;
  /**
   * For a delete: the address that keeps the same cloud object (an identical IAM binding). Apply
   * then only removes this address from state, after that address's create, and never calls the
   * cloud: deleting would take the kept object with it.
   */
  keptBy?: string;
  /** A data source read while planning: `after` is its value, apply only records it. */
  readDuringPlan?: boolean;
  /**
   * destroy of an instance an interrupted apply was creating (state.pending, `before` null): apply
   * first sends that create again with the same idempotency key to learn the object, then deletes it.
   */
  adoptPending?: boolean;
  schemaVersion: number;
}

export interface Drift {
  address: string;
  type: string;
  /** The object changed, or disappeared, outside the engine. */
  kind: "changed" | "deleted";
  paths: AttributePath[];
  before: ObjectValue;
  after: ObjectValue | null;
}

export interface OutputChange {
  name: string;
  action: "create" | "update" | "delete" | "noop";
  before: Value | undefined;
  after: Value | undefined;
  sensitive: boolean;
}

export interface Plan {
  formatVersion: 1;
  stack: string;
  configFile: string;
  configHash: string;
  /** The state the plan was made against: apply refuses if it moved. */
  lineage: string;
  serial: number;
  /**
   * The workspace the plan was made in, and where that workspace's state is (StateBackend.location,
   * which names no credential): apply refuses the plan in another workspace or against another
   * backend, which lineage and serial cannot tell apart while both states are still empty. Set by
   * the engine; plan files of older versions have neither.
   */
  workspace?: string;
  stateLocation?: string;
  mode: "normal" | "destroy" | "refresh-only";
  variables: Record<string, Value>;
  changes: ResourceChange[];
  drift: Drift[];
  outputs: OutputChange[];
  /** Data sources in state that the configuration no longer declares (dropped silently). */
  forgetData: string[];
  /** Provider scopes (no credentials) by provider key: lets reviews resolve defaults like folder_id. */
  providerScopes: Record<string, { organization_id?: string; cloud_id?: string; folder_id?: string; zone?: string }>;
  /** Instances moved by "moved" blocks (state is edited this way first when the plan is applied). */
  moves?: { from: string; to: string }[];
  /** Objects import blocks adopt (apply writes them into state first). */
  imports?: { address: string; id: string; instance: InstanceState }[];
  /** The -target addresses the plan was made with (apply then warns that it may be incomplete). */
  targets?: string[];
  /** Warnings found while planning (errors mean there is no plan). */
  warnings: EngineDiagnostic[];
}

export interface ApplyPhaseEvent {
  address: string;
  /** What is happening right now; a replace is a delete then a create (or the other way round). */
  phase: "create" | "update" | "delete" | "read";
  action: Action;
}

export interface EngineHooks {
  refreshStart?(instances: number): void;
  /** One more object of the refresh has its answer (or its type's List failed): `done` of `instances`. */
  refreshProgress?(done: number, instances: number): void;
  refreshDone?(instances: number, ms: number): void;
  /**
   * One more resource block planned: `done` of `resources`. Planning is mostly CPU work that may not
   * yield to timers, so a view that reports it checks the clock here rather than waiting for one.
   */
  planProgress?(done: number, resources: number): void;
  /** Apply is about to run `operations` walk nodes (a replace is two: its delete and its create). */
  applyBegin?(operations: number): void;
  /** One more operation finished, failed or was skipped: `done` of `operations`. */
  applyProgress?(done: number, operations: number): void;
  /** Every operation has settled (the state is written next). */
  applyEnd?(ms: number): void;
  applyStart?(e: ApplyPhaseEvent): void;
  applyDone?(e: ApplyPhaseEvent & { ms: number; id?: string }): void;
  applyFailed?(e: ApplyPhaseEvent & { diagnostic: EngineDiagnostic }): void;
  applySkipped?(e: ApplyPhaseEvent & { because: string }): void;
  retry?(e: { address: string; attempt: number; delayMs: number; code: string }): void;
  /** The cloud acknowledged a create; state does not record it yet (crash tests kill here). */
  createAcknowledged?(address: string): void;
  lockWait?(holder: string): void;
  lockTakenOver?(holder: string): void;
  /** The state lock was just taken; the operation starts once this resolves. */
  lockHeld?(): Promise<void> | void;
}

export interface EngineOptions {
  cloud: CloudClient;
  definitions: DefinitionLookup;
  /** Where state lives when a stack declares no backend: <dataDir>/stacks/<stack>/terraform.tfstate. */
  dataDir: string;
  hooks?: EngineHooks;
  /** The one concurrency cap for cloud calls in refresh and apply (default 10). */
  parallelism?: number;
  /**
   * The cap for the refresh's reads only (default: parallelism). Refresh against a distant cloud is
   * bound by round trips, not by what a mutation costs the cloud, so it may go wider; each read still
   * backs off on RESOURCE_EXHAUSTED and UNAVAILABLE like every engine call.
   */
  refreshParallelism?: number;
  /** false: never take the state lock (-lock=false); every locked operation warns that it did not. */
  lock?: boolean;
  /** How long to wait for the state lock (ms, default 0 = fail at once). */
  lockTimeoutMs?: number;
  /** Values for `variable` blocks (else TF_VAR_<name>, else the default). */
  variables?: Record<string, Value>;
  /** Retry policy for UNAVAILABLE / RESOURCE_EXHAUSTED. */
  retry?: { attempts: number; baseDelayMs: number };
}

// The tfplugin6.Provider service: terraform's RPCs translated into calls on our ResourceDefinitions.
// Planning is src/resources/plan.ts (the same rules as our engine); this file only decodes, calls,
// and encodes, and turns every failure into a diagnostic (never a gRPC error, which terraform shows
// as an opaque "plugin error").
//
// Handlers are async and never block the event loop for long: terraform sends StopProvider while
// other calls are in flight.
import { randomUUID } from "node:crypto";
import { isCloudError } from "../contract/errors.js";
import type { CloudClient } from "../contract/cloud-client.js";
import type { BlockSchema, Diagnostic, ObjectValue, ProviderConfig, ResourceDefinition } from "../resources/define.js";
import { applyDefaults, completeState, hasErrors, normalizeConfig, planResourceChange, validateConfig } from "../resources/plan.js";
import { attributePathToProto, diagnosticsToProto, errorDiagnostic } from "./diagnostics.js";
import type { Message } from "./protocol.js";
import { definitionSchema, schemaToProto } from "./schema.js";
import { parseJsonKeepingIntegers } from "../util/json-integers.js";
import { decodeDynamic, decodeJson, encodeMsgpack, WireValueError } from "./values.js";

/** What one provider binary serves (yandex-cloud/yandex, hashicorp/null). */
export interface ProviderSpec {
  /** Terraform's local name, e.g. "yandex"; used in messages. */
  name: string;
  /** The provider block's schema. */
  config: BlockSchema;
  /** Literal checks of the provider block (conflicting arguments, ...). */
  checkConfig?(config: ObjectValue): Diagnostic[];
  definitions: ResourceDefinition[];
  /** Builds the API client from the provider block; errors become diagnostics. */
  connect(config: ObjectValue): Promise<{ cloud: CloudClient; provider: ProviderConfig }>;
}

type Handler = (req: Message) => Promise<Message>;

// plan_destroy: terraform asks us to plan deletes too (so nothing is skipped silently);
// get_provider_schema_optional: later launches in the same terraform run skip GetProviderSchema.
const CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: true };

/** A diagnostic-carrying failure inside a handler. */
class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Message[]) {
    super(diagnostics.map((d) => d.summary).join("; "));
  }
}

export function createProviderHandlers(spec: ProviderSpec): Record<string, Handler> {
  const resources = new Map<string, ResourceDefinition>();
  const dataSources = new Map<string, ResourceDefinition>();
  for (const d of spec.definitions) (d.kind === "data" ? dataSources : resources).set(d.type, d);

  let providerConfig: ProviderConfig = {};
  let configured: { cloud: CloudClient; provider: ProviderConfig } | undefined;
  let stopped = false;

  const schemaResponse = (): Message => ({
    provider: schemaToProto(spec.config, 0),
    resource_schemas: Object.fromEntries([...resources].map(([t, d]) => [t, definitionSchema(d)])),
    data_source_schemas: Object.fromEntries([...dataSources].map(([t, d]) => [t, definitionSchema(d)])),
    server_capabilities: CAPABILITIES,
  });
  let cachedSchema: Message | undefined;

  const lookup = (map: Map<string, ResourceDefinition>, type: string | undefined, what: string): ResourceDefinition => {
    const def = map.get(type ?? "");
    if (!def) throw new DiagnosticsError([errorDiagnostic(`Unsupported ${what} type`, `The ${spec.name} provider has no ${what} type "${type}".`)]);
    return def;
  };
  const context = () => {
    if (!configured) throw new DiagnosticsError([errorDiagnostic("Provider not configured", `ConfigureProvider was not called for ${spec.name}.`)]);
    if (stopped) throw new DiagnosticsError([errorDiagnostic("Provider stopped", "Terraform asked the provider to stop.")]);
    return { cloud: configured.cloud, provider: configured.provider };
  };
  const decode = (dv: Message | undefined, block: BlockSchema, what: string): ObjectValue | null => {
    try {
      return decodeDynamic(dv, block);
    } catch (e) {
      if (e instanceof WireValueError)
        throw new DiagnosticsError([{ ...errorDiagnostic(`Invalid ${what} from Terraform`, e.message), attribute: attributePathToProto(e.path, block) }]);
      throw e;
    }
  };
  const dynamic = (v: ObjectValue | null, block: BlockSchema): Message => ({ msgpack: encodeMsgpack(v, block) });
  /** Terraform's config as our engine sees a config: normalized, defaults filled. */
  const configValue = (def: ResourceDefinition, dv: Message | undefined): ObjectValue | null => {
    const raw = decode(dv, def.schema, "configuration");
    if (raw === null) return null;
    const { value, diagnostics } = normalizeConfig(def.schema, raw);
    if (hasErrors(diagnostics)) throw new DiagnosticsError(diagnosticsToProto(diagnostics, def.schema));
    return applyDefaults(def.schema, value);
  };

  /** Runs a handler body; any failure becomes the response's diagnostics (every response has that field). */
  const guarded =
    (body: (req: Message) => Promise<Message>): Handler =>
    async (req) => {
      try {
        return await body(req);
      } catch (e) {
        return { diagnostics: e instanceof DiagnosticsError ? e.diagnostics : [failureDiagnostic(e, req.type_name)] };
      }
    };

  const validate = (map: Map<string, ResourceDefinition>, what: string) =>
    guarded(async (req) => {
      const def = lookup(map, req.type_name, what);
      const raw = decode(req.config, def.schema, "configuration");
      const { diagnostics } = validateConfig(def, raw, providerConfig);
      return { diagnostics: diagnosticsToProto(diagnostics, def.schema) };
    });

  return {
    GetMetadata: async () => ({
      server_capabilities: CAPABILITIES,
      resources: [...resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...dataSources.keys()].map((type_name) => ({ type_name })),
    }),

    GetProviderSchema: async () => (cachedSchema ??= schemaResponse()),

    ValidateProviderConfig: guarded(async (req) => {
      const raw = decode(req.config, spec.config, "provider configuration") ?? {};
      const { value, diagnostics } = normalizeConfig(spec.config, raw);
      if (!hasErrors(diagnostics)) diagnostics.push(...(spec.checkConfig?.(value) ?? []));
      // Resource checks in this same process fall back to the provider's scope ids.
      providerConfig = knownProviderConfig(value);
      return { diagnostics: diagnosticsToProto(diagnostics, spec.config) };
    }),

    ValidateResourceConfig: validate(resources, "resource"),
    ValidateDataResourceConfig: validate(dataSources, "data source"),

    ConfigureProvider: guarded(async (req) => {
      const raw = decode(req.config, spec.config, "provider configuration") ?? {};
      const { value, diagnostics } = normalizeConfig(spec.config, raw);
      if (hasErrors(diagnostics)) return { diagnostics: diagnosticsToProto(diagnostics, spec.config) };
      try {
        configured = await spec.connect(applyDefaults(spec.config, value));
      } catch (e) {
        // Errors that name a provider argument point terraform's message at it.
        const argument = (e as { argument?: unknown }).argument;
        const d = diagnosticsToProto([{ severity: "error", summary: `Cannot configure the ${spec.name} provider`, detail: e instanceof Error ? e.message : String(e) }]);
        if (typeof argument === "string") d[0].attribute = attributePathToProto([argument], spec.config);
        return { diagnostics: d };
      }
      providerConfig = configured.provider;
      return { diagnostics: diagnosticsToProto(diagnostics, spec.config) };
    }),

    UpgradeResourceState: guarded(async (req) => {
      const def = lookup(resources, req.type_name, "resource");
      const version = Number(req.version ?? 0);
      const text = req.raw_state?.json ? Buffer.from(req.raw_state.json).toString("utf8") : "null";
      if (version > def.schemaVersion) {
        throw new DiagnosticsError([
          errorDiagnostic(
            "State written by a newer provider",
            `The state of this ${def.type} has schema version ${version}; this provider knows up to ${def.schemaVersion}.`,
          ),
        ]);
      }
      let raw: ObjectValue | null;
      if (version < def.schemaVersion && def.upgradeState) {
        // The old shape may have attributes the current schema lacks: parse it loosely first.
        raw = def.upgradeState(version, parseJsonKeepingIntegers(text) as ObjectValue);
        raw = decodeJson(JSON.stringify(raw), def.schema);
      } else {
        raw = decodeJson(text, def.schema);
      }
      return { upgraded_state: dynamic(raw && completeState(def.schema, raw), def.schema) };
    }),

    ReadResource: guarded(async (req) => {
      const def = lookup(resources, req.type_name, "resource");
      const current = decode(req.current_state, def.schema, "state");
      const next = current === null ? null : await def.read(context(), current);
      return {
        new_state: dynamic(next && completeState(def.schema, next), def.schema),
        ...(req.private ? { private: req.private } : {}),
      };
    }),

    PlanResourceChange: guarded(async (req) => {
      const def = lookup(resources, req.type_name, "resource");
      const prior = decode(req.prior_state, def.schema, "prior state");
      const proposed = decode(req.proposed_new_state, def.schema, "proposed state");
      // A null proposed state is a destroy (we advertise plan_destroy): nothing to add.
      const config = proposed === null ? null : configValue(def, req.config);
      const change = planResourceChange(def, prior, config);
      // The same plan-time checks against the cloud as the engine's (ResourceDefinition.verify),
      // for one object: terraform plans each resource on its own.
      if (def.verify && change.planned !== null && configured && change.action !== "noop") {
        const found = await def.verify(context(), [change.planned], prior ? [prior] : []);
        if (found.length) return { diagnostics: diagnosticsToProto(found.map((f) => f.diagnostic), def.schema) };
      }
      return {
        planned_state: dynamic(change.planned, def.schema),
        requires_replace: change.requiresReplace.map((p) => attributePathToProto(p, def.schema)),
        ...(req.prior_private ? { planned_private: req.prior_private } : {}),
      };
    }),

    ApplyResourceChange: guarded(async (req) => {
      const def = lookup(resources, req.type_name, "resource");
      const ctx = context();
      const prior = decode(req.prior_state, def.schema, "prior state");
      const planned = decode(req.planned_state, def.schema, "planned state");
      let next: ObjectValue | null;
      if (planned === null) {
        if (prior !== null) await def.delete(ctx, prior);
        next = null;
      } else {
        const config = configValue(def, req.config) ?? planned;
        // A replace reaches us as a delete (prior set, planned null) and a create (prior null).
        if (prior === null) next = await def.create({ ...ctx, idempotencyKey: randomUUID() }, config);
        else if (def.update) next = await def.update(ctx, prior, config);
        else throw new DiagnosticsError([errorDiagnostic(`${def.type} cannot be updated in place`, "Every change to it replaces the object.")]);
      }
      return {
        new_state: dynamic(next && completeState(def.schema, next), def.schema),
        ...(req.planned_private ? { private: req.planned_private } : {}),
      };
    }),

    ImportResourceState: guarded(async (req) => {
      const def = lookup(resources, req.type_name, "resource");
      if (!def.importer) {
        throw new DiagnosticsError([errorDiagnostic("Import not supported", `${def.type} cannot be imported.`)]);
      }
      const id = String(req.id ?? "");
      const partial = def.importer.parse(id);
      if (typeof partial === "string") {
        throw new DiagnosticsError([errorDiagnostic("Invalid import ID", `${partial} (expected ${def.importer.format}, got ${JSON.stringify(id)}).`)]);
      }
      // Read here (terraform reads again afterwards) so a missing object gets a message naming the ID.
      const found = await def.read(context(), completeState(def.schema, partial));
      if (!found) {
        throw new DiagnosticsError([errorDiagnostic("Cannot import non-existent remote object", `No ${def.type} with import ID ${JSON.stringify(id)} exists.`)]);
      }
      return { imported_resources: [{ type_name: def.type, state: dynamic(completeState(def.schema, found), def.schema) }] };
    }),

    ReadDataSource: guarded(async (req) => {
      const def = lookup(dataSources, req.type_name, "data source");
      const config = configValue(def, req.config);
      if (config === null) throw new DiagnosticsError([errorDiagnostic("Missing data source configuration")]);
      const state = await def.create(context(), config);
      return { state: dynamic(completeState(def.schema, state), def.schema) };
    }),

    StopProvider: async () => {
      stopped = true; // in-flight calls finish; new resource calls are refused
      return {};
    },
  };
}

/** The provider arguments resource checks may fall back to, unknown values dropped. */
function knownProviderConfig(v: ObjectValue): ProviderConfig {
  const out: Record<string, string> = {};
  for (const k of ["endpoint", "organization_id", "cloud_id", "folder_id", "zone"]) {
    const x = v[k];
    if (typeof x === "string" && x !== "") out[k] = x;
  }
  return out as ProviderConfig;
}

/** A thrown error as a diagnostic: API errors keep their code; never a stack trace. */
function failureDiagnostic(e: unknown, typeName?: string): Message {
  const where = typeName ? `${typeName}: ` : "";
  if (isCloudError(e)) {
    const field = e.field ? ` (field ${e.field})` : "";
    return errorDiagnostic(`${where}${e.code}${field}`, e.message);
  }
  return errorDiagnostic(`${where}${e instanceof Error ? e.message : String(e)}`);
}

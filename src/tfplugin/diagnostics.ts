// Our Diagnostic -> tfplugin6.Diagnostic. Paths need the schema: in ["labels", "env"] the second step
// is a map key (element_key_string), in ["boot_disk", 0, "size"] the 0 is a list index and "size" an
// attribute name, and terraform shows the attribute in its error only if the steps are the right kind.
import type { AttributePath, BlockSchema, Diagnostic, ValueType } from "../resources/define.js";
import type { Message } from "./protocol.js";

const SEVERITY = { error: 1, warning: 2 } as const;

export function diagnosticToProto(d: Diagnostic, block?: BlockSchema): Message {
  const m: Message = { severity: SEVERITY[d.severity], summary: d.summary };
  if (d.detail) m.detail = d.detail;
  if (d.path && d.path.length > 0) m.attribute = attributePathToProto(d.path, block);
  return m;
}

export function diagnosticsToProto(ds: Diagnostic[], block?: BlockSchema): Message[] {
  return ds.map((d) => diagnosticToProto(d, block));
}

type Position = { block?: BlockSchema; type?: ValueType };

/** Where a step leads in the schema: into a block (attributes, nested blocks) or into a value type. */
function stepInto(at: Position, step: string | number): Position {
  if (at.type) {
    const t = at.type;
    return t.kind === "list" || t.kind === "set" || t.kind === "map" ? { type: t.element } : {};
  }
  if (at.block && typeof step === "string") {
    const attr = at.block.attributes[step];
    if (attr) return { type: attr.type };
    const nested = at.block.blocks?.[step];
    if (nested) return { block: nested.block };
  }
  // an index into a nested block list stays in that block
  return typeof step === "number" ? at : {};
}

export function attributePathToProto(path: AttributePath, block?: BlockSchema): Message {
  const steps: Message[] = [];
  let at: Position = { block };
  for (const step of path) {
    if (typeof step === "number") steps.push({ element_key_int: String(step) });
    else if (at.type?.kind === "map") steps.push({ element_key_string: step });
    else steps.push({ attribute_name: step });
    at = stepInto(at, step);
  }
  return { steps };
}

export const errorDiagnostic = (summary: string, detail?: string): Message => diagnosticToProto({ severity: "error", summary, detail });

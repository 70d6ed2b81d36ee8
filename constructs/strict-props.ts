// Unknown props are errors at synth, in every L1 and L2 construct: a misspelled prop would
// otherwise be dropped without a word (`sshCertificate: false` leaving certificates on). The
// error names the prop and the closest known one; cdktf prefixes the construct path.
// L1 constructs know their props from the resource definition (the schema); an L2 construct
// lists its props once with propNames<Props>(), which the compiler checks against the interface.
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import type { BlockSchema } from "../src/resources/define.js";

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The known name closest to `name` (ties: the one that shares the longest prefix, then the first). */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const prefix = [...k].findIndex((c, i) => c.toLowerCase() !== name[i]?.toLowerCase());
    const score = distance(name, k) * 100 - (prefix < 0 ? k.length : prefix);
    if (score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

/** One message per prop of `props` that is not in `known` (`at` prefixes nested names). */
export function unknownProps(props: object, known: ReadonlySet<string>, at = ""): string[] {
  return Object.keys(props)
    .filter((k) => !known.has(k) && (props as Record<string, unknown>)[k] !== undefined)
    .map((k) => {
      const near = closestName(k, known);
      return `unknown prop "${at}${k}"${near ? `: did you mean "${at}${near}"?` : ""}`;
    });
}

/** The meta-arguments every L1 construct takes besides its schema's attributes and blocks. */
export const META_PROPS = ["provider", "dependsOn", "count", "lifecycle", "forEach", "provisioners", "connection"] as const;

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
const schemaProps = new WeakMap<BlockSchema, ReadonlySet<string>>();

function propsOf(schema: BlockSchema): ReadonlySet<string> {
  let known = schemaProps.get(schema);
  if (!known) {
    known = new Set([...Object.keys(schema.attributes), ...Object.keys(schema.blocks ?? {})].map(camel));
    schemaProps.set(schema, known);
  }
  return known;
}

/** Unknown props of an L1 construct, nested blocks included, against its resource's schema. */
export function unknownSchemaProps(schema: BlockSchema, props: object, meta: readonly string[] = [], at = ""): string[] {
  const known = meta.length ? new Set([...propsOf(schema), ...meta]) : propsOf(schema);
  const out = unknownProps(props, known, at);
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const v = (props as Record<string, unknown>)[camel(name)];
    if (v === undefined || Token.isUnresolved(v)) continue;
    const items = Array.isArray(v) ? v : [v];
    items.forEach((item, i) => {
      if (item === null || typeof item !== "object" || Token.isUnresolved(item)) return;
      const where = `${at}${camel(name)}${Array.isArray(v) ? `[${i}]` : ""}.`;
      out.push(...unknownSchemaProps(block.block, item, [], where));
    });
  }
  return out;
}

/**
 * The props of an L2 construct, listed once: `propNames<FooProps>()("a", "b")` does not compile
 * unless it names every prop of FooProps (and nothing else).
 */
export function propNames<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...names: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })
  ): ReadonlySet<string> => new Set<string>(names);
}

/** Makes unknown props of an L2 construct a synth error on it. */
export function rejectUnknownProps(construct: IConstruct, props: object, known: ReadonlySet<string>): void {
  construct.node.addValidation({ validate: () => unknownProps(props, known) });
}

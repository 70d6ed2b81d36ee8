// A small argv parser shared by every command: `--flag value`, `--flag=value`, boolean `--flag`,
// `-out F` style single-dash long flags (terraform's spelling), and positionals.
// Unknown flags are an error that names the flag and points at --help.

export interface FlagSpec {
  /** Flag takes a value (otherwise it is a boolean switch). */
  value?: boolean;
  /** May be given more than once; values collect into an array. */
  repeat?: boolean;
  /** Other spellings, e.g. "-out" for "out". */
  aliases?: string[];
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
  /** Every repeatable flag's values in the order given, across flags (-var and -var-file interleave). */
  sequence: { name: string; value: string }[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [name, s] of Object.entries(spec)) {
    byName.set(name, [name, s]);
    for (const a of s.aliases ?? []) byName.set(a.replace(/^-+/, ""), [name, s]);
  }
  const flags: ParsedArgs["flags"] = {};
  const positionals: string[] = [];
  const sequence: ParsedArgs["sequence"] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^-{1,2}/, "");
    const eq = body.indexOf("=");
    const key = eq >= 0 ? body.slice(0, eq) : body;
    const found = byName.get(key);
    if (!found) throw new UsageError(`unknown flag ${arg} (see --help)`);
    const [name, s] = found;
    let value: string | boolean;
    if (s.value) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`flag --${name} needs a value`);
    } else {
      const given = eq >= 0 ? body.slice(eq + 1) : "true";
      if (!/^(true|false|1|0|yes|no)$/i.test(given)) throw new UsageError(`flag ${arg.slice(0, arg.indexOf("="))} takes no value, or =true / =false, got ${JSON.stringify(given)}`);
      value = !/^(false|0|no)$/i.test(given);
    }
    if (s.repeat) {
      const prev = flags[name];
      flags[name] = [...(Array.isArray(prev) ? prev : []), String(value)];
      sequence.push({ name, value: String(value) });
    } else {
      flags[name] = value;
    }
  }
  return { flags, positionals, sequence };
}

export const str = (a: ParsedArgs, name: string): string | undefined => {
  const v = a.flags[name];
  return typeof v === "string" ? v : undefined;
};

export const bool = (a: ParsedArgs, name: string): boolean => a.flags[name] === true;

/** A switch that may be turned off as terraform spells it (-refresh=false, -lock=false): its value, else the default. */
export function trueFalse(a: ParsedArgs, name: string, dflt: boolean): boolean {
  const v = a.flags[name];
  return typeof v === "boolean" ? v : dflt;
}

export const list = (a: ParsedArgs, name: string): string[] => {
  const v = a.flags[name];
  return Array.isArray(v) ? v : [];
};

export function int(a: ParsedArgs, name: string, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = str(a, name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

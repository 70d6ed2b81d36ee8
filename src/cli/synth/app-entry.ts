// What `oslogin synth` runs for cdktf.json's "app": a TypeScript entry file when it can find one, so
// the app always runs from its source (never from a build that may be older than it), or else the
// command as written. Recognised: any command naming a .ts/.mts/.cts file ("npx tsx main.ts",
// "npx ts-node main.ts", "node --import tsx main.ts"), and "node <outDir>/x.js" where the nearest
// tsconfig.json compiles x.js from a .ts file that exists (then that source is run).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export type AppEntry =
  | { kind: "typescript"; entry: string; args: string[] }
  | { kind: "command"; command: string };

/** Splits a command line on blanks, honouring simple single and double quotes. */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const TS_FILE = /\.(c|m)?tsx?$/;
const JS_FILE = /\.(c|m)?js$/;

/** The TypeScript source tsconfig.json (in `cwd`) compiles into `jsFile`, when it exists. */
function sourceOfBuild(jsFile: string, cwd: string): string | undefined {
  let options: { outDir?: string; rootDir?: string } | undefined;
  try {
    // tsconfig.json allows comments and trailing commas; the two paths we need are plain strings.
    const text = readFileSync(path.join(cwd, "tsconfig.json"), "utf8");
    const grab = (key: string) => new RegExp(`"${key}"\\s*:\\s*"([^"]+)"`).exec(text)?.[1];
    options = { outDir: grab("outDir"), rootDir: grab("rootDir") };
  } catch {
    return undefined;
  }
  if (!options.outDir) return undefined;
  const outDir = path.resolve(cwd, options.outDir);
  const rel = path.relative(outDir, path.resolve(cwd, jsFile));
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  const source = path.resolve(cwd, options.rootDir ?? ".", rel.replace(JS_FILE, (_, k: string | undefined) => `.${k ?? ""}ts`));
  return existsSync(source) ? source : undefined;
}

export function resolveAppEntry(command: string, cwd: string): AppEntry {
  const words = splitCommand(command);
  const ts = words.findIndex((w) => TS_FILE.test(w));
  if (ts >= 0) return { kind: "typescript", entry: path.resolve(cwd, words[ts]), args: words.slice(ts + 1) };
  const js = words.findIndex((w) => JS_FILE.test(w));
  if (js >= 0 && path.basename(words[0]) === "node") {
    const source = sourceOfBuild(words[js], cwd);
    if (source) return { kind: "typescript", entry: source, args: words.slice(js + 1) };
  }
  return { kind: "command", command };
}

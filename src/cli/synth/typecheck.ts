// Type-checks a TypeScript app the way its own tsconfig.json says (the nearest one above the entry),
// starting from the entry file only: its imports, not every file the tsconfig includes. Uses the
// app's own typescript package when it has one, else ours. Synth runs the app with tsx, which strips
// types without checking them, so without this a type error would synthesize anyway.
import { createRequire } from "node:module";
import path from "node:path";
import type * as TS from "typescript";

async function loadTypeScript(cwd: string): Promise<typeof TS> {
  try {
    return createRequire(path.join(cwd, "package.json"))("typescript") as typeof TS;
  } catch {
    return (await import("typescript")).default as unknown as typeof TS;
  }
}

/** Formatted errors ("main.ts:12:5 - error TS2353: ..."), relative to cwd; empty when it checks. */
export async function typeCheck(entry: string, cwd: string): Promise<string[]> {
  const ts = await loadTypeScript(cwd);
  const configPath = ts.findConfigFile(path.dirname(entry), (f) => ts.sys.fileExists(f), "tsconfig.json");
  let options: TS.CompilerOptions = { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, skipLibCheck: true };
  if (configPath) {
    const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
    if (read.error) return [formatOne(ts, read.error, cwd)];
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configPath), undefined, configPath);
    const fatal = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003 /* no inputs: fine, we pass the entry */);
    if (fatal.length) return fatal.map((d) => formatOne(ts, d, cwd));
    options = parsed.options;
  }
  const program = ts.createProgram([entry], { ...options, noEmit: true, incremental: false, composite: false, declaration: false });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => formatOne(ts, d, cwd));
}

function formatOne(ts: typeof TS, d: TS.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.relative(cwd, d.file.fileName)}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
}

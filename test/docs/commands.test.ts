// The documentation's shell commands against the CLI (docs/cli.md, "Commands in the documentation
// are tested"): every ```sh / ```bash block of README.md and docs/*.md is read as a shell would split
// it, and each `oslogin` command, subcommand and flag in it must exist in the CLI's own registry
// (src/cli/commands/index.ts) and its --help. Every fence must say what it holds. Then what is safe
// to run runs as written: the README's quickstart ("npm start") in a copy of the checkout, and
// docs/engine.md's everyday commands after it, with the built CLI on PATH. ("Your own project in
// five minutes" is checked, not run here: it installs the packed package, which the package's own
// install test does.)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { tempDir } from "../engine/fixtures.js";

const root = path.join(import.meta.dirname, "../..");
const DOC_FILES = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const SHELL = new Set(["sh", "bash"]);
const LANGUAGES = new Set([...SHELL, "text", "ts", "yaml", "json"]);

interface Block {
  file: string;
  /** 1-based line of the first line inside the fence. */
  line: number;
  lang: string;
  text: string;
  /** The `## ` heading the block is under. */
  section: string;
}

function blocksOf(file: string): { blocks: Block[]; problems: string[] } {
  const lines = readFileSync(path.join(root, file), "utf8").split("\n");
  const blocks: Block[] = [];
  const problems: string[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("## ")) section = lines[i].slice(3).trim();
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const lang = open[1].trim();
    if (!LANGUAGES.has(lang)) problems.push(`${file}:${i + 1}: a fence must name one of ${[...LANGUAGES].join(", ")}, got ${JSON.stringify(lang)}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) problems.push(`${file}:${i + 1}: the fence is never closed`);
    blocks.push({ file, line: start + 1, lang, text: lines.slice(start, end).join("\n"), section });
    i = end;
  }
  return { blocks, problems };
}

const OPERATORS = ["&&", "||", ";", "|", "&", ">>", ">", "<", "(", ")"];

/**
 * A block as simple commands (word lists), the way sh splits them for what we check: comments,
 * line continuations and here-document bodies removed; quotes and $(...) kept inside one word;
 * operators (&&, |, ;, &, redirections) end a command, and a redirection's target is dropped.
 */
function simpleCommands(script: string): { line: number; words: string[] }[] {
  const out: { line: number; words: string[] }[] = [];
  const lines = script.replace(/\\\n/g, " ").split("\n");
  let heredoc: string | undefined;
  lines.forEach((raw, n) => {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      return;
    }
    const here = /<<-?\s*['"]?(\w+)['"]?/.exec(raw);
    if (here) heredoc = here[1];
    let words: string[] = [];
    let word = "";
    let dropNext = false;
    const end = () => {
      if (word) {
        if (dropNext) dropNext = false;
        else words.push(word);
      }
      word = "";
    };
    const flush = () => {
      end();
      if (words.length) out.push({ line: n, words });
      words = [];
    };
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === "'" || c === '"') {
        const close = raw.indexOf(c, i + 1);
        word += raw.slice(i + 1, close < 0 ? raw.length : close);
        i = close < 0 ? raw.length : close;
      } else if (c === "$" && raw[i + 1] === "(") {
        let depth = 0;
        let j = i + 1;
        for (; j < raw.length; j++) {
          if (raw[j] === "(") depth++;
          else if (raw[j] === ")" && --depth === 0) break;
        }
        word += raw.slice(i, j + 1);
        i = j;
      } else if (c === "#" && !word) {
        break;
      } else if (/\s/.test(c)) {
        end();
      } else if (c === "<" && raw[i + 1] === "<") {
        flush();
        break; // a here-document: the rest of the line is its delimiter
      } else {
        const op = OPERATORS.find((o) => raw.startsWith(o, i));
        if (!op) {
          word += c;
          continue;
        }
        if ((op === ">" || op === ">>" || op === "<") && /^\d$/.test(word)) word = ""; // 2>&1, 2> file
        if (op === ">" && raw[i + 1] === "&") i++;
        if (op === ">" || op === ">>" || op === "<") {
          end();
          dropNext = true;
        } else flush();
        i += op.length - 1;
      }
    }
    flush();
  });
  return out;
}

const helpCache = new Map<string, string>();
async function helpOf(name: string): Promise<string> {
  if (!helpCache.has(name)) helpCache.set(name, (await commands[name].load()).help);
  return helpCache.get(name)!;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What is wrong with one `oslogin ARGS...` as documented, or nothing. */
async function checkInvocation(argv: string[]): Promise<string | undefined> {
  const [name, ...rest] = argv;
  if (!name) return "oslogin without a command";
  const entry = commands[name];
  if (!entry) return `"oslogin ${name}": there is no such command (oslogin --help lists them)`;
  const help = await helpOf(name);
  if (entry.subcommands) {
    const sub = rest[0];
    if (sub !== undefined && !sub.startsWith("-") && !entry.subcommands.includes(sub)) return `"oslogin ${name} ${sub}": ${name} has no subcommand ${sub} (it has ${entry.subcommands.join(", ")})`;
  }
  for (const w of rest) {
    if (w === "--") break;
    if (!/^--?[a-z]/.test(w)) continue;
    const flag = w.split("=")[0];
    if (!new RegExp(`(^|[\\s\\[(|,])${escapeRe(flag)}(?=[\\s\\]=,)|]|$)`, "m").test(help)) return `"oslogin ${name} ... ${flag}": "oslogin ${name} --help" does not list ${flag}`;
  }
  return undefined;
}

const BINS = Object.keys((JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { bin: Record<string, string> }).bin);

describe("GIVEN the shell blocks of README.md and docs/*.md", () => {
  const all = DOC_FILES.map(blocksOf);
  const shellBlocks = all.flatMap((a) => a.blocks).filter((b) => SHELL.has(b.lang));

  it("WHEN the fences are read THEN each names its language and is closed", () => {
    expect(all.flatMap((a) => a.problems)).toEqual([]);
    expect(shellBlocks.length).toBeGreaterThan(10);
  });

  it("WHEN every oslogin command in them is checked THEN the command, its subcommand and each flag exist", async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const b of shellBlocks) {
      for (const { line, words } of simpleCommands(b.text)) {
        for (let i = 0; i < words.length; i++) {
          const base = path.basename(words[i]);
          if (base === "oslogin") {
            checked++;
            const p = await checkInvocation(words.slice(i + 1));
            if (p) problems.push(`${b.file}:${b.line + line}: ${p}`);
          } else if (/^oslogin-[a-z-]+$/.test(base) && !BINS.includes(base)) {
            problems.push(`${b.file}:${b.line + line}: ${base} is not an executable of the package (bins: ${BINS.join(", ")})`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("WHEN a documented command or flag stops existing THEN the check names it", async () => {
    expect(await checkInvocation(["state", "list", "--json"])).toBeUndefined();
    expect(await checkInvocation(["plan", "-out", "p.plan"])).toBeUndefined();
    expect(await checkInvocation(["plan", "--no-such-flag"])).toBe('"oslogin plan ... --no-such-flag": "oslogin plan --help" does not list --no-such-flag');
    expect(await checkInvocation(["sate", "list"])).toBe('"oslogin sate": there is no such command (oslogin --help lists them)');
    expect(await checkInvocation(["state", "ls"])).toBe('"oslogin state ls": state has no subcommand ls (it has list, show, rm, mv, pull, push, migrate)');
    expect(simpleCommands('D=$PWD/.oslogin; oslogin ca public-key --data-dir $D > $S/ca.pub # the CA\nnsenter -t $P -n -- oslogin metadata --instance $I &\ncat > x <<X\noslogin nope\nX\n')).toEqual([
      { line: 0, words: ["D=$PWD/.oslogin"] },
      { line: 0, words: ["oslogin", "ca", "public-key", "--data-dir", "$D"] },
      { line: 1, words: ["nsenter", "-t", "$P", "-n", "--", "oslogin", "metadata", "--instance", "$I"] },
      { line: 2, words: ["cat"] },
    ]);
  });
});

/** Files of the repository that are ours to read (not dependencies, builds or run output). */
function repositoryFiles(dir = root, rel = ""): string[] {
  const skip = new Set(["node_modules", "dist", ".git", "cdktf.out", ".oslogin"]);
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return skip.has(e.name) ? [] : repositoryFiles(dir, p);
    return /\.(ts|mjs|js|md|proto|json|yaml|yml)$/.test(e.name) ? [p] : [];
  });
}

describe("GIVEN the README and the docs as a newcomer reads them", () => {
  it("WHEN the README is opened THEN it is at most 12 KB and starts with the two commands", () => {
    const text = readFileSync(path.join(root, "README.md"), "utf8");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(12 * 1024);
    expect(text.split("\n").slice(0, 6)).toEqual(["# oslogin-kit", "", "```sh", "npm install && npm start", "npm test", "```"]);
  });

  it("WHEN a page links to another file THEN the file is in the repository", () => {
    const dangling: string[] = [];
    for (const file of DOC_FILES) {
      // Code (fenced or inline, where a regular expression may look like a link) is not prose.
      const prose = readFileSync(path.join(root, file), "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
      for (const m of prose.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(m[1])) dangling.push(`${file}: ${m[1]} is outside the repository`);
        else if (!existsSync(path.join(root, path.dirname(file), m[1]))) dangling.push(`${file}: ${m[1]} does not exist`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it("WHEN any file of the repository is read THEN none cites the notes kept outside it", () => {
    // Spelled in parts so that this file does not cite them itself.
    const outside = [["shared", "reference"].join("/"), ["DESIGN", "md"].join(".")];
    const citing = repositoryFiles().filter((f) => outside.some((o) => readFileSync(path.join(root, f), "utf8").includes(o)));
    expect(citing).toEqual([]);
  });
});

/** A directory on PATH whose `oslogin` runs the built CLI (dist/, which npm test builds first). */
function builtBinDir(): string {
  const cli = path.join(root, "dist/src/cli/main.js");
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first with "npx tsc -p ." (npm test does)`);
  const dir = tempDir("oslogin-docs-bin-");
  writeFileSync(path.join(dir, "oslogin"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`, { mode: 0o755 });
  return dir;
}

function run(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, encoding: "utf8", timeout: 600_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("GIVEN the README's quickstart", () => {
  const readme = blocksOf("README.md").blocks.filter((b) => SHELL.has(b.lang));
  const engineBlock = blocksOf("docs/engine.md").blocks.find((b) => SHELL.has(b.lang))!;

  it("WHEN it runs as written in a copy of the checkout, then docs/engine.md's commands THEN both succeed and show who can log in where", () => {
    // The first block is `npm install && npm start` and `npm test`: the copy shares this checkout's
    // installed node_modules, and npm test is what is running now, so `npm start` is what runs.
    expect(readme[0].text.split("\n")).toEqual(["npm install && npm start", "npm test"]);
    const copy = tempDir("oslogin-docs-quickstart-");
    for (const f of ["src", "examples", "constructs", "bench", "test", "vm", "package.json", "tsconfig.json", "cdktf.json"]) cpSync(path.join(root, f), path.join(copy, f), { recursive: true });
    symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
    const env = { PATH: `${builtBinDir()}:${process.env.PATH}` };
    const start = run("npm start", copy, env);
    expect([start.code, start.err]).toEqual([0, ""]);
    expect(start.out).toContain("4/4 Who can log in where");
    expect(start.out).toMatch(/web-1\s+Alice\s+login\s+alice\s+\d+\s+instance/);

    // The engine's everyday commands, on what the quickstart applied (they end with destroy).
    const engine = run(engineBlock.text, copy, env);
    expect([engine.code, engine.err]).toEqual([0, ""]);
    expect(engine.out).toMatch(/web-1\s+Alice\s+login\s+alice\s+\d+\s+instance/);
    expect(readFileSync(path.join(copy, "review.md"), "utf8")).toContain("## Access changes");
    expect(engine.out).toContain("Destroy complete! Resources: 12 destroyed.");
  }, 600_000);
});

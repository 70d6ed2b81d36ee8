// Loaded into the app's process by `oslogin synth` (node --import): an error the app does not catch
// is printed as its message and the place in the app's own code it came from, not as Node's stack
// trace through cdktf's internals. OSLOGIN_DEBUG=1 keeps the full stack.
const debug = process.env.OSLOGIN_DEBUG === "1";

/** The first stack frame outside node_modules and Node itself: where the app's code was. */
export function appFrame(stack: string, cwd: string): string | undefined {
  for (const line of stack.split("\n")) {
    const m = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, "");
    if (file.startsWith("node:") || file.includes("/node_modules/") || !file.startsWith("/")) continue;
    const rel = file.startsWith(cwd + "/") ? file.slice(cwd.length + 1) : file;
    return `${decodeURIComponent(rel)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function report(e: unknown): void {
  if (debug || !(e instanceof Error)) {
    console.error(e);
  } else {
    const at = e.stack ? appFrame(e.stack, process.cwd()) : undefined;
    console.error(`${e.name === "Error" ? "Error" : e.name}: ${e.message}${at ? `\n  at ${at}` : ""}`);
  }
  process.exit(1);
}

process.on("uncaughtException", report);
process.on("unhandledRejection", report);

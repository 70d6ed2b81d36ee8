// Progress as terraform prints it on a terminal: "x.y: Creating...", "x.y: Still creating... [10s
// elapsed]", "x.y: Creation complete after 12s [id=...]", plus a count line per interval for long
// phases and one summary line per refresh. Progress goes to stdout; failures, skips, retries and
// lock waits to stderr.
import type { ApplyPhaseEvent } from "../../engine/types.js";
import { formatElapsed, type ProgressView } from "../progress.js";
import type { Style } from "../render/style.js";

/** Per phase: what starts, what is still running, what finished, what failed (terraform's words). */
export const PHASE_WORDS: Record<ApplyPhaseEvent["phase"], { start: string; still: string; done: string; errored: string }> = {
  create: { start: "Creating...", still: "Still creating...", done: "Creation complete", errored: "Creation errored" },
  update: { start: "Modifying...", still: "Still modifying...", done: "Modifications complete", errored: "Modifications errored" },
  delete: { start: "Destroying...", still: "Still destroying...", done: "Destruction complete", errored: "Destruction errored" },
  read: { start: "Reading...", still: "Still reading...", done: "Read complete", errored: "Read errored" },
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The lines, each through `out` (stdout) or `err` (stderr): tests pass their own. */
export function textProgressView(st: Style, out: (line: string) => void = console.log, err: (line: string) => void = console.error): ProgressView {
  return {
    refreshStart: (n) => {
      if (n > 0) out(st.dim(`Refreshing state of ${plural(n, "object")}...`));
    },
    refreshCount: (done, n, ms) => out(st.dim(`Refreshing state... ${done}/${n} objects [${formatElapsed(ms)} elapsed]`)),
    refreshDone: (n, ms) => {
      if (n > 0) out(st.dim(`Refreshed ${plural(n, "object")} in ${formatElapsed(ms)}`));
    },
    planCount: (done, n, ms) => out(st.dim(`Planning... ${done}/${n} resources [${formatElapsed(ms)} elapsed]`)),
    applyStart: (e) => out(`${st.bold(e.address)}: ${PHASE_WORDS[e.phase].start}`),
    applyHeartbeat: (e, ms) => out(`${st.bold(e.address)}: ${PHASE_WORDS[e.phase].still} [${formatElapsed(ms)} elapsed]`),
    applyCount: (done, n, running, ms) => out(st.dim(`Progress: ${done}/${n} operations finished, ${running} running [${formatElapsed(ms)} elapsed]`)),
    applyDone: (e) => out(`${st.bold(e.address)}: ${PHASE_WORDS[e.phase].done} after ${formatElapsed(e.ms)}${e.id ? ` [id=${e.id}]` : ""}`),
    applyFailed: (e) => err(st.red(`${e.address}: ${e.phase} failed: ${e.diagnostic.detail ?? e.diagnostic.summary}`)),
    applySkipped: (e) => err(st.yellow(`${e.address}: skipped (${e.because} failed)`)),
    retry: (e) => err(st.dim(`${e.address}: ${e.code}, retrying in ${e.delayMs} ms (attempt ${e.attempt + 1})`)),
    lockWait: (h) => err(st.dim(`Waiting for the state lock held by ${h}...`)),
    lockTakenOver: (h) => err(st.yellow(`Took over a stale state lock: its holder is gone: ${h}`)),
  };
}

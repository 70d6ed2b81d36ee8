// The mark a failed synth leaves in the previous synth output: that output no longer matches the
// app, so every command that would read it refuses it (instead of planning the old configuration
// and exiting 0). The next successful synth replaces the whole directory, mark included.
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";

export const SYNTH_FAILED_FILE = "synth-failed.json";

export interface SynthFailure {
  at: string;
  reason: string;
}

export function markSynthFailed(outDir: string, reason: string, now = new Date()): void {
  const failure: SynthFailure = { at: now.toISOString(), reason };
  writeSecretFileAtomic(path.join(outDir, SYNTH_FAILED_FILE), JSON.stringify(failure) + "\n", 0o644);
}

/** The failure recorded in outDir, if the last synth into it failed. */
export function synthFailure(outDir: string): SynthFailure | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(outDir, SYNTH_FAILED_FILE), "utf8");
  } catch {
    return undefined;
  }
  try {
    const f = JSON.parse(text) as Partial<SynthFailure>;
    return { at: String(f.at ?? "?"), reason: String(f.reason ?? "unknown") };
  } catch {
    return { at: "?", reason: "unknown" };
  }
}

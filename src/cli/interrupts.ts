// Ctrl-C, SIGTERM and a closed stdout while a command changes the cloud, handled as terraform
// handles an interrupt: the first one stops starting operations, lets those in flight finish,
// writes the state and releases the lock, then the command says what was done and exits 130; a
// second one exits at once, writing what is known so far. A reader that goes away (`| head`)
// is the first kind: nothing is half-done, nothing printed as a stack trace, the lock released.
import type { Engine } from "../engine/engine.js";
import type { Style } from "./render/style.js";

/** 128 + SIGINT, as shells and terraform report an interrupted command. */
export const EXIT_INTERRUPTED = 130;
/** 128 + SIGPIPE: what a shell reports for a writer whose reader went away. */
export const EXIT_BROKEN_PIPE = 141;

export interface InterruptGuard {
  /** Aborted at the first interrupt (a prompt waiting for "yes" gives up). */
  readonly signal: AbortSignal;
  /** The exit code the command must end with when it was interrupted, else undefined. */
  exitCode(): number | undefined;
  dispose(): void;
}

let streamsWatched = false;
let brokenStdoutHandler: (() => void) | undefined;

/**
 * A write to a stdout whose reader is gone fails with EPIPE, emitted as an 'error' event that
 * would end the process with a stack trace. Called once, at start-up, for every command: output
 * then goes nowhere and the command ends as it would (releasing its lock); a command that changes
 * the cloud stops early instead (guardInterrupts).
 */
export function watchOutputStreams(): void {
  if (streamsWatched) return;
  streamsWatched = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") brokenStdoutHandler?.();
  });
  process.stderr.on("error", () => {
    // Nowhere left to report it.
  });
}

export function guardInterrupts(engine: Engine, st: Style): InterruptGuard {
  const controller = new AbortController();
  let cause: "signal" | "pipe" | undefined;
  const say = (line: string) => process.stderr.write(`${st.yellow(line)}\n`);

  const stop = (why: "signal" | "pipe", what: string) => {
    if (!cause) {
      cause = why;
      controller.abort();
      engine.interrupt();
      say(
        `\n${what}: stopping. No new operation starts; the ones in flight finish, then the state is written and the lock released.` +
          (why === "signal" ? " Interrupt again to exit at once." : ""),
      );
      return;
    }
    if (why === "pipe") return; // a second broken write is not a second request to stop
    const { wroteState } = engine.abandon();
    say(
      `\n${what} again: exiting now. ${wroteState ? "The state holds what finished so far; " : ""}` +
        "operations still in flight may have completed in the cloud: their creates are recorded as pending, and the next apply adopts them. The lock is released.",
    );
    process.exit(EXIT_INTERRUPTED);
  };

  const onSigint = () => stop("signal", "Interrupt received");
  const onSigterm = () => stop("signal", "SIGTERM received");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  brokenStdoutHandler = () => stop("pipe", "Standard output closed (broken pipe)");
  watchOutputStreams();

  return {
    signal: controller.signal,
    exitCode: () => (cause === "signal" ? EXIT_INTERRUPTED : cause === "pipe" ? EXIT_BROKEN_PIPE : undefined),
    dispose: () => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      brokenStdoutHandler = undefined;
    },
  };
}

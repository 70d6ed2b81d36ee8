// V8 settings for the commands that run once and exit (plan, apply, destroy, ...), as opposed to
// the servers (serve, metadata), which keep V8's defaults.
//
// A one-shot command runs its hot code (config load, refresh, the plan walk) a few thousand times
// and is done: most of it runs before TurboFan has optimized it, and how soon optimized code
// arrives matters more than how good it is. Inlining makes every optimization job bigger and
// slower to compile on the second core. Without it, a no-op plan of 10k resources (bench/engine,
// 15 alternating pairs) took 0.62 s instead of 0.79 s at the median, faster in 15 of 15 pairs;
// apply from empty was the same or faster (4 of 5).
import v8 from "node:v8";

export const ONE_SHOT_V8_FLAGS = "--no-turbo-inlining";

/**
 * Call before the command runs (TurboFan reads the flag when it starts each optimization, and
 * loading modules optimizes nothing); OSLOGIN_V8_DEFAULTS=1 keeps V8's defaults (to compare).
 */
export function tuneV8ForOneShot(): void {
  if (process.env.OSLOGIN_V8_DEFAULTS === "1") return;
  v8.setFlagsFromString(ONE_SHOT_V8_FLAGS);
}

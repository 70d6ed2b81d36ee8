// The emulator's own limits, beyond the real API's rules (rules.ts): bounds that keep one busy
// client from making every other caller wait. Kept free of imports so the CLI can show the
// defaults in its help without loading the model.

/**
 * How many service account key creates may be generating or waiting for a generator thread at once.
 * Generation runs on libuv's small thread pool (4 threads by default), so past a few creates the
 * rest only queue: 40 at once took 17 s, each caller waiting without a word. Past the bound a create
 * is refused at once with RESOURCE_EXHAUSTED (REST 429); clients retry with backoff (the engine
 * does). It is above the engine's default parallelism (10), so an apply at defaults never meets it.
 */
export const DEFAULT_MAX_PENDING_KEY_CREATES = 16;

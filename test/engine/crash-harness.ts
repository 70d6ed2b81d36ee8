// A child process for the crash tests: applies the profiles fixture against a file-backed cloud,
// and kills itself with SIGKILL right after the N-th create is acknowledged by the cloud and
// before state records it (CRASH_AFTER_CREATES=N), or runs until the parent kills it. With
// CRASH_PG_URL the stack's state is in that PostgreSQL database (the pg backend); CRASH_LOCK_TIMEOUT_MS
// is how long it waits for the state lock.
import path from "node:path";
import { engineFor, seededModel, writeStack, profilesStack, withBackend } from "./fixtures.js";

const [dir, crashAfter] = [process.argv[2], Number(process.argv[3] ?? "0")];
const model = seededModel(path.join(dir, ".oslogin"));
const out = writeStack(dir, withBackend(profilesStack({ profiles: Number(process.env.PROFILES ?? "30") }), process.env.CRASH_PG_URL));
let creates = 0;
const engine = engineFor(model, path.join(dir, ".oslogin"), {
  parallelism: 2,
  lockTimeoutMs: Number(process.env.CRASH_LOCK_TIMEOUT_MS ?? "0"),
  hooks: {
    lockWait: (holder) => process.stdout.write(`waiting for ${holder}\n`),
    createAcknowledged: () => {
      creates++;
      if (crashAfter > 0 && creates === crashAfter) process.kill(process.pid, "SIGKILL");
    },
    applyDone: () => process.stdout.write("."),
  },
});
const r = await engine.run({ outDir: out });
process.stdout.write(`\ndone ${JSON.stringify(r.applied)}\n`);
model.close();

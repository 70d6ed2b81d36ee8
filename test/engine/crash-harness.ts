// A child process for the crash tests: applies the profiles fixture against a file-backed cloud,
// and kills itself with SIGKILL right after the N-th create is acknowledged by the cloud and
// before state records it (CRASH_AFTER_CREATES=N), or runs until the parent kills it.
import path from "node:path";
import { engineFor, seededModel, writeStack, profilesStack } from "./fixtures.js";

const [dir, crashAfter] = [process.argv[2], Number(process.argv[3] ?? "0")];
const model = seededModel(path.join(dir, ".oslogin"));
const out = writeStack(dir, profilesStack({ profiles: Number(process.env.PROFILES ?? "30") }));
let creates = 0;
const engine = engineFor(model, path.join(dir, ".oslogin"), {
  parallelism: 2,
  hooks: {
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

// The soak's short form (the long one: bench/realcloud/soak.ts): the engine over gRPC as a service
// account, one apply / change / destroy cycle under 5 % faults, 50 ms latency, unfinished operations
// and IAM tokens that expire during the run. No duplicates, no orphans, and no changes planned after
// each apply.
import { expect, it } from "vitest";
import { engineSoak, SOAK_REALISM } from "../../../bench/realcloud/soak.js";

it("GIVEN a realistic cloud WHEN the engine applies, changes and destroys a stack THEN it converges with nothing duplicated or left behind", { timeout: 120_000 }, async () => {
  // Tokens of 2 s: the cycle takes about 4 s even on an idle machine, so it outlives several.
  const realism = SOAK_REALISM.replace("token-lifetime=4s", "token-lifetime=2s");
  expect(realism).toContain("token-lifetime=2s");
  const r = await engineSoak({ cycles: 1, size: 3, realism });
  expect({ duplicates: r.duplicates, orphans: r.orphans, unconverged: r.unconverged }).toEqual({ duplicates: 0, orphans: 0, unconverged: 0 });
  // The faults were met and ridden out, and the run outlived its first token (2 s).
  expect(r.retries).toBeGreaterThan(0);
  expect(r.seconds).toBeGreaterThan(2);
  expect(r.tokens).toBeGreaterThan(1);
});

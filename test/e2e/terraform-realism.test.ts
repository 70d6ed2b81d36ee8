// The real terraform with our provider against `oslogin serve`'s gRPC endpoint in realistic mode
// (5 % faults, 50 ms latency, unfinished operations, IAM tokens shorter-lived than the run), signed
// in with a service-account key: apply, change, destroy of the soak stack at a smaller size. Each
// apply is followed by a plan that must say "No changes", and the cloud must hold exactly the
// stack's objects; after destroy, none of them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SOAK_REALISM, soakStack, startSoakCloud } from "../../bench/realcloud/soak.js";
import { writeAuthorizedKeyFile } from "../../src/contract/key-file.js";
import { requireTerraform, terraformAsync, terraformEnv } from "./harness/terraform.js";

const SIZE = 2;
let work: string;
let soak: Awaited<ReturnType<typeof startSoakCloud>>;

beforeAll(async () => {
  requireTerraform();
  work = mkdtempSync(join(tmpdir(), "oslogin-tf-realism-"));
  soak = await startSoakCloud(SOAK_REALISM);
});

afterAll(async () => {
  await soak?.server.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it("GIVEN a realistic cloud WHEN terraform applies, changes and destroys the soak stack THEN it converges with nothing duplicated or left behind", { timeout: 600_000 }, async () => {
  const stackDir = join(work, "stack");
  mkdirSync(stackDir);
  writeAuthorizedKeyFile(join(work, "key.json"), soak.keyFile);
  writeFileSync(join(work, "ca.pem"), soak.server.caCertPem);
  const provider = { endpoint: soak.server.grpcEndpoint, root_certs: join(work, "ca.pem"), service_account_key_file: join(work, "key.json") };
  const env = terraformEnv(work, {});
  const tf = async (args: string[], allow = [0]) => {
    const r = await terraformAsync(args, stackDir, env);
    if (!allow.includes(r.status)) throw new Error(`terraform ${args.join(" ")} exited ${r.status}:\n${r.out}`);
    return r;
  };
  const write = (variant: number) => writeFileSync(join(stackDir, "main.tf.json"), JSON.stringify(soakStack(SIZE, variant, provider), null, 2));

  write(0);
  await tf(["init", "-input=false"]);
  for (const variant of [0, 1]) {
    write(variant);
    await tf(["apply", "-input=false", "-auto-approve", "-parallelism=10"]);
    expect(await soak.owned()).toEqual([SIZE, SIZE, SIZE, SIZE, SIZE]);
    const again = await tf(["plan", "-input=false", "-detailed-exitcode"]);
    expect(again.out).toContain("No changes. Your infrastructure matches the configuration.");
  }
  await tf(["destroy", "-input=false", "-auto-approve"]);
  expect(await soak.owned()).toEqual([0, 0, 0, 0, 0]);
  // Every provider process signed in from the key alone (no token was given).
  expect(await soak.tokensIssued()).toBeGreaterThan(1);
});

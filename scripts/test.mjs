#!/usr/bin/env node
// `npm test`: set up what the suites need, build, run every test, and close with the
// plain "N passed, N failed" line that CI reads (vitest's own summary is not recognised).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

// Debian packages the end-to-end suites drive for real (sshd + guest agent, ansible, namespaces).
export const E2E_PACKAGES = [
  "openssh-server",
  "openssh-sftp-server",
  "openssh-client",
  "google-compute-engine-oslogin",
  "iproute2",
  "util-linux",
  "mount",
  "openssl",
  "ansible-core",
  "sudo",
  "python3",
  "chromium",
  "postgresql",
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  return r.status ?? 1;
}

function missingPackages() {
  return E2E_PACKAGES.filter((p) => {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" });
    return !(r.status === 0 && r.stdout.includes("install ok installed"));
  });
}

function installE2ePackages() {
  if (process.getuid?.() !== 0) {
    console.log("[test] not root: skipping apt-get; e2e suites will name any package they miss");
    return;
  }
  const missing = missingPackages();
  if (missing.length === 0) return;
  console.log(`[test] installing Debian packages for the e2e suites: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
  if (install() !== 0) {
    run("apt-get", ["update"], { env });
    if (install() !== 0) console.log("[test] apt-get install failed; e2e suites will report what is missing");
  }
}

installE2ePackages();

// The build, then a type check that includes the tests (vitest strips types without checking them).
for (const [what, args] of [
  ["building (tsc -p .)", ["tsc", "-p", "."]],
  ["type-checking sources and tests (tsc -p tsconfig.test.json)", ["tsc", "-p", "tsconfig.test.json"]],
]) {
  console.log(`[test] ${what}`);
  if (run("npx", args) !== 0) {
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

const results = ".vitest-results.json";
rmSync(results, { force: true });
const extra = process.argv.slice(2);
const status = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${results}`,
  ...extra,
]);

if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, "utf8"));
  const failed = r.numFailedTests + (r.numFailedTestSuites ?? 0) - countSuitesFailedByTests(r);
  // vitest also fails a run for errors outside any test (an unhandled rejection or error event):
  // the JSON report has no count for them, so such a run is one failure, not "0 failed".
  if (status !== 0 && failed === 0) console.error("vitest failed the run for errors outside the tests (see \"Unhandled Errors\" above)");
  console.log(`${r.numPassedTests} passed, ${status !== 0 && failed === 0 ? 1 : failed} failed`);
} else {
  console.log("0 passed, 1 failed");
}
process.exit(status);

// A test file that fails to load has no failed tests but is a failure all the same.
function countSuitesFailedByTests(r) {
  return (r.testResults ?? []).filter(
    (f) => f.status === "failed" && (f.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
}

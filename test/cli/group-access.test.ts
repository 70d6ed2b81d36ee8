// Issue 18: a member who can log in only through a group. The binding names "group:<id>"; the
// review and `oslogin access` expand it to the group's members as the cloud lists them (devs =
// Alice in the quickstart seed), run as a user runs them: real CLI processes.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALICE, ORG, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { oslogin, osLoginVm } from "./run-cli.js";

const DEVS = "ajgdevs0000000000001";

const stack = (withGroup: boolean) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_compute_instance: {
      web: osLoginVm("web"),
    },
    ...(withGroup
      ? { yandex_compute_instance_iam_member: { devs_web: { instance_id: "${yandex_compute_instance.web.id}", role: "compute.osLogin", member: `group:${DEVS}` } } }
      : {}),
  },
});

describe("GIVEN a VM and a plan that grants compute.osLogin on it to the group devs (Alice)", () => {
  it("WHEN reviewed, applied and listed THEN Alice shows gaining login through the group, as her default profile", () => {
    const dir = tempDir("oslogin-group-access-");
    seededModel(path.join(dir, ".oslogin")).close();
    writeStack(dir, stack(false));
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);

    writeStack(dir, stack(true));
    const review = oslogin(dir, "plan", "--review", "md");
    expect(review.err).toBe("");
    expect(review.out).toContain(`| \`web\` | Alice (\`userAccount:${ALICE}\`) | **gains login** | \`(default profile)\` | (allocated) | instance through group devs |`);
    expect(review.out).not.toContain(`group:${DEVS}`);

    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);
    const access = oslogin(dir, "access", "--json");
    expect(access.code).toBe(0);
    const rows = (JSON.parse(access.out) as { access: Record<string, unknown>[] }).access;
    expect(rows.map((r) => [r.vm, r.member, r.login, r.sudo, r.via])).toEqual([["web", `userAccount:${ALICE}`, "(default profile)", false, "instance through group devs"]]);
  }, 120_000);
});

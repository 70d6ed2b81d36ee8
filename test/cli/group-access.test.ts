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
  it("WHEN reviewed, applied, listed and the binding moved in state THEN Alice shows gaining login through the group, and keeps it after the move", () => {
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

    // The group binding moved in state to an address the configuration does not declare: the
    // plan forgets the old address and creates the declared one, one binding in the cloud, so
    // Alice keeps login through the group and the review says nothing changes.
    expect(oslogin(dir, "state", "mv", "yandex_compute_instance_iam_member.devs_web", "yandex_compute_instance_iam_member.old").code).toBe(0);
    const moved = oslogin(dir, "plan");
    expect(moved.out).toContain("Plan: 1 to add, 0 to change, 0 to destroy, 1 to forget.");
    expect(moved.out).toContain("Access changes: none.");
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);
    const still = (JSON.parse(oslogin(dir, "access", "--json").out) as { access: Record<string, unknown>[] }).access;
    expect(still.map((r) => [r.vm, r.member, r.via])).toEqual([["web", `userAccount:${ALICE}`, "instance through group devs"]]);
  }, 120_000);
});

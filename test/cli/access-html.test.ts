/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (dom: the page functions below run in chromium, where document and window exist.)
// Issue 18 step 5: the HTML access report of `oslogin access --html` and `oslogin review --html`,
// opened from the file in a real headless chromium: the matrix cells, the plan's gain and loss
// highlighted, the filter box, and a member named like a script tag shown as text, never run.
// A screenshot of the review is written to .scratch-artifacts/ (the path is printed).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "puppeteer-core";
import { ALICE, BOB, ORG, seededModel, tempDir, writeStack } from "../engine/fixtures.js";
import { launchChromium } from "../support/browser.js";
import { oslogin, osLoginVm } from "./run-cli.js";

const EVIL = "ajeevil0000000000003";
const EVIL_NAME = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
const DEVS = "ajgdevs0000000000001";
const ARTIFACTS = path.join(import.meta.dirname, "../../.scratch-artifacts");

const stack = (bobRole: string, evil: boolean) => ({
  provider: { yandex: [{ organization_id: ORG, folder_id: "b1gquickstartfolder1", zone: "ru-central1-a" }] },
  terraform: { required_providers: { yandex: { source: "yandex-cloud/yandex" } } },
  resource: {
    yandex_compute_instance: { web: osLoginVm("web"), db: osLoginVm("db") },
    yandex_resourcemanager_folder_iam_member: { bob: { folder_id: "b1gquickstartfolder1", role: bobRole, member: `userAccount:${BOB}` } },
    yandex_compute_instance_iam_member: {
      devs_web: { instance_id: "${yandex_compute_instance.web.id}", role: "compute.osLogin", member: `group:${DEVS}` },
      ...(evil ? { evil_db: { instance_id: "${yandex_compute_instance.db.id}", role: "compute.osAdminLogin", member: `userAccount:${EVIL}` } } : {}),
    },
  },
});

/** Every matrix cell that grants something, as "vm member-name class level via". */
const cells = (page: Page) =>
  page.$$eval("#matrix tbody td", (tds) =>
    tds
      .filter((td) => td.getAttribute("data-access") !== "none" || td.getAttribute("data-before") !== "none")
      .map((td) => {
        const col = document.querySelector(`#matrix thead th[data-member="${CSS.escape(td.getAttribute("data-member")!)}"]`)!;
        const name = col.childNodes[0].textContent;
        const via = [...td.querySelectorAll("small")].map((s) => s.textContent).join(" | ");
        const vm = td.closest("tr")!.querySelector("th")!.childNodes[0].textContent;
        return `${vm} ${name} [${td.className}] ${td.querySelector(".level")!.textContent}${td.querySelector(".was") ? ` ${td.querySelector(".was")!.textContent}` : ""} ${via}`;
      }),
  );

const visible = (page: Page) =>
  page.evaluate(() => ({
    rows: [...document.querySelectorAll<HTMLElement>("#matrix tbody tr")].filter((e) => e.offsetParent !== null).map((e) => e.getAttribute("data-vm")),
    columns: [...document.querySelectorAll<HTMLElement>("#matrix thead th[data-member]")].filter((e) => e.offsetParent !== null).map((e) => e.getAttribute("data-member")),
  }));

describe("GIVEN two OS Login VMs: Alice on web through the group devs, Bob on the folder, a member named like a script tag with sudo on db", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("WHEN the browser is missing THEN the error names the Debian package", async () => {
    await expect(launchChromium("/nonexistent/chromium")).rejects.toThrow("/nonexistent/chromium not found: install the Debian package chromium");
  });

  it("WHEN access --html and review --html (Bob to sudo, the script-named member removed) are opened in chromium THEN the matrix, the highlights and the filter work and no injected script runs", async () => {
    const dir = tempDir("oslogin-access-html-");
    const model = seededModel(path.join(dir, ".oslogin"));
    model.directory.seed({ organizations: [{ id: ORG, name: "quickstart", members: [{ id: EVIL, name: EVIL_NAME, email: "evil@example.com" }] }] });
    model.close();
    writeStack(dir, stack("compute.osLogin", true));
    expect(oslogin(dir, "apply", "--auto-approve").code).toBe(0);

    const now = oslogin(dir, "access", "--html", "access.html");
    expect([now.code, now.err]).toEqual([0, ""]);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(pathToFileURL(path.join(dir, "access.html")).href);
    const AS = "as (default profile) (uid (allocated))";
    expect(await cells(page)).toEqual([
      `db ${EVIL_NAME} [sudo] sudo ${AS} | via instance`,
      `db Bob [login] login ${AS} | via folder b1gquickstartfolder1`,
      `web Alice [login] login ${AS} | via instance through group devs`,
      `web Bob [login] login ${AS} | via folder b1gquickstartfolder1`,
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval("script", (s) => s.length)).toBe(1);
    expect(await page.$$eval("img", (s) => s.length)).toBe(0);
    expect(errors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.setViewport({ width: 1100, height: 420 });
    await page.screenshot({ path: path.join(ARTIFACTS, "access-now.png"), fullPage: true });

    writeStack(dir, stack("compute.osAdminLogin", false));
    expect(oslogin(dir, "plan", "-out", "p.bin").code).toBe(0);
    writeFileSync(path.join(dir, "plan.json"), oslogin(dir, "show", "-json", "p.bin").out);
    const review = oslogin(dir, "review", "plan.json", "--html", "review.html", "--format", "json");
    expect(review.code).toBe(0);
    // stdout stays the changes only; the report adds what the plan keeps, unhighlighted.
    expect((JSON.parse(review.out) as { access_changes: { change: string }[] }).access_changes.map((r) => r.change)).toEqual(["login -> sudo", "loses sudo", "login -> sudo"]);
    await page.goto(pathToFileURL(path.join(dir, "review.html")).href);
    expect(await page.$eval("#summary", (e) => e.textContent)).toBe("2 grants gained, 1 lost, 0 other changes; 1 unchanged.");
    expect(await page.$$eval("#legend .gain, #legend .loss", (l) => l.map((e) => e.textContent))).toEqual(["gain: gets login or sudo", "loss: loses login or sudo"]);
    expect(await cells(page)).toEqual([
      `db ${EVIL_NAME} [sudo loss] sudo loses sudo ${AS} | via instance`,
      `db Bob [sudo gain] sudo login -> sudo ${AS} | via folder b1gquickstartfolder1`,
      `web Alice [login] login ${AS} | via instance through group devs`,
      `web Bob [sudo gain] sudo login -> sudo ${AS} | via folder b1gquickstartfolder1`,
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.type("#filter", "alice");
    expect(await visible(page)).toEqual({ rows: ["yandex_compute_instance.web"], columns: [`userAccount:${ALICE}`] });
    await page.click("#filter", { count: 3 });
    await page.keyboard.press("Backspace");
    await page.type("#filter", "db");
    expect(await visible(page)).toEqual({ rows: ["yandex_compute_instance.db"], columns: [`userAccount:${EVIL}`, `userAccount:${BOB}`] });
    await page.click("#filter", { count: 3 });
    await page.keyboard.press("Backspace");
    expect((await visible(page)).rows).toEqual(["yandex_compute_instance.db", "yandex_compute_instance.web"]);

    const shot = path.join(ARTIFACTS, "access-review.png");
    await page.setViewport({ width: 1100, height: 520 });
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`access report screenshots: ${shot} and ${path.join(ARTIFACTS, "access-now.png")}`);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
    expect(errors).toEqual([]);
  }, 180_000);
});

// The HTML report's renderer on its own: escaping of every value, the empty report, the change
// classes the highlight uses.
import { describe, expect, it } from "vitest";
import { changeClass, esc, renderAccessHtml } from "../../src/cli/views/access-html.js";
import type { AccessRow } from "../../src/review/access-diff.js";

const row = (over: Partial<AccessRow>): AccessRow => ({
  vm: "yandex_compute_instance.web",
  vmName: "web",
  member: "userAccount:aje1",
  memberName: "Alice",
  before: "none",
  after: "login",
  change: "gains login",
  login: "alice",
  uid: "10001",
  via: "instance",
  ...over,
});

describe("GIVEN access rows", () => {
  it("WHEN values hold HTML THEN every one is escaped, in text and in attributes", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const html = renderAccessHtml([row({ vmName: "<b>vm</b>", member: `userAccount:"><i>`, memberName: "<script>x()</script>", login: "<u>", uid: "&", via: `'"` })], { title: "<t>", mode: "review" });
    for (const raw of ["<b>vm", "\"><i>", "<script>x()", "<u>", "<t>"]) expect(html).not.toContain(raw);
    expect(html).toContain("&lt;script&gt;x()&lt;/script&gt;");
    expect(html).toContain(`data-member="userAccount:&quot;&gt;&lt;i&gt;"`);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it("WHEN nothing grants access THEN the report says so instead of an empty matrix", () => {
    expect(renderAccessHtml([], { title: "t", mode: "now" })).toContain(`<p class="empty">Nobody can log in to an OS Login VM of this stack.</p>`);
    expect(renderAccessHtml([row({ after: "none", change: "unchanged" })], { title: "t", mode: "review" })).toContain(`<p class="empty">No change to who can log in to OS Login VMs.</p>`);
  });

  it("WHEN levels move THEN the class is gain, loss, changed or none", () => {
    expect([
      changeClass(row({})),
      changeClass(row({ before: "login", after: "sudo", change: "login -> sudo" })),
      changeClass(row({ before: "sudo", after: "login", change: "sudo -> login" })),
      changeClass(row({ before: "login", after: "none", change: "loses login" })),
      changeClass(row({ before: "login", after: "login", change: "login a -> b" })),
      changeClass(row({ before: "login", after: "login", change: "unchanged" })),
    ]).toEqual(["gain", "gain", "loss", "loss", "changed", ""]);
  });
});

import { describe, expect, it } from "vitest";
import { UNKNOWN, type Value } from "../../../src/resources/define.js";
import { parseTemplate, parseExpression } from "../../../src/engine/expr/parse.js";
import { evaluate, EvalError, type EvalScope } from "../../../src/engine/expr/eval.js";
import { references } from "../../../src/engine/expr/refs.js";
import { ExprSyntaxError } from "../../../src/engine/expr/ast.js";

const world: Record<string, Value> = {
  "yandex_compute_instance.vm": [
    { id: "i1", name: "a", network_interface: [{ nat_ip_address: "1.1.1.1" }] },
    { id: "i2", name: "b", network_interface: [{ nat_ip_address: "2.2.2.2" }] },
  ],
  "yandex_iam_service_account.sa": { id: "sa1", name: "ansible" },
  "yandex_iam_service_account.pending": { id: UNKNOWN, name: "later" },
  "data.yandex_member.alice": { id: "u1", login: "alice" },
  "var.zone": "ru-central1-a",
  "local.tags": { env: "prod", team: "sre" },
  "count.index": 3,
  "each.key": "k",
};
const scope: EvalScope = {
  ref(names) {
    const key = names.join(".");
    if (!(key in world)) throw new EvalError(`reference to undeclared ${key}`);
    return world[key];
  },
};
const ev = (s: string) => evaluate(parseTemplate(s), scope);

describe("GIVEN expressions as cdktf synthesizes them", () => {
  it.each<[string, Value]>([
    ["plain", "plain"],
    ["${yandex_iam_service_account.sa.id}", "sa1"],
    ["sa-${yandex_iam_service_account.sa.name}-${count.index}", "sa-ansible-3"],
    ["${yandex_compute_instance.vm[1].id}", "i2"],
    ["${yandex_compute_instance.vm.1.name}", "b"],
    ["${yandex_compute_instance.vm[*].id}", ["i1", "i2"]],
    ["${yandex_compute_instance.vm.*.name}", ["a", "b"]],
    ["${yandex_compute_instance.vm[*].network_interface[0].nat_ip_address}", ["1.1.1.1", "2.2.2.2"]],
    ["${data.yandex_member.alice.login}", "alice"],
    ["${var.zone}", "ru-central1-a"],
    ["${local.tags[\"env\"]}", "prod"],
    ["${join(\",\", [yandex_compute_instance.vm[0].id, yandex_iam_service_account.sa.id])}", "i1,sa1"],
    ["${count.index * 2 + 1}", 7],
    ["${count.index > 2 ? \"big\" : \"small\"}", "big"],
    ["${count.index == 3 && !false}", true],
    ["${10 % 4 - -1}", 3],
    ["${1 + 2 * 3 >= 7}", true],
    ["${upper(var.zone)}", "RU-CENTRAL1-A"],
    ["${format(\"%s-%03d\", \"vm\", 7)}", "vm-007"],
    ["${split(\",\", \"a,b\")}", ["a", "b"]],
    ["${replace(\"a.b.c\", \".\", \"-\")}", "a-b-c"],
    ["${replace(\"abc123\", \"/[0-9]+/\", \"\")}", "abc"],
    ["${trimspace(\"  x \")}", "x"],
    ["${length(local.tags)}", 2],
    ["${concat([1], [2, 3])}", [1, 2, 3]],
    ["${merge(local.tags, {env = \"dev\"})}", { env: "dev", team: "sre" }],
    ["${lookup(local.tags, \"missing\", \"dflt\")}", "dflt"],
    ["${element([\"a\", \"b\"], 3)}", "b"],
    ["${keys(local.tags)}", ["env", "team"]],
    ["${values(local.tags)}", ["prod", "sre"]],
    ["${contains([\"a\"], \"a\")}", true],
    ["${coalesce(\"\", null, \"z\")}", "z"],
    ["${tostring(5)}", "5"],
    ["${tonumber(\"42\")}", 42],
    ["${tolist(toset([\"a\", \"a\", \"b\"]))}", ["a", "b"]],
    ["${jsonencode({a = [1, true]})}", '{"a":[1,true]}'],
    ["${jsondecode(\"{\\\"x\\\":1}\").x}", 1],
    ["${base64decode(base64encode(\"hi\"))}", "hi"],
    ["${try(local.tags.nope, \"fallback\")}", "fallback"],
    ["${[for k, v in local.tags : \"${k}=${v}\"]}", ["env=prod", "team=sre"]],
    ["${{for k, v in local.tags : v => k if k != \"team\"}}", { prod: "env" }],
    ["$${literal}", "${literal}"],
    ["${lower(\"A\")}${upper(\"b\")}", "aB"],
  ])("WHEN %s THEN it evaluates to the expected value", (src, want) => {
    expect(ev(src)).toEqual(want);
  });

  it("THEN unknown values propagate through templates, operators and functions", () => {
    expect(ev("${yandex_iam_service_account.pending.id}")).toBe(UNKNOWN);
    expect(ev("x-${yandex_iam_service_account.pending.id}")).toBe(UNKNOWN);
    expect(ev("${join(\",\", [yandex_iam_service_account.pending.id])}")).toBe(UNKNOWN);
    expect(ev("${length([yandex_iam_service_account.pending.id])}")).toBe(1);
    expect(ev("${yandex_iam_service_account.pending.id == \"x\" ? 1 : 2}")).toBe(UNKNOWN);
    expect(ev("${[yandex_iam_service_account.pending.id]}")).toEqual([UNKNOWN]);
  });

  it("THEN errors name the problem", () => {
    expect(() => ev("${nosuch(1)}")).toThrow('there is no function named "nosuch"');
    expect(() => ev("${yandex_compute_instance.vm[5].id}")).toThrow("index 5 is out of range for a list of 2 elements");
    expect(() => ev("${yandex_iam_service_account.sa.nope}")).toThrow('this object has no attribute "nope"');
    expect(() => ev("${1 / 0}")).toThrow("division by zero");
    expect(() => ev("${join(\",\")}")).toThrow("join() takes 2 arguments, got 1");
    expect(() => parseTemplate("${a.b")).toThrow(ExprSyntaxError);
    expect(() => parseTemplate("${a.b")).toThrow('expected "}" at column 6');
  });

  it("THEN references name their subjects, excluding for-expression variables", () => {
    const refs = references(parseTemplate("${join(\",\", [for x in yandex_compute_instance.vm : x.id])}-${data.yandex_member.alice.login}-${var.zone}-${local.tags[count.index]}"));
    expect(refs.map((r) => r.subject)).toEqual(["yandex_compute_instance.vm", "data.yandex_member.alice", "var.zone", "count.index", "local.tags"]);
    expect(references(parseExpression("yandex_compute_instance.vm[0].id")).map((r) => r.traversal)).toEqual(["yandex_compute_instance.vm"]);
  });
});

describe("the parser's dotted-reference path", () => {
  it.each([
    "${yandex_iam_service_account.sa-00001_account_AE419292.id}",
    "${var.name}",
    "${data.yandex_organizationmanager_os_login_member.alice.subject_id}",
    "${local.a.b.c.d}",
  ])("GIVEN %s WHEN parsed THEN the same tree as the full parser gives", (src) => {
    expect(parseTemplate(src)).toEqual(parseExpression(`(${src.slice(2, -1)})`));
    expect(parseTemplate(src)).toMatchObject({ k: "attr" });
  });

  it("GIVEN references inside a longer template WHEN parsed THEN the same parts as the full parser's", () => {
    const src = "serviceAccount:${yandex_iam_service_account.sa.id}/${var.a.b}-${ local.c.d }";
    const viaParens = parseExpression(`"serviceAccount:\${(yandex_iam_service_account.sa.id)}/\${(var.a.b)}-\${(local.c.d)}"`);
    expect(parseTemplate(src)).toEqual(viaParens);
    expect(parseTemplate(src)).toMatchObject({ k: "tpl", parts: ["serviceAccount:", { k: "attr", name: "id" }, "/", { k: "attr", name: "b" }, "-", { k: "attr", name: "d" }] });
  });

  it("GIVEN a depends_on entry WHEN parsed as an expression THEN the same tree as with parentheses (the long way)", () => {
    expect(parseExpression("yandex_organizationmanager_os_login_settings.org_settings_C67F6D38")).toEqual(
      parseExpression("(yandex_organizationmanager_os_login_settings.org_settings_C67F6D38)"),
    );
    expect(parseExpression("a.b + 1")).toMatchObject({ k: "binary", op: "+" });
    expect(() => parseExpression("a.b c")).toThrow(/unexpected text after expression/);
  });

  it.each([
    ["${true.x}", { k: "attr", obj: { k: "lit", v: true }, name: "x" }],
    ["${a.0}", { k: "index", obj: { k: "var", name: "a" }, key: { k: "lit", v: 0 } }],
    ["${a.b }", { k: "attr", obj: { k: "var", name: "a" }, name: "b" }],
    ["$${a.b}", { k: "lit", v: "${a.b}" }],
    ["${a.b}-${c}", { k: "tpl", parts: [{ k: "attr", obj: { k: "var", name: "a" }, name: "b" }, "-", { k: "var", name: "c" }] }],
    ["${a.b.c[0]}", { k: "index", obj: { k: "attr", obj: { k: "attr", obj: { k: "var", name: "a" }, name: "b" }, name: "c" }, key: { k: "lit", v: 0 } }],
    ["${a.b(1)}", "error"],
  ])("GIVEN %s, not a plain reference WHEN parsed THEN the full parser's tree", (src, tree) => {
    if (tree === "error") expect(() => parseTemplate(src)).toThrow();
    else expect(parseTemplate(src)).toEqual(tree);
  });
});


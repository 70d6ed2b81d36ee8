// The HTML access report of `oslogin access --html` and `oslogin review --html`: one file that
// opens offline (inline CSS and script, a Content-Security-Policy that allows no network), a VM x
// member matrix of the same AccessRow values the --json outputs come from.
//
// Every value (VM, member and group names come from users) goes through `esc` into text or a quoted
// attribute; the script embeds no data, it reads the table's data-* attributes, so a name cannot
// end a <script> element or inject one. The CSP admits the script only by its hash.
import { createHash } from "node:crypto";
import type { AccessLevel, AccessRow } from "../../review/access-diff.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";
import { CliError } from "../errors.js";

const RANK: Record<AccessLevel, number> = { none: 0, login: 1, sudo: 2 };

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "gain", "loss", "changed" (same level, other login or a risk note), or "" for no change. */
export function changeClass(r: AccessRow): "gain" | "loss" | "changed" | "" {
  if (RANK[r.after] > RANK[r.before]) return "gain";
  if (RANK[r.after] < RANK[r.before]) return "loss";
  return r.change === "unchanged" ? "" : "changed";
}

export interface AccessHtmlOptions {
  /** The page's heading, e.g. "Access of stack dev" or "Access review of plan.json". */
  title: string;
  /** "now": what is (no before); "review": a plan's changes, highlighted. */
  mode: "now" | "review";
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
h1{font-size:1.3em;margin:0 0 .3em}
.summary{margin:.3em 0 1em;color:#444}
#filter{font:inherit;padding:.35em .5em;width:22em;border:1px solid #999;border-radius:4px}
.legend{display:flex;gap:1em;margin:.8em 0;flex-wrap:wrap;align-items:center}
.legend>span{padding:.15em .6em;border-radius:3px;border:1px solid #ccc}
table{border-collapse:collapse;margin-top:.5em}
th,td{border:1px solid #ccc;padding:.35em .6em;vertical-align:top;text-align:left}
thead th{background:#f2f2f5;font-weight:600}
th.vm{background:#f7f7f9;white-space:nowrap}
small,.id{color:#666;font-size:.8em;font-weight:normal;display:block}
td.none{background:#fafafa}
.level{font-weight:700;text-transform:uppercase;font-size:.85em;letter-spacing:.03em}
.sudo .level{color:#8a1c00}
.login .level{color:#0b4f9c}
.gain{background:#dff5e1;outline:2px solid #2e8b3d;outline-offset:-2px}
.loss{background:#fbe0e0;outline:2px solid #c62828;outline-offset:-2px}
.changed{background:#fff4d1;outline:2px solid #b58900;outline-offset:-2px}
.loss .level{text-decoration:line-through}
.was{font-size:.8em;color:#333;margin-left:.5em}
.gain .level::before{content:"+ "}
.loss .level::before{content:"\\2212  "}
.empty{color:#666;font-style:italic}
`;

// Hides the rows (VMs) and columns (members) that do not match the filter: a row stays when its VM
// matches, or a cell of it that grants something matches or sits in a matching column; a column
// likewise. So "alice" keeps Alice's column and the VMs she reaches, "web" the row and who reaches it.
const SCRIPT = `
(function(){
var input=document.getElementById("filter");
var table=document.getElementById("matrix");
if(!input||!table)return;
function apply(){
var q=input.value.trim().toLowerCase();
var heads=[].slice.call(table.querySelectorAll("thead th[data-member]"));
var rows=[].slice.call(table.querySelectorAll("tbody tr"));
var has=function(el){return (el.getAttribute("data-search")||"").toLowerCase().indexOf(q)>=0;};
var colMatch=heads.map(function(h){return q===""||has(h);});
var colShow=colMatch.slice();
var shown=0;
rows.forEach(function(tr){
var cells=[].slice.call(tr.querySelectorAll("td"));
var rowMatch=q===""||has(tr.querySelector("th"));
var show=rowMatch;
cells.forEach(function(td,i){
var grants=td.getAttribute("data-access")!=="none"||td.getAttribute("data-before")!=="none";
if(!grants)return;
if(colMatch[i]||has(td))show=true;
if(rowMatch||has(td))colShow[i]=true;
});
tr.hidden=!show;
if(show)shown++;
});
heads.forEach(function(h,i){h.hidden=!colShow[i];});
rows.forEach(function(tr){[].slice.call(tr.querySelectorAll("td")).forEach(function(td,i){td.hidden=!colShow[i];});});
document.getElementById("shown").textContent=q===""?"":shown+" VM(s) shown";
}
input.addEventListener("input",apply);
apply();
})();
`;

function cellHtml(r: AccessRow | undefined, vm: string, member: string, mode: AccessHtmlOptions["mode"]): string {
  if (!r) return `<td class="none" data-vm="${esc(vm)}" data-member="${esc(member)}" data-access="none" data-before="none"></td>`;
  const cls = mode === "review" ? changeClass(r) : "";
  // A loss shows the level that goes away (struck through); otherwise the level after the plan.
  const shownLevel = r.after === "none" ? r.before : r.after;
  const search = [r.login, r.uid, r.via, r.change].join(" ");
  const was = mode === "review" && cls ? `<span class="was">${esc(r.change)}</span>` : "";
  return (
    `<td class="${[shownLevel, cls].filter(Boolean).join(" ")}" data-vm="${esc(vm)}" data-member="${esc(member)}" data-access="${r.after}" data-before="${mode === "review" ? r.before : r.after}" data-search="${esc(search)}" title="${esc(`${r.memberName} on ${r.vmName}: ${mode === "review" ? r.change : r.after}`)}">` +
    `<span class="level">${shownLevel}</span>${was}<small>as ${esc(r.login)} (uid ${esc(r.uid)})</small><small>via ${esc(r.via)}</small></td>`
  );
}

/** The whole report, one self-contained HTML document. */
export function renderAccessHtml(rows: AccessRow[], opts: AccessHtmlOptions): string {
  const vms = new Map<string, string>();
  const members = new Map<string, string>();
  const cells = new Map<string, AccessRow>();
  for (const r of rows) {
    if (r.before === "none" && r.after === "none") continue;
    vms.set(r.vm, r.vmName);
    members.set(r.member, r.memberName);
    cells.set(`${r.vm}\u0000${r.member}`, r);
  }
  const memberList = [...members].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = [...cells.values()];
  const gains = shown.filter((r) => changeClass(r) === "gain").length;
  const losses = shown.filter((r) => changeClass(r) === "loss").length;
  const other = shown.filter((r) => changeClass(r) === "changed").length;
  const summary =
    opts.mode === "review"
      ? `${gains} grant${gains === 1 ? "" : "s"} gained, ${losses} lost, ${other} other change${other === 1 ? "" : "s"}; ${shown.length - gains - losses - other} unchanged.`
      : `${shown.length} grant${shown.length === 1 ? "" : "s"} on ${vms.size} VM${vms.size === 1 ? "" : "s"}.`;
  const legend =
    opts.mode === "review"
      ? `<div class="legend" id="legend"><b>Legend:</b><span class="gain">gain: gets login or sudo</span><span class="loss">loss: loses login or sudo</span><span class="changed">other change (login, risk)</span><span>no highlight: unchanged</span></div>`
      : `<div class="legend" id="legend"><b>Legend:</b><span class="sudo"><span class="level">sudo</span>: login with sudo (compute.osAdminLogin)</span><span class="login"><span class="level">login</span>: login (compute.osLogin)</span></div>`;
  const head = memberList.map(([id, name]) => `<th data-member="${esc(id)}" data-search="${esc(`${name} ${id}`)}">${esc(name)}<span class="id">${esc(id)}</span></th>`).join("");
  const body = [...vms]
    .map(([vm, name]) => `<tr data-vm="${esc(vm)}"><th class="vm" data-search="${esc(`${name} ${vm}`)}">${esc(name)}<span class="id">${esc(vm)}</span></th>${memberList.map(([m]) => cellHtml(cells.get(`${vm}\u0000${m}`), vm, m, opts.mode)).join("")}</tr>`)
    .join("\n");
  const matrix = vms.size
    ? `<table id="matrix"><thead><tr><th>VM \\ member</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
    : `<p class="empty">${opts.mode === "review" ? "No change to who can log in to OS Login VMs." : "Nobody can log in to an OS Login VM of this stack."}</p>`;
  const hash = createHash("sha256").update(SCRIPT).digest("base64");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(opts.title)}</title><style>${CSS}</style></head>
<body><h1>${esc(opts.title)}</h1>
<p class="summary" id="summary">${esc(summary)}</p>
<label>Filter VMs and members: <input id="filter" type="search" placeholder="name, id, login, group..." autocomplete="off"></label> <span id="shown"></span>
${legend}
${matrix}
<script>${SCRIPT}</script>
</body></html>
`;
}

/** Writes the report whole or not at all (a reader never sees half a page); 0644: it is a report, not a secret. */
export function writeAccessHtml(file: string, rows: AccessRow[], opts: AccessHtmlOptions): void {
  if (file === "") throw new CliError("--html needs a file name");
  try {
    writeSecretFileAtomic(file, renderAccessHtml(rows, opts), 0o644);
  } catch (e) {
    throw new CliError(`cannot write the HTML report ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

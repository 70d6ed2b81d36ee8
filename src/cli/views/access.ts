// The views of `oslogin access`: the table for a terminal, Markdown for a pull request or a wiki,
// and the JSON envelope's result fields.
import { renderAccessNowMarkdown, renderAccessTable, type AccessRow } from "../../review/access-diff.js";

export const accessView = {
  text: (rows: AccessRow[]): string => (rows.length ? renderAccessTable(rows) : "Nobody can log in to an OS Login VM of this stack.") + "\n",
  md: (rows: AccessRow[]): string => renderAccessNowMarkdown(rows),
  json: (stack: string, rows: AccessRow[]) => ({
    stack,
    access: rows.map((r) => ({ vm: r.vmName, vm_address: r.vm, member: r.member, member_name: r.memberName, login: r.login, uid: r.uid, sudo: r.after === "sudo", via: r.via })),
  }),
};

// readTextFile takes a fast path for ASCII files; whatever the bytes, it must give exactly what
// UTF-8 decoding gives (config and state files may hold non-ASCII descriptions and labels).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readTextFile } from "../../src/util/read-text.js";

const dir = mkdtempSync(path.join(tmpdir(), "read-text-"));

describe("GIVEN files of ASCII, of UTF-8 beyond ASCII, and of invalid UTF-8", () => {
  it.each([
    ["ascii", Buffer.from('{"name":"fleet-vm-00000","size":10}\n', "utf8"), '{"name":"fleet-vm-00000","size":10}\n'],
    ["utf-8", Buffer.from('{"description":"Доступ для команды é 🔑"}', "utf8"), '{"description":"Доступ для команды é 🔑"}'],
    ["invalid utf-8", Buffer.from([0x7b, 0xff, 0x7d]), "{\uFFFD}"],
    ["empty", Buffer.alloc(0), ""],
  ])("WHEN the %s file is read THEN the text is what UTF-8 decoding gives", (name, bytes, text) => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, bytes);
    expect(readTextFile(file)).toBe(text);
    expect(readTextFile(file)).toBe(bytes.toString("utf8"));
  });
});

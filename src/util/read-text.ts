// Reading a large JSON file (a 10k-resource cdk.tf.json or state is 5-8 MB) as a string. Such files
// are almost always ASCII, and for ASCII bytes Latin-1 and UTF-8 decode to the same string; the
// ASCII check (SIMD) plus a Latin-1 copy took ~20 ms for the fleet's two files where UTF-8
// decoding took ~29 ms. Anything else is decoded as UTF-8, as before.
import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";

export function readTextFile(path: string): string {
  const bytes = readFileSync(path);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

// JSON.parse that keeps integers beyond 2^53 exact. Terraform writes cty numbers into state JSON
// (the state file, RawState.json) as bare literals with every digit, e.g. an int64 uid 9223372036854775807; plain
// JSON.parse would round it. Node 20's JSON.parse has no access to the source text of a number, so we
// quote long integer literals (outside strings) before parsing; values.ts turns them back into numbers.

const LONG_INTEGER = /^-?\d{16,}$/;
const ANY_LONG_DIGIT_RUN = /\d{16}/;

export function parseJsonKeepingIntegers(text: string): unknown {
  // Most documents hold no 16-digit run at all (a state of 10k objects is megabytes): the native
  // parser is exact for them, and the scan below is only needed when one appears.
  if (!ANY_LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  let out = "";
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // skip the whole string literal, escapes included
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (LONG_INTEGER.test(token)) {
        out += text.slice(copiedUpTo, i) + '"' + token + '"';
        copiedUpTo = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  return JSON.parse(out + text.slice(copiedUpTo));
}

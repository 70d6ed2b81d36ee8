// Strict decoding of the metadata endpoint's query strings. The 20210907 guest agent sends
// `username=` and `authorize?email=` URL-encoded (alice%40example.com) but `groups?email=` and
// `groupname=` raw (alice@example.com), so values are percent-decoded when they carry escapes and
// taken as they are otherwise. '+' stays '+' (the agent never form-encodes; an e-mail may contain
// '+'). Anything malformed is a BadRequest, which the server answers with 400: a bad escape, a
// repeated or unknown parameter, a control character.

export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadRequest";
  }
}

const MAX_QUERY = 4096;

/** Parses `a=1&b=2` into a map, allowing only the names in `allowed`. */
export function parseQuery(query: string, allowed: readonly string[]): Map<string, string> {
  if (query.length > MAX_QUERY) throw new BadRequest(`query string is longer than ${MAX_QUERY} characters`);
  const out = new Map<string, string>();
  if (query === "") return out;
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq < 0 ? part : part.slice(0, eq), "parameter name");
    const value = eq < 0 ? "" : decode(part.slice(eq + 1), name);
    if (!allowed.includes(name)) {
      throw new BadRequest(`unknown parameter ${JSON.stringify(name)} (this request takes ${allowed.join(", ")})`);
    }
    if (out.has(name)) throw new BadRequest(`parameter ${name} is given more than once`);
    out.set(name, value);
  }
  return out;
}

function decode(text: string, what: string): string {
  let value = text;
  if (text.includes("%")) {
    try {
      value = decodeURIComponent(text);
    } catch {
      throw new BadRequest(`${what} has a malformed percent-escape`);
    }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new BadRequest(`${what} contains a control character`);
  return value;
}

/** A decimal id (uid/gid) in 1..2^63-1, as the agent sends it. */
export function parseId(value: string, name: string): bigint {
  if (!/^[0-9]{1,19}$/.test(value)) throw new BadRequest(`${name} must be a decimal number`);
  const n = BigInt(value);
  if (n < 1n || n > 9223372036854775807n) throw new BadRequest(`${name} must be between 1 and 9223372036854775807`);
  return n;
}

/** The agent's pagesize (2048 for users, 499 for groups); bounded so one request stays cheap. */
export const METADATA_PAGE_SIZE_MAX = 10000;

export function parsePageSize(value: string): number {
  if (!/^[0-9]{1,9}$/.test(value)) throw new BadRequest("pagesize must be a decimal number");
  const n = Number(value);
  if (n < 1 || n > METADATA_PAGE_SIZE_MAX) throw new BadRequest(`pagesize must be between 1 and ${METADATA_PAGE_SIZE_MAX}`);
  return n;
}

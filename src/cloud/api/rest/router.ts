// The REST gateway's routing table: method + path pattern → handler. Patterns are the Yandex HTTP
// paths from the protos' google.api.http annotations, with `{name}` for a path segment (or the part
// of a segment before a `:verb`, as in `/osLoginProfiles/{osLoginProfileId}:setDefault`).
import { CloudError, errors } from "../../../contract/errors.js";
import type { Caller } from "../../model/types.js";
import type { ObjectDecoder } from "./schema.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface RouteContext<Q, B> {
  caller: Caller;
  /** Path parameters, URL-decoded, by the names in the pattern. */
  params: Record<string, string>;
  query: Q;
  body: B;
  /** The Idempotency-Key header, for mutations (the model returns the first call's Operation on a retry). */
  idempotencyKey?: string;
  /** The raw body and its media type, for routes that take more than JSON (the seed takes YAML). */
  text: string;
  contentType: string;
}

export interface Route<Q = unknown, B = unknown> {
  method: Method;
  path: string;
  /** Served without an Authorization header (only the IAM token exchange). */
  public?: boolean;
  /**
   * Only the emulator admin token may call it (the /emulator/v1 routes). Checked before the body
   * is parsed: a member's request is refused as such, not answered with a parse error about a
   * body it was never allowed to send.
   */
  adminOnly?: boolean;
  /** Query parameters; omitted = the route takes none. */
  query?: ObjectDecoder<Q>;
  /** JSON body schema; omitted = no body (an empty body or `{}`); "text" = the handler parses ctx.text. */
  body?: ObjectDecoder<B> | "text";
  /** Returns the JSON-ready response (objects may hold bigint, written as strings). */
  handle(ctx: RouteContext<Q, B>): unknown;
}

/** Keeps Q and B inferred per route while the table holds them all. */
export const route = <Q = Record<string, never>, B = Record<string, never>>(r: Route<Q, B>): Route =>
  r as unknown as Route;

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((r) => compile(r));
    const seen = new Set<string>();
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) throw new Error(`duplicate REST route ${key}`);
      seen.add(key);
    }
  }

  /** The route for method + path; NOT_FOUND for an unknown path, UNIMPLEMENTED for a known path with another method. */
  match(method: string, pathname: string): Match {
    let pathKnown = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(pathname);
      if (!m) continue;
      if (c.route.method !== method) {
        pathKnown = true;
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        params[name] = decodeSegment(m[i + 1], name);
      });
      return { route: c.route, params };
    }
    if (pathKnown) {
      return fail(new CloudError("UNIMPLEMENTED", `Method ${method} is not supported for ${pathname}`));
    }
    return fail(errors.notFound("REST route", `${method} ${pathname}`));
  }

  /** "GET /path" for every route, for docs and tests. */
  list(): string[] {
    return this.compiled.map((c) => `${c.route.method} ${c.route.path}`);
  }
}

function fail(e: CloudError): never {
  throw e;
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path.replace(/\{([A-Za-z]+)\}|[^{]+/g, (part, name?: string) => {
    if (name) {
      names.push(name);
      // An id never holds '/' or ':' (a ':' starts the custom verb of the last segment).
      return "([^/:]+)";
    }
    return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return { route, regex: new RegExp(`^${source}$`), names };
}

function decodeSegment(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw errors.invalidArgument(name, "is not a valid URL-encoded path segment");
  }
}

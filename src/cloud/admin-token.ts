// The emulator's admin token: the superuser credential for the REST and gRPC APIs (see auth.ts).
// With a data directory it lives in <dataDir>/admin-token (mode 0600), made on first start and read
// on every later start, so clients and tests can pick it up from the file. Without a data directory
// (in-memory mode) a fresh token is made per process and never written anywhere.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ADMIN_TOKEN_FILE = "admin-token";

let inMemoryToken: string | undefined;

export function adminTokenPath(dataDir: string): string {
  return join(dataDir, ADMIN_TOKEN_FILE);
}

/** Returns the admin token, creating it (and the file) when it does not exist yet. */
export function ensureAdminToken(dataDir?: string): string {
  if (!dataDir) return (inMemoryToken ??= newToken());
  const path = adminTokenPath(dataDir);
  const existing = readIfExists(path);
  if (existing !== undefined) {
    if (existing.length === 0) throw new Error(`the admin token file ${path} is empty; delete it to make a new one`);
    return existing;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = newToken();
  try {
    // "wx": never overwrite a token another process wrote between our read and this write.
    writeFileSync(path, token + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return ensureAdminToken(dataDir);
    throw e;
  }
  chmodSync(path, 0o600); // the umask may have narrowed the mode bits, never widened; make it exact
  return token;
}

function newToken(): string {
  return randomBytes(32).toString("base64url");
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

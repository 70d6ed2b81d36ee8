// The AuthorizedPrincipalsCommand script shipped in the package (vm/oslogin_authorized_principals.py):
// python3 and its standard library only, because that is what an OS Login image has (no node).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../util/package-root.js";

export function principalsCommandScript(): string {
  return readFileSync(join(packageRoot(dirname(fileURLToPath(import.meta.url))), "vm", "oslogin_authorized_principals.py"), "utf8");
}

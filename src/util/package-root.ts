// The installed package's root directory, for the commands that hand out files shipped with it (the
// built provider entry, the VM's AuthorizedPrincipalsCommand), whether running from src/ or dist/.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The nearest ancestor of `from` holding oslogin-kit's package.json. */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "oslogin-kit") return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find oslogin-kit's package.json above ${from}`);
  }
}

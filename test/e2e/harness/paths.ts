import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (absolute), whatever the current directory: nsenter changes it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

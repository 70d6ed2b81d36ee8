// Workspaces as terraform has them: several states of one configuration, `default` always there.
// Which one a command works on: TF_WORKSPACE when set, else the one `oslogin workspace select`
// recorded for the stack in the data directory (as terraform keeps .terraform/environment in its
// working directory), else `default`.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { readTextFile } from "../../util/read-text.js";
import { writeSecretFileAtomic } from "../../util/atomic-file.js";

export const DEFAULT_WORKSPACE = "default";

/** The file recording the selected workspace, in the stack's directory of the data dir. */
export const ENVIRONMENT_FILE = "environment";

/**
 * Why `name` cannot be a workspace, or undefined. terraform's rule is "URL-safe, no path separator";
 * the name also becomes a directory (local backend), so "." and ".." are refused too.
 */
export function workspaceNameProblem(name: string): string | undefined {
  if (name === "" || name === "." || name === ".." || !/^[A-Za-z0-9_.~-]+$/.test(name)) {
    return `the workspace name ${JSON.stringify(name)} is not allowed: use letters, digits, "-", "_", "." and "~" only`;
  }
  return undefined;
}

export interface SelectedWorkspace {
  name: string;
  /** Set by TF_WORKSPACE: `workspace select` and `new` refuse, as terraform does. */
  overridden: boolean;
}

/** The workspace commands on the stack whose data-dir directory is `stackDataDir` work on. */
export function selectedWorkspace(stackDataDir: string, env: NodeJS.ProcessEnv = process.env): SelectedWorkspace | string {
  const fromEnv = env.TF_WORKSPACE;
  if (fromEnv !== undefined && fromEnv !== "") {
    const p = workspaceNameProblem(fromEnv);
    return p ? `TF_WORKSPACE: ${p}` : { name: fromEnv, overridden: true };
  }
  const file = path.join(stackDataDir, ENVIRONMENT_FILE);
  if (!existsSync(file)) return { name: DEFAULT_WORKSPACE, overridden: false };
  const name = readTextFile(file).trim();
  if (name === "") return { name: DEFAULT_WORKSPACE, overridden: false };
  const p = workspaceNameProblem(name);
  return p ? `${file}: ${p}` : { name, overridden: false };
}

/** Records `name` as the stack's selected workspace. */
export function selectWorkspace(stackDataDir: string, name: string): void {
  mkdirSync(stackDataDir, { recursive: true });
  writeSecretFileAtomic(path.join(stackDataDir, ENVIRONMENT_FILE), `${name}\n`);
}

/** terraform's order: default first (whether or not it has a state), then the others by name. */
export function orderWorkspaces(names: Iterable<string>): string[] {
  const others = [...new Set(names)].filter((n) => n !== DEFAULT_WORKSPACE).sort();
  return [DEFAULT_WORKSPACE, ...others];
}

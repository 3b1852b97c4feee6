// Refusing a plan whose agent or gate program is not installed, before any lane is made: the same
// PATH search the kernel's execvp would do, without starting anything.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** Where to look. */
export interface FindExecutableOptions {
  /** The environment whose PATH is searched (the one the program will be started with). */
  readonly env: NodeJS.ProcessEnv;
  /** Resolves a relative name that contains `/` (default: this process's working directory). */
  readonly cwd?: string;
}

// What libuv searches when the child's environment has no PATH.
const DEFAULT_PATH = "/usr/bin:/bin";

/**
 * The absolute path `name` would run as, or undefined when there is no executable file by that
 * name. A name containing `/` is checked as a path; otherwise each PATH entry is tried in order
 * (empty entries are skipped).
 */
export function findExecutable(name: string, opts: FindExecutableOptions): string | undefined {
  if (name === "" || name.includes("\0")) return undefined;
  if (name.includes("/")) {
    const path = isAbsolute(name) ? name : resolve(opts.cwd ?? process.cwd(), name);
    return isExecutableFile(path) ? path : undefined;
  }
  const dirs = (opts.env["PATH"] ?? DEFAULT_PATH).split(delimiter);
  for (const dir of dirs) {
    if (dir === "") continue;
    const path = join(isAbsolute(dir) ? dir : resolve(opts.cwd ?? process.cwd(), dir), name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// A program that cannot start is an expected outcome (a missing agent CLI, a file without the
// execute bit), told apart by errno so callers can say what to fix.
import { statSync } from "node:fs";

/** Why a child did not start. */
export interface SpawnError {
  readonly reason: "not-found" | "permission" | "other";
  readonly message: string;
}

/** Turns the error Node reports for a failed spawn into a value with a message that says what to check. */
export function classifySpawnError(opts: { error: unknown; command: string; cwd: string }): SpawnError {
  const e = opts.error as NodeJS.ErrnoException;
  const code = e.code ?? "";
  // Node reports a missing working directory as ENOENT of the command: check which one it was.
  if ((code === "ENOENT" || code === "ENOTDIR") && !isDirectory(opts.cwd)) {
    return {
      reason: "other",
      message: `cannot start ${opts.command}: the working directory ${opts.cwd} does not exist`,
    };
  }
  if (code === "ENOENT") {
    return {
      reason: "not-found",
      message: `cannot start ${opts.command}: not found (check that it is installed and on PATH)`,
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      reason: "permission",
      message: `cannot start ${opts.command}: permission denied (check that it is a file with the execute bit)`,
    };
  }
  return { reason: "other", message: `cannot start ${opts.command}: ${e.message}` };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

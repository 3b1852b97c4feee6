// What is uncommitted in a worktree, from `status --porcelain=v1 -z`: one entry per path, untracked
// files listed one by one, names exactly as they are (spaces, newlines, any bytes git allows).
import { git, orThrow } from "./git.js";

/** One changed path. */
export interface StatusEntry {
  /** The two-letter porcelain code: `XY` (index, worktree), e.g. ` M`, `A `, `R `, `??`. */
  readonly code: string;
  /** The path relative to the worktree's top folder (the new name of a rename or copy). */
  readonly path: string;
  /** The old name, for a rename or copy. */
  readonly origPath?: string;
}

/**
 * The worktree's changes, untracked files included (ignored ones are not). Runs without taking
 * optional locks, so it can look at a checkout the user is working in.
 */
export async function statusPorcelain(cwd: string): Promise<StatusEntry[]> {
  const out = orThrow(
    await git({
      cwd,
      args: ["status", "--porcelain=v1", "-z", "--untracked-files=all"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    }),
  );
  return parseStatusPorcelain(out.stdout);
}

/** Whether the worktree has any change, untracked files included. */
export async function isDirty(cwd: string): Promise<boolean> {
  return (await statusPorcelain(cwd)).length > 0;
}

/**
 * Parses `status --porcelain=v1 -z`: `XY <path>` entries ended by NUL; a rename or copy (R or C in
 * either column) is followed by one more NUL-ended field, its old name.
 */
export function parseStatusPorcelain(text: string): StatusEntry[] {
  const fields = text.split("\0");
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    const path = field.slice(3);
    if (/[RC]/.test(code)) {
      const origPath = fields[++i] ?? "";
      entries.push({ code, path, origPath });
    } else {
      entries.push({ code, path });
    }
  }
  return entries;
}

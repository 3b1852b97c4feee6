// Where a folder's repository is: its top folder, its git dirs, and what HEAD is on.
import { resolve } from "node:path";
import { git, gitError, GitCommandError, orThrow, runGit } from "./git.js";

/** The top folder of the worktree `cwd` is in, or undefined outside a worktree (or in a bare repo). */
export async function repoRoot(cwd: string): Promise<string | undefined> {
  const r = await runGit({ cwd, args: ["rev-parse", "--show-toplevel"] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Whether `cwd` is inside a worktree of a repository: the first check before anything else. */
export async function isInsideRepo(cwd: string): Promise<boolean> {
  const r = await runGit({ cwd, args: ["rev-parse", "--is-inside-work-tree"] });
  return r.exitCode === 0 && r.stdout.trim() === "true";
}

/**
 * The repository's common git dir (absolute), shared by all its worktrees: where flotilla keeps its
 * state. Throws GitCommandError outside a repository (check with repoRoot first).
 */
export async function commonDir(cwd: string): Promise<string> {
  return absoluteDir(cwd, "--git-common-dir");
}

/** The git dir of the worktree `cwd` is in (absolute): where its HEAD and index live. */
export async function gitDir(cwd: string): Promise<string> {
  return absoluteDir(cwd, "--git-dir");
}

/** The branch HEAD is on (short name, e.g. `main`), or undefined when HEAD is detached. */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  const args = ["symbolic-ref", "--quiet", "HEAD"];
  const r = await runGit({ cwd, args });
  if (r.exitCode === 1) return undefined;
  if (r.exitCode !== 0) throw new GitCommandError(gitError({ cwd, args, result: r }));
  const ref = r.stdout.trim();
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

async function absoluteDir(cwd: string, flag: string): Promise<string> {
  const out = orThrow(await git({ cwd, args: ["rev-parse", "--path-format=absolute", flag] }));
  return resolve(cwd, out.stdout.trim());
}

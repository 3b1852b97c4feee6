// Making commits: everything in a lane (the agent's leftovers), or a commit object from a tree the
// merge queue built in memory. Messages go through stdin, never argv.
import { err, ok, type Result } from "../../util/result.js";
import { git, gitError, orThrow, runGit, type GitError } from "./git.js";

/** A name and email for a commit's author or committer. */
export interface Identity {
  readonly name: string;
  readonly email: string;
}

/** Why commitAll made no commit. */
export type CommitFailure = { readonly reason: "nothing-to-commit"; readonly message: string } | GitError;

/** Who a commit is by; unset parts come from git's config. */
export interface CommitIdentityOptions {
  readonly author?: Identity;
  readonly committer?: Identity;
}

/**
 * Stages every change (tracked, untracked, deletions) and commits it; returns the new commit, or
 * reason "nothing-to-commit" when the worktree had no change.
 */
export async function commitAll(
  opts: { cwd: string; message: string; noVerify?: boolean } & CommitIdentityOptions,
): Promise<Result<string, CommitFailure>> {
  const added = await git({ cwd: opts.cwd, args: ["add", "--all"] });
  if (!added.ok) return err(added.error);
  const diffArgs = ["diff", "--cached", "--quiet", "--no-ext-diff"];
  const diff = await runGit({ cwd: opts.cwd, args: diffArgs });
  if (diff.exitCode === 0)
    return err({ reason: "nothing-to-commit", message: `nothing to commit in ${opts.cwd}` });
  if (diff.exitCode !== 1) return err(gitError({ cwd: opts.cwd, args: diffArgs, result: diff }));
  const committed = await git({
    cwd: opts.cwd,
    args: ["commit", "--quiet", ...(opts.noVerify === true ? ["--no-verify"] : []), "--file=-"],
    input: opts.message,
    env: identityEnv(opts),
  });
  if (!committed.ok) return err(committed.error);
  const head = await git({ cwd: opts.cwd, args: ["rev-parse", "HEAD"] });
  return head.ok ? ok(head.value.stdout.trim()) : err(head.error);
}

/**
 * Writes a commit object for `tree` with these parents (in order: the first is "ours") and returns
 * its id; moves no ref. Throws GitCommandError on failure (the tree and parents are ours: a bug).
 */
export async function commitTree(
  opts: { cwd: string; tree: string; parents: readonly string[]; message: string } & CommitIdentityOptions,
): Promise<string> {
  const out = orThrow(
    await git({
      cwd: opts.cwd,
      args: [
        "commit-tree",
        ...opts.parents.flatMap((p) => ["-p", p]),
        "-F",
        "-",
        "--end-of-options",
        opts.tree,
      ],
      input: opts.message,
      env: identityEnv(opts),
    }),
  );
  return out.stdout.trim();
}

function identityEnv(opts: CommitIdentityOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.author !== undefined) {
    env["GIT_AUTHOR_NAME"] = opts.author.name;
    env["GIT_AUTHOR_EMAIL"] = opts.author.email;
  }
  if (opts.committer !== undefined) {
    env["GIT_COMMITTER_NAME"] = opts.committer.name;
    env["GIT_COMMITTER_EMAIL"] = opts.committer.email;
  }
  return env;
}

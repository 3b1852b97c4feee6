// The one place git is started: argv arrays, an explicit working folder, an environment that cannot
// point git at another repository, and failures as values whose message says what to check.
import { exec, type ExecResult } from "../process/exec.js";
import { err, ok, type Result } from "../../util/result.js";

/** The all-zero object id: as an expected old value it means "the ref must not exist yet". */
export const ZERO_OID = "0000000000000000000000000000000000000000";

/** A git command that failed; `message` names the command and what to check. */
export interface GitError {
  readonly reason: "git-failed";
  readonly args: readonly string[];
  readonly cwd: string;
  readonly exitCode: number;
  readonly stderr: string;
  readonly message: string;
}

/** What a successful git command printed. */
export interface GitOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A git call. */
export interface GitOptions {
  /** The folder git runs in; it decides the repository and worktree. */
  readonly cwd: string;
  readonly args: readonly string[];
  /** Text for git's stdin. */
  readonly input?: string;
  /** The environment (default: this process's), minus the variables that would redirect git. */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * Thrown by queries that return plain values (revParse, commitTree, …) when git fails in a way the
 * query does not expect: not a repository, a corrupt object, a missing git. That is a bug or a
 * broken repository, not an outcome to branch on.
 */
export class GitCommandError extends Error {
  constructor(readonly failure: GitError) {
    super(failure.message);
    this.name = "GitCommandError";
  }
}

/**
 * Variables that make git use another repository, index or object store than `cwd` says (set when
 * flotilla runs inside a git hook, for instance; `git rev-parse --local-env-vars` minus the config
 * ones, which `git -c` uses and are kept). Dropped from every environment flotilla hands to git.
 */
export const GIT_REPO_ENV_VARS: readonly string[] = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_COMMON_DIR",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_IMPLICIT_WORK_TREE",
  "GIT_PREFIX",
  "GIT_GRAFT_FILE",
  "GIT_SHALLOW_FILE",
  "GIT_NO_REPLACE_OBJECTS",
  "GIT_REPLACE_REF_BASE",
  "GIT_INTERNAL_SUPER_PREFIX",
];

const REDIRECTING_VARIABLES = new Set(GIT_REPO_ENV_VARS);

/** The environment without git's repository-redirecting variables, so `cwd` decides the repository. */
export function withoutGitRepoEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !REDIRECTING_VARIABLES.has(name)));
}

/** Runs git and returns its exit code as a value (for commands where exit 1 is an answer). */
export async function runGit(opts: GitOptions): Promise<ExecResult> {
  const env = withoutGitRepoEnv(opts.env ?? process.env);
  return exec({
    argv: ["git", ...opts.args],
    cwd: opts.cwd,
    env,
    ...(opts.input === undefined ? {} : { input: opts.input }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}

/** Runs git; exit 0 is success, anything else a GitError. */
export async function git(opts: GitOptions): Promise<Result<GitOutput, GitError>> {
  const r = await runGit(opts);
  if (r.exitCode === 0) return ok({ stdout: r.stdout, stderr: r.stderr });
  return err(gitError({ cwd: opts.cwd, args: opts.args, result: r }));
}

/** Builds the GitError of a finished command (for callers that used runGit). */
export function gitError(opts: { cwd: string; args: readonly string[]; result: ExecResult }): GitError {
  const { result } = opts;
  const stderr = result.spawnError?.message ?? result.stderr;
  const how = result.timedOut ? "timed out" : `failed (exit ${result.exitCode})`;
  const said = firstLines(stderr, 3);
  const hint = hintFor(stderr, result);
  const message =
    `git ${opts.args.join(" ")} ${how} in ${opts.cwd}` +
    (said === "" ? "" : `: ${said}`) +
    (hint === "" ? "" : `. ${hint}`);
  return { reason: "git-failed", args: opts.args, cwd: opts.cwd, exitCode: result.exitCode, stderr, message };
}

/** Unwraps a git result for queries whose failure is a bug (see GitCommandError). */
export function orThrow<T>(r: Result<T, GitError>): T {
  if (!r.ok) throw new GitCommandError(r.error);
  return r.value;
}

/** Refuses a ref name that is not a full ref: `update-ref main` would write `.git/main`. */
export function assertFullRef(ref: string): void {
  if (ref !== "HEAD" && !ref.startsWith("refs/")) throw new Error(`"${ref}" is not a full ref name (refs/…)`);
}

// What to check, for the failures seen in practice.
function hintFor(stderr: string, result: ExecResult): string {
  if (result.spawnError?.reason === "not-found") return "Check that git is installed and on PATH";
  if (result.spawnError !== undefined) return "Check that the folder exists";
  if (result.timedOut) return "Check for a hook or a credential prompt waiting for input";
  if (/\.lock'?: File exists|Unable to create '.*\.lock'/.test(stderr)) {
    return "Another git process is working there, or a killed one left the lock file named above: remove it if no git is running";
  }
  if (/cannot lock ref/.test(stderr)) {
    return "Check for a stale .lock file under refs/ left by a killed git, or a ref that clashes with an existing one (refs/heads/x and refs/heads/x/y cannot both exist)";
  }
  if (/not a git repository/i.test(stderr)) return "Check that the folder is inside a git repository";
  if (/dubious ownership/.test(stderr))
    return "git refuses a repository owned by another user: add it to safe.directory";
  if (/already checked out|is already used by worktree|already locked/.test(stderr)) {
    return "A branch can be checked out in one worktree only: check `git worktree list`";
  }
  if (/Please tell me who you are|unable to auto-detect email/.test(stderr)) {
    return "Set user.name and user.email (git config) for the repository";
  }
  return "";
}

function firstLines(text: string, n: number): string {
  return text
    .trim()
    .split("\n")
    .slice(0, n)
    .map((l) => l.trim())
    .join(" / ");
}

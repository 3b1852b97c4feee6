// Lanes are git worktrees: made from a commit (never from a name that could move or be read as an
// option), listed from porcelain output, removed when their work is safe.
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { err, ok, type Result } from "../../util/result.js";
import { git, orThrow, type GitError } from "./git.js";
import { branchExists, revParse } from "./refs.js";

/** Why a worktree was not added. */
export type WorktreeAddFailure =
  | { readonly reason: "path-exists"; readonly message: string }
  | { readonly reason: "branch-exists"; readonly message: string }
  | { readonly reason: "bad-start-point"; readonly message: string }
  | GitError;

/** A worktree that was added. */
export interface AddedWorktree {
  /** Its folder, absolute. */
  readonly path: string;
  /** The commit checked out there. */
  readonly head: string;
}

/** One entry of `git worktree list`. */
export interface WorktreeInfo {
  /** The folder, absolute, as git records it. */
  readonly path: string;
  /** The commit checked out; undefined for a bare repository or an unborn branch. */
  readonly head: string | undefined;
  /** The full ref checked out (`refs/heads/main`); undefined when detached or bare. */
  readonly branch: string | undefined;
  readonly detached: boolean;
  readonly bare: boolean;
  readonly locked: boolean;
  readonly lockReason: string | undefined;
  /** git would prune it (its folder is gone). */
  readonly prunable: boolean;
  readonly prunableReason: string | undefined;
}

/** Adds a worktree at `path` on a new branch `branch` starting at `startPoint` (a lane). */
export async function worktreeAdd(opts: {
  cwd: string;
  path: string;
  branch: string;
  startPoint: string;
  /** false: register the worktree without checking files out (`--no-checkout`; populate it later). */
  checkout?: boolean;
}): Promise<Result<AddedWorktree, WorktreeAddFailure>> {
  const path = resolve(opts.cwd, opts.path);
  const blocked = await checkTarget({ cwd: opts.cwd, path, startPoint: opts.startPoint });
  if (!blocked.ok) return blocked;
  if (await branchExists(opts.cwd, opts.branch)) {
    return err({
      reason: "branch-exists",
      message: `branch ${opts.branch} already exists (delete it, or use another name, e.g. the next attempt number)`,
    });
  }
  // git 2.39 hands the start point to `git branch` unprotected ("-x" is read as an option there even
  // after --end-of-options): pass the commit id it resolved to, never the name.
  const head = blocked.value;
  const r = await git({
    cwd: opts.cwd,
    args: [
      "worktree",
      "add",
      "--quiet",
      "--no-track",
      ...(opts.checkout === false ? ["--no-checkout"] : []),
      "-b",
      opts.branch,
      path,
      head,
    ],
  });
  return r.ok ? ok({ path, head }) : err(r.error);
}

/** Adds a worktree at `path` with `commit` checked out on a detached HEAD (a gate folder). */
export async function worktreeAddDetached(opts: {
  cwd: string;
  path: string;
  commit: string;
  /** false: register the worktree without checking files out (`--no-checkout`). */
  checkout?: boolean;
}): Promise<Result<AddedWorktree, WorktreeAddFailure>> {
  const path = resolve(opts.cwd, opts.path);
  const blocked = await checkTarget({ cwd: opts.cwd, path, startPoint: opts.commit });
  if (!blocked.ok) return blocked;
  const head = blocked.value;
  const noCheckout = opts.checkout === false ? ["--no-checkout"] : [];
  const r = await git({
    cwd: opts.cwd,
    args: ["worktree", "add", "--quiet", "--detach", ...noCheckout, path, head],
  });
  return r.ok ? ok({ path, head }) : err(r.error);
}

/**
 * Removes the worktree at `path`. `force` removes it even with changes or untracked files (and when
 * locked). A worktree whose folder is already gone is pruned instead.
 */
export async function worktreeRemove(opts: {
  cwd: string;
  path: string;
  force: boolean;
}): Promise<Result<void, GitError>> {
  const path = resolve(opts.cwd, opts.path);
  if (!existsSync(path)) return worktreePrune(opts.cwd);
  const r = await git({
    cwd: opts.cwd,
    args: ["worktree", "remove", ...(opts.force ? ["--force", "--force"] : []), path],
  });
  return r.ok ? ok(undefined) : err(r.error);
}

/** Forgets worktrees whose folders are gone (after a crash or a manual `rm -rf`). */
export async function worktreePrune(cwd: string): Promise<Result<void, GitError>> {
  const r = await git({ cwd, args: ["worktree", "prune"] });
  return r.ok ? ok(undefined) : err(r.error);
}

/** Every worktree of the repository `cwd` is in, the main one first. */
export async function worktreeList(cwd: string): Promise<WorktreeInfo[]> {
  const out = orThrow(await git({ cwd, args: ["worktree", "list", "--porcelain", "-z"] }));
  return parseWorktreeList(out.stdout);
}

/**
 * Parses `worktree list --porcelain -z`: attributes (`worktree <path>`, `HEAD <sha>`,
 * `branch <ref>`, `detached`, `bare`, `locked [reason]`, `prunable [reason]`) each ended by NUL,
 * an empty one between worktrees.
 */
export function parseWorktreeList(text: string): WorktreeInfo[] {
  const list: WorktreeInfo[] = [];
  let current: Map<string, string> | undefined;
  const flush = () => {
    if (current === undefined) return;
    const path = current.get("worktree");
    if (path !== undefined) {
      list.push({
        path,
        head: current.get("HEAD"),
        branch: current.get("branch"),
        detached: current.has("detached"),
        bare: current.has("bare"),
        locked: current.has("locked"),
        lockReason: nonEmpty(current.get("locked")),
        prunable: current.has("prunable"),
        prunableReason: nonEmpty(current.get("prunable")),
      });
    }
    current = undefined;
  };
  for (const field of text.split("\0")) {
    if (field === "") {
      flush();
      continue;
    }
    const space = field.indexOf(" ");
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? "" : field.slice(space + 1);
    current ??= new Map();
    current.set(key, value);
  }
  flush();
  return list;
}

// The target folder must be free (absent or empty) and the start point a commit; returns its id.
async function checkTarget(opts: {
  cwd: string;
  path: string;
  startPoint: string;
}): Promise<Result<string, WorktreeAddFailure>> {
  if (existsSync(opts.path) && !isEmptyDir(opts.path)) {
    return err({
      reason: "path-exists",
      message: `${opts.path} already exists and is not empty (a lane from an earlier run?)`,
    });
  }
  const head = await revParse(opts.cwd, `${opts.startPoint}^{commit}`);
  if (head === undefined) {
    return err({ reason: "bad-start-point", message: `"${opts.startPoint}" is not a commit in ${opts.cwd}` });
  }
  return ok(head);
}

function isEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === "" ? undefined : s;
}

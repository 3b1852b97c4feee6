// Reading and moving refs. Every move is a compare-and-swap against the value the caller saw, so a
// ref that moved under us is reported ("stale"), never overwritten.
import { err, ok, type Result } from "../../util/result.js";
import {
  assertFullRef,
  git,
  gitError,
  GitCommandError,
  orThrow,
  runGit,
  ZERO_OID,
  type GitError,
} from "./git.js";

/** A ref was not at the value the caller expected; nothing was changed. */
export interface StaleRef {
  readonly reason: "stale";
  readonly ref: string;
  /** What the caller expected (ZERO_OID: that it did not exist). */
  readonly expected: string;
  /** What it is now (undefined: it does not exist). */
  readonly actual: string | undefined;
  readonly message: string;
}

/** Why a ref could not be moved. */
export type RefUpdateFailure = StaleRef | GitError;

/** One ref move of a transaction. */
export interface RefUpdate {
  /** A full ref name (`refs/…` or `HEAD`). */
  readonly ref: string;
  /** The new value: an object id (or any name git resolves to one). */
  readonly newValue: string;
  /**
   * The full object id the ref must be at now, or ZERO_OID for "must not exist". Omitted: no check
   * (only for refs nobody else moves, like flotilla's own keep-alive refs).
   */
  readonly oldValue?: string;
}

/** The object id `rev` names (any rev-parse expression: `HEAD`, `x^{tree}`), or undefined if none exists. */
export async function revParse(cwd: string, rev: string): Promise<string | undefined> {
  // `^{object}` makes git check that the object exists: a full hex id is otherwise echoed back as is.
  const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{object}`];
  const r = await runGit({ cwd, args });
  if (r.exitCode === 0) return r.stdout.trim();
  if (r.exitCode === 1) return undefined;
  throw new GitCommandError(gitError({ cwd, args, result: r }));
}

/** Whether the exact ref exists (a full name: `refs/…`). */
export async function refExists(cwd: string, ref: string): Promise<boolean> {
  assertFullRef(ref);
  const args = ["show-ref", "--verify", "--quiet", ref];
  const r = await runGit({ cwd, args });
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  throw new GitCommandError(gitError({ cwd, args, result: r }));
}

/** Whether the local branch exists (short name: `main`). */
export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  return refExists(cwd, `refs/heads/${branch}`);
}

/** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(opts: {
  cwd: string;
  ancestor: string;
  descendant: string;
}): Promise<boolean> {
  const args = ["merge-base", "--is-ancestor", "--end-of-options", opts.ancestor, opts.descendant];
  const r = await runGit({ cwd: opts.cwd, args });
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  throw new GitCommandError(gitError({ cwd: opts.cwd, args, result: r }));
}

/** The best common ancestor of two commits, or undefined when they share no history. */
export async function mergeBase(opts: { cwd: string; a: string; b: string }): Promise<string | undefined> {
  const args = ["merge-base", "--end-of-options", opts.a, opts.b];
  const r = await runGit({ cwd: opts.cwd, args });
  if (r.exitCode === 0) return r.stdout.trim();
  if (r.exitCode === 1) return undefined;
  throw new GitCommandError(gitError({ cwd: opts.cwd, args, result: r }));
}

/**
 * Moves (or creates) one ref by compare-and-swap: `update-ref REF NEW OLD`. A ref that is not at
 * `oldValue` gives reason "stale" and stays where it is.
 */
export async function updateRef(opts: {
  cwd: string;
  ref: string;
  newValue: string;
  oldValue?: string;
  /** The reflog message. */
  message?: string;
}): Promise<Result<void, RefUpdateFailure>> {
  const update: RefUpdate =
    opts.oldValue === undefined
      ? { ref: opts.ref, newValue: opts.newValue }
      : { ref: opts.ref, newValue: opts.newValue, oldValue: opts.oldValue };
  return updateRefs({
    cwd: opts.cwd,
    updates: [update],
    ...(opts.message === undefined ? {} : { message: opts.message }),
  });
}

/**
 * Moves several refs in one transaction: all of them or none (`update-ref --stdin`). The first ref
 * found not at its expected value is reported as "stale".
 */
export async function updateRefs(opts: {
  cwd: string;
  updates: readonly RefUpdate[];
  message?: string;
}): Promise<Result<void, RefUpdateFailure>> {
  const lines = opts.updates.map((u) => {
    assertFullRef(u.ref);
    return `update ${u.ref}\0${u.newValue}\0${u.oldValue ?? ""}\0`;
  });
  return transaction({ cwd: opts.cwd, lines, checks: opts.updates, message: opts.message });
}

/** Deletes a ref, by compare-and-swap when `oldValue` is given; a ref that does not exist is fine. */
export async function deleteRef(opts: {
  cwd: string;
  ref: string;
  oldValue?: string;
  message?: string;
}): Promise<Result<void, RefUpdateFailure>> {
  assertFullRef(opts.ref);
  return transaction({
    cwd: opts.cwd,
    lines: [`delete ${opts.ref}\0${opts.oldValue ?? ""}\0`],
    checks: [{ ref: opts.ref, ...(opts.oldValue === undefined ? {} : { oldValue: opts.oldValue }) }],
    message: opts.message,
  });
}

/** Result of createBranch when it did not create the branch. */
export type CreateBranchFailure =
  | { readonly reason: "invalid-name"; readonly message: string }
  | { readonly reason: "exists"; readonly message: string }
  | { readonly reason: "bad-start-point"; readonly message: string }
  | GitError;

/** Creates a local branch at `startPoint`, only if it does not exist; returns the commit it points at. */
export async function createBranch(opts: {
  cwd: string;
  name: string;
  startPoint: string;
}): Promise<Result<string, CreateBranchFailure>> {
  const ref = `refs/heads/${opts.name}`;
  const valid =
    !opts.name.startsWith("-") &&
    (await runGit({ cwd: opts.cwd, args: ["check-ref-format", ref] })).exitCode === 0;
  if (!valid) return err({ reason: "invalid-name", message: `"${opts.name}" is not a valid branch name` });
  const start = await revParse(opts.cwd, `${opts.startPoint}^{commit}`);
  if (start === undefined) {
    return err({
      reason: "bad-start-point",
      message: `cannot create branch ${opts.name}: "${opts.startPoint}" is not a commit`,
    });
  }
  const made = await updateRef({
    cwd: opts.cwd,
    ref,
    newValue: start,
    oldValue: ZERO_OID,
    message: `branch: Created from ${opts.startPoint}`,
  });
  if (made.ok) return ok(start);
  if (made.error.reason === "stale")
    return err({ reason: "exists", message: `branch ${opts.name} already exists` });
  return err(made.error);
}

/** A ref and the object it points at. */
export interface RefEntry {
  readonly ref: string;
  readonly sha: string;
}

/**
 * The refs under `prefix` (whole path components: `refs/flotilla/attempts/r1` matches
 * `refs/flotilla/attempts/r1/x/1`, not `refs/flotilla/attempts/r10/…`), sorted by name.
 */
export async function listRefs(opts: { cwd: string; prefix: string }): Promise<RefEntry[]> {
  assertFullRef(opts.prefix);
  const out = orThrow(
    await git({ cwd: opts.cwd, args: ["for-each-ref", "--format=%(objectname) %(refname)", opts.prefix] }),
  );
  return out.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const space = l.indexOf(" ");
      return { sha: l.slice(0, space), ref: l.slice(space + 1) };
    });
}

// Runs one `update-ref -z --stdin` transaction; on failure, tells a moved ref (stale) from a git
// failure by reading the refs again (git's messages are localised; the refs are not).
async function transaction(opts: {
  cwd: string;
  lines: readonly string[];
  checks: readonly { ref: string; oldValue?: string }[];
  message: string | undefined;
}): Promise<Result<void, RefUpdateFailure>> {
  const args = ["update-ref", ...(opts.message === undefined ? [] : ["-m", opts.message]), "-z", "--stdin"];
  const r = await runGit({ cwd: opts.cwd, args, input: opts.lines.join("") });
  if (r.exitCode === 0) return ok(undefined);
  for (const c of opts.checks) {
    if (c.oldValue === undefined) continue;
    const actual = await currentValue(opts.cwd, c.ref);
    const expected = c.oldValue.toLowerCase();
    const stale = expected === ZERO_OID ? actual !== undefined : actual !== expected;
    if (stale) {
      return err({
        reason: "stale",
        ref: c.ref,
        expected,
        actual,
        message:
          expected === ZERO_OID
            ? `${c.ref} already exists (at ${actual ?? "?"}); it was expected not to`
            : `${c.ref} moved: expected ${expected}, found ${actual ?? "no ref"}`,
      });
    }
  }
  return err(gitError({ cwd: opts.cwd, args, result: r }));
}

async function currentValue(cwd: string, ref: string): Promise<string | undefined> {
  const r = await runGit({ cwd, args: ["rev-parse", "--verify", "--quiet", "--end-of-options", ref] });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

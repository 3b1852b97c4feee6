// Many in-memory test merges in one git process (`merge-tree --stdin --write-tree -z --name-only`):
// one process start instead of one per pair, for the early conflict probe and for stacking a batch.
//
// Format (git 2.39, checked here): stdin takes one `<ours> <theirs>` line per merge (exactly one
// space; "malformed input line" otherwise). With -z, each merge prints `<clean> NUL <tree> NUL`, where
// <clean> is 1 (clean) or 0 (conflicted); a conflicted merge then prints its conflicted paths, each
// NUL-ended, an empty field, and its messages (`<N> NUL <N paths, NUL-ended> <type> NUL <message>
// NUL`, as in single-merge mode); every merge ends with one more NUL. The exit code is 0 when every
// merge ran, whatever their conflicts; a merge git cannot do at all (a name that is not a commit:
// exit 1; unrelated histories: exit 128) stops the whole stream there, after the earlier results.
import { err, ok, type Result } from "../../util/result.js";
import { gitError, runGit, type GitError } from "./git.js";
import type { MergeNote } from "./merge-tree.js";

/** One test merge: `theirs` merged into `ours` (commit ids, or any revision without whitespace). */
export interface MergePair {
  readonly ours: string;
  readonly theirs: string;
}

/** The outcome of one pair; `tree` holds conflict markers when the merge is not clean. */
export interface PairMergeResult {
  readonly clean: boolean;
  readonly tree: string;
  /** Empty when clean. */
  readonly conflictedFiles: readonly string[];
  /** git's messages (conflict types and paths); empty when clean. */
  readonly notes: readonly MergeNote[];
}

/** git stopped before the last pair: the results of the pairs before the failing one come with it. */
export interface MergeTreeManyFailure extends GitError {
  /** Results of pairs 0..completed.length-1; pair `completed.length` is the one git could not merge. */
  readonly completed: readonly PairMergeResult[];
}

/** Test-merges every pair in one git process; results in the order of `pairs`. No ref or file moves. */
export async function mergeTreeMany(opts: {
  cwd: string;
  pairs: readonly MergePair[];
  timeoutMs?: number;
}): Promise<Result<PairMergeResult[], MergeTreeManyFailure>> {
  if (opts.pairs.length === 0) return ok([]);
  for (const p of opts.pairs) {
    if (!isPlainRevision(p.ours) || !isPlainRevision(p.theirs)) {
      throw new Error(`mergeTreeMany: "${p.ours}" / "${p.theirs}" is not a revision stdin can carry`);
    }
  }
  const args = ["merge-tree", "--stdin", "--write-tree", "-z", "--name-only"];
  const input = opts.pairs.map((p) => `${p.ours} ${p.theirs}\n`).join("");
  const r = await runGit({
    cwd: opts.cwd,
    args,
    input,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  const parsed = parseMergeTreeStdin(r.stdout);
  if (r.exitCode === 0 && parsed.length === opts.pairs.length) return ok(parsed);
  const failure = gitError({ cwd: opts.cwd, args, result: r });
  const which = opts.pairs[parsed.length];
  const message =
    which === undefined
      ? failure.message
      : `${failure.message} (pair ${parsed.length}: ${which.ours} ${which.theirs})`;
  return err({ ...failure, message, completed: parsed.slice(0, opts.pairs.length) });
}

/**
 * Parses `merge-tree --stdin --write-tree -z --name-only` output into one result per complete
 * record; a record cut short (git stopped while printing) is dropped.
 */
export function parseMergeTreeStdin(text: string): PairMergeResult[] {
  const fields = text.split("\0");
  const results: PairMergeResult[] = [];
  let i = 0;
  for (;;) {
    const status = fields[i];
    const tree = fields[i + 1] ?? "";
    if ((status !== "0" && status !== "1") || !isObjectId(tree)) return results;
    i += 2;
    if (status === "1") {
      if (fields[i] !== "" || i >= fields.length - 1) return results; // no record terminator yet
      results.push({ clean: true, tree, conflictedFiles: [], notes: [] });
      i += 1;
      continue;
    }
    const conflictedFiles: string[] = [];
    for (; i < fields.length && fields[i] !== ""; i++) conflictedFiles.push(fields[i] ?? "");
    i++; // the empty field that ends the file list
    const notes: MergeNote[] = [];
    for (;;) {
      const head = fields[i];
      if (head === undefined) return results;
      if (head === "") break;
      const count = Number(head);
      if (!Number.isSafeInteger(count) || count < 0 || i + count + 2 >= fields.length) return results;
      notes.push({
        paths: fields.slice(i + 1, i + 1 + count),
        type: fields[i + 1 + count] ?? "",
        message: fields[i + 2 + count] ?? "",
      });
      i += count + 3;
    }
    // fields[i] is the record's terminating empty field; a complete record has something after it.
    if (i >= fields.length - 1) return results;
    results.push({ clean: false, tree, conflictedFiles, notes });
    i += 1;
  }
}

function isObjectId(text: string): boolean {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text);
}

// One `<ours> <theirs>` line: no whitespace or NUL inside a name, and none empty.
function isPlainRevision(rev: string): boolean {
  return rev !== "" && !/[\s\0]/.test(rev);
}

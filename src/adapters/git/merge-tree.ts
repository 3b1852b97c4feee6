// Merging two commits entirely in git's object store (`merge-tree --write-tree`): no worktree, no
// index, no lock on the user's checkout. The exit code says clean (0) or conflicted (1).
import { err, ok, type Result } from "../../util/result.js";
import { gitError, runGit, type GitError } from "./git.js";

/** One informational message of a merge, about one or more paths. */
export interface MergeNote {
  readonly paths: readonly string[];
  /** git's stable label, e.g. `CONFLICT (contents)`, `CONFLICT (modify/delete)`, `Auto-merging`. */
  readonly type: string;
  readonly message: string;
}

/** The merge result: a tree either way; with conflicts it holds conflict markers. */
export type MergeTreeResult =
  | { readonly clean: true; readonly tree: string; readonly notes: readonly MergeNote[] }
  | {
      readonly clean: false;
      readonly tree: string;
      readonly conflictedFiles: readonly string[];
      /** git's messages, one per line. */
      readonly messages: string;
      readonly notes: readonly MergeNote[];
    };

/** Merges `theirs` into `ours` in memory; the tree is written, no ref or file is touched. */
export async function mergeTree(opts: {
  cwd: string;
  ours: string;
  theirs: string;
}): Promise<Result<MergeTreeResult, GitError>> {
  const args = [
    "merge-tree",
    "--write-tree",
    "-z",
    "--name-only",
    "--end-of-options",
    opts.ours,
    opts.theirs,
  ];
  const r = await runGit({ cwd: opts.cwd, args });
  // Exit 1 is also what 2.39 returns for an argument that is not a commit: trust it only with a tree.
  const parsed = r.exitCode === 0 || r.exitCode === 1 ? parseMergeTree(r.stdout) : undefined;
  if (parsed === undefined) return err(gitError({ cwd: opts.cwd, args, result: r }));
  if (r.exitCode === 0) return ok({ clean: true, tree: parsed.tree, notes: parsed.notes });
  return ok({
    clean: false,
    tree: parsed.tree,
    conflictedFiles: parsed.conflictedFiles,
    messages: parsed.notes.map((n) => n.message.trimEnd()).join("\n"),
    notes: parsed.notes,
  });
}

/**
 * Parses `merge-tree --write-tree -z --name-only` output: the tree id, NUL; the conflicted paths,
 * each NUL-ended; an empty field; then messages, each `<N> NUL <N paths, NUL-ended> <type> NUL
 * <message> NUL`. A clean merge prints only the tree. Undefined when it does not start with a tree id.
 */
export function parseMergeTree(
  text: string,
): { tree: string; conflictedFiles: string[]; notes: MergeNote[] } | undefined {
  const fields = text.split("\0");
  const tree = fields[0] ?? "";
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(tree)) return undefined;
  let i = 1;
  const conflictedFiles: string[] = [];
  for (; i < fields.length && fields[i] !== ""; i++) conflictedFiles.push(fields[i] ?? "");
  i++; // the empty field that ends the file list
  const notes: MergeNote[] = [];
  while (i < fields.length && fields[i] !== "") {
    const count = Number(fields[i]);
    if (!Number.isSafeInteger(count) || count < 0) break;
    const paths = fields.slice(i + 1, i + 1 + count);
    const type = fields[i + 1 + count] ?? "";
    const message = fields[i + 2 + count] ?? "";
    notes.push({ paths, type, message });
    i += count + 3;
  }
  return { tree, conflictedFiles, notes };
}

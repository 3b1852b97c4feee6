// Reading and writing git objects without a worktree or an index: blobs (cat-file, hash-object),
// trees (ls-tree, mktree, and replacing blobs at paths), the names a diff touches (with renames),
// and a merge-tree run that keeps the stage lines. Used to resolve conflicts in the object store.
import { err, ok, type Result } from "../../util/result.js";
import { git, gitError, runGit, type GitError } from "./git.js";
import { parseMergeTree, type MergeNote } from "./merge-tree.js";

/** The contents of a blob, decoded as UTF-8 (a NUL means binary; U+FFFD means bytes were not UTF-8). */
export async function readBlob(opts: { cwd: string; oid: string }): Promise<Result<string, GitError>> {
  const r = await git({ cwd: opts.cwd, args: ["cat-file", "blob", opts.oid] });
  return r.ok ? ok(r.value.stdout) : err(r.error);
}

/** Writes `content` (as UTF-8, no filters) as a blob and returns its id. */
export async function writeBlob(opts: { cwd: string; content: string }): Promise<Result<string, GitError>> {
  const r = await git({ cwd: opts.cwd, args: ["hash-object", "-w", "--stdin"], input: opts.content });
  return r.ok ? ok(r.value.stdout.trim()) : err(r.error);
}

/** One entry of a tree object, as `ls-tree` lists it. */
export interface TreeEntry {
  /** e.g. `100644`, `100755`, `120000` (symlink), `040000` (tree), `160000` (submodule). */
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly oid: string;
  /** The entry's name inside its tree (one path component). */
  readonly name: string;
}

/** The entries of one tree (not recursive). */
export async function lsTree(opts: { cwd: string; tree: string }): Promise<Result<TreeEntry[], GitError>> {
  const r = await git({
    cwd: opts.cwd,
    args: ["ls-tree", "-z", "--full-tree", "--end-of-options", opts.tree],
  });
  if (!r.ok) return err(r.error);
  return ok(parseLsTree(r.value.stdout));
}

/** Parses `ls-tree -z` output: `<mode> SP <type> SP <oid> TAB <name> NUL` per entry. */
export function parseLsTree(text: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const field of text.split("\0")) {
    const m = /^(\d{6}) (blob|tree|commit) ([0-9a-f]{40,64})\t([\s\S]+)$/.exec(field);
    if (m === null) continue;
    entries.push({ mode: m[1] ?? "", type: m[2] as TreeEntry["type"], oid: m[3] ?? "", name: m[4] ?? "" });
  }
  return entries;
}

/**
 * The blobs at `paths` (from the top folder) in the tree of `rev`, by path; a path that is not there
 * is left out (a folder's files are listed under their own paths). Paths are taken literally (no globs).
 */
export async function blobsAt(opts: {
  cwd: string;
  rev: string;
  paths: readonly string[];
}): Promise<Result<Map<string, string>, GitError>> {
  if (opts.paths.length === 0) return ok(new Map());
  const r = await git({
    cwd: opts.cwd,
    args: [
      "--literal-pathspecs",
      "ls-tree",
      "-r",
      "-z",
      "--full-tree",
      "--end-of-options",
      opts.rev,
      "--",
      ...opts.paths,
    ],
  });
  if (!r.ok) return err(r.error);
  return ok(
    new Map(parseLsTree(r.value.stdout).flatMap((e) => (e.type === "blob" ? [[e.name, e.oid]] : []))),
  );
}

/**
 * Writes a tree object from these entries (`mktree -z --missing`: the entries come from trees that
 * exist, so gitlinks to commits this repository does not have are kept as they are) and returns its id.
 */
export async function mkTree(opts: {
  cwd: string;
  entries: readonly TreeEntry[];
}): Promise<Result<string, GitError>> {
  const input = opts.entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join("");
  const r = await git({ cwd: opts.cwd, args: ["mktree", "-z", "--missing"], input });
  return r.ok ? ok(r.value.stdout.trim()) : err(r.error);
}

/** A path to give new contents: the blob at `path` becomes `oid`; its mode stays. */
export interface BlobReplacement {
  readonly path: string;
  readonly oid: string;
}

/** Why replaceBlobs wrote no tree. */
export type ReplaceBlobsFailure =
  { readonly reason: "no-such-blob"; readonly path: string; readonly message: string } | GitError;

/**
 * A copy of `tree` where each replaced path holds its new blob (same mode): only the trees on the
 * way to a replaced path are rewritten (ls-tree + mktree per folder). Every path must name a blob.
 */
export async function replaceBlobs(opts: {
  cwd: string;
  tree: string;
  replacements: readonly BlobReplacement[];
}): Promise<Result<string, ReplaceBlobsFailure>> {
  return rewriteTree(
    opts.cwd,
    opts.tree,
    opts.replacements.map((r) => ({ rest: r.path.split("/"), path: r.path, oid: r.oid })),
  );
}

interface PendingReplacement {
  readonly rest: readonly string[];
  readonly path: string;
  readonly oid: string;
}

async function rewriteTree(
  cwd: string,
  tree: string,
  replacements: readonly PendingReplacement[],
): Promise<Result<string, ReplaceBlobsFailure>> {
  const listed = await lsTree({ cwd, tree });
  if (!listed.ok) return err(listed.error);
  const entries = listed.value;
  const byName = new Map<string, PendingReplacement[]>();
  for (const r of replacements) {
    const name = r.rest[0] ?? "";
    byName.set(name, [...(byName.get(name) ?? []), r]);
  }
  const out: TreeEntry[] = [];
  for (const entry of entries) {
    const here = byName.get(entry.name);
    byName.delete(entry.name);
    if (here === undefined) {
      out.push(entry);
      continue;
    }
    const leaf = here.find((r) => r.rest.length === 1);
    if (leaf !== undefined) {
      if (entry.type !== "blob" || here.length > 1) return err(noSuchBlob(leaf.path));
      out.push({ ...entry, oid: leaf.oid });
      continue;
    }
    if (entry.type !== "tree") return err(noSuchBlob(here[0]?.path ?? entry.name));
    const sub = await rewriteTree(
      cwd,
      entry.oid,
      here.map((r) => ({ ...r, rest: r.rest.slice(1) })),
    );
    if (!sub.ok) return sub;
    out.push({ ...entry, oid: sub.value });
  }
  const missing = [...byName.values()][0]?.[0];
  if (missing !== undefined) return err(noSuchBlob(missing.path));
  return mkTree({ cwd, entries: out });
}

function noSuchBlob(path: string): ReplaceBlobsFailure {
  return { reason: "no-such-blob", path, message: `${path} is not a file in the tree` };
}

/** One path a diff between two trees touches; renames and copies carry the old path. */
export interface DiffName {
  /** git's status letter: A, C, D, M, R, T, U, X. */
  readonly status: string;
  readonly path: string;
  /** For R and C: the path in `from`. */
  readonly from?: string;
  /** For R and C: git's similarity score (0–100). */
  readonly score?: number;
}

/** The paths that differ between two commits or trees, with rename detection (`diff-tree -r -M`). */
export async function diffNames(opts: {
  cwd: string;
  from: string;
  to: string;
}): Promise<Result<DiffName[], GitError>> {
  const args = [
    "diff-tree",
    "-r",
    "-z",
    "-M",
    "--name-status",
    "--no-ext-diff",
    "--end-of-options",
    opts.from,
    opts.to,
  ];
  const r = await git({ cwd: opts.cwd, args });
  if (!r.ok) return err(r.error);
  return ok(parseDiffNames(r.value.stdout));
}

/** Parses `diff-tree -z --name-status` output: a status field, then one path (two for R and C). */
export function parseDiffNames(text: string): DiffName[] {
  const fields = text.split("\0");
  const out: DiffName[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i] ?? "";
    if (!/^[A-Z]\d*$/.test(status)) {
      i++;
      continue;
    }
    const letter = status.slice(0, 1);
    if (letter === "R" || letter === "C") {
      const from = fields[i + 1] ?? "";
      const path = fields[i + 2] ?? "";
      out.push({ status: letter, path, from, score: Number(status.slice(1) || "0") });
      i += 3;
    } else {
      out.push({ status: letter, path: fields[i + 1] ?? "" });
      i += 2;
    }
  }
  return out;
}

/** One stage line of a conflicted merge: which version of a path each side had. */
export interface StageEntry {
  readonly mode: string;
  readonly oid: string;
  /** 1: the merge base, 2: ours, 3: theirs. */
  readonly stage: 1 | 2 | 3;
  readonly path: string;
}

/** A merge-tree result with the stage lines kept (what `--name-only` drops). */
export type StagedMergeResult =
  | { readonly clean: true; readonly tree: string; readonly notes: readonly MergeNote[] }
  | {
      readonly clean: false;
      readonly tree: string;
      readonly stages: readonly StageEntry[];
      readonly notes: readonly MergeNote[];
    };

/**
 * Merges `theirs` into `ours` in memory like mergeTree, but keeps the stage lines (mode, blob, stage
 * per conflicted path) so the three versions of each conflicted file can be read. Exit 0 is clean,
 * 1 conflicted; anything else (or output without a tree) a GitError.
 */
export async function mergeTreeStages(opts: {
  cwd: string;
  ours: string;
  theirs: string;
}): Promise<Result<StagedMergeResult, GitError>> {
  const args = ["merge-tree", "--write-tree", "-z", "--end-of-options", opts.ours, opts.theirs];
  const r = await runGit({ cwd: opts.cwd, args });
  const parsed = r.exitCode === 0 || r.exitCode === 1 ? parseMergeTree(r.stdout) : undefined;
  if (parsed === undefined) return err(gitError({ cwd: opts.cwd, args, result: r }));
  if (r.exitCode === 0) return ok({ clean: true, tree: parsed.tree, notes: parsed.notes });
  const stages: StageEntry[] = [];
  for (const line of parsed.conflictedFiles) {
    const m = /^(\d{6}) ([0-9a-f]{40,64}) ([123])\t([\s\S]+)$/.exec(line);
    if (m === null) return err(gitError({ cwd: opts.cwd, args, result: r }));
    stages.push({ mode: m[1] ?? "", oid: m[2] ?? "", stage: Number(m[3]) as 1 | 2 | 3, path: m[4] ?? "" });
  }
  return ok({ clean: false, tree: parsed.tree, stages, notes: parsed.notes });
}

// Conflict classes of a merge into the integration branch, decided in git's object store (no
// worktree, no index): clean, trivial (resolved here), medium (for a resolver agent), heavy (the
// item gets a fresh attempt). The work-milestone skill's table, made exact:
//
// - clean: `git merge-tree --write-tree` exits 0 (merge drivers such as `merge=union` included).
// - Per conflicted file, in this order:
//   heavy  when git reports a conflict that is not about contents (modify/delete, rename/rename,
//          rename/delete, file/directory, binary — `-merge` attributes included —, submodule, …);
//          when a side lacks the file (deleted, or moved away); when a version is not a regular file
//          (symlink, submodule); when a side renamed the file (diff-tree -M against the merge base:
//          git then merges contents at the new path and says nothing about the rename); when a
//          version holds a NUL byte (binary).
//   trivial when the line-level three-way merge (merge-text.ts) finds conflict hunks and every one
//          is whitespace-only or both-added; the file gets the merged text.
//   heavy  when a side rewrote the file: it removed or replaced more than `rewriteRatio` of the
//          base file's lines (measured only when the conflict is not trivial: reformatting a whole
//          file on both sides is still a whitespace conflict).
//   medium otherwise: real overlapping edits, both sides created the file (add/add of text), text
//          that is not UTF-8, or a conflict git found that our diff does not (never guessed at).
// - The merge: heavy if any file is heavy or more than `mediumMaxFiles` files are medium (trivial
//   files do not count: they need nobody); else medium if any file is; else trivial.
import * as git from "../../adapters/git/index.js";
import {
  diffNames,
  mergeTreeStages,
  readBlob,
  replaceBlobs,
  writeBlob,
  type BlobReplacement,
  type DiffName,
  type ReplaceBlobsFailure,
  type StageEntry,
} from "../../adapters/git/objects.js";
import { err, ok, type Result } from "../../util/result.js";
import { mergeText, type ConflictHunk, type TrivialKind } from "./merge-text.js";
import type { LineSpan } from "./diff3.js";

/** When a conflict stops being a resolver's job. */
export interface ConflictThresholds {
  /** At most this many files with overlapping edits make a medium conflict (default 2). */
  readonly mediumMaxFiles: number;
  /** A side that removed or replaced more than this share of the base file's lines rewrote it (default 0.5). */
  readonly rewriteRatio: number;
}

/** The defaults of the work-milestone skill: 1–2 files medium, 3+ heavy. */
export const DEFAULT_CONFLICT_THRESHOLDS: ConflictThresholds = { mediumMaxFiles: 2, rewriteRatio: 0.5 };

/** Which side of the merge: ours is the integration branch, theirs the item's lane. */
export type Side = "ours" | "theirs";

/** One trivially resolved conflict hunk of a file. */
export interface Resolution {
  readonly file: string;
  readonly kind: TrivialKind;
  /** Line ranges (0-based, end exclusive) of the hunk in the three versions. */
  readonly base: LineSpan;
  readonly ours: LineSpan;
  readonly theirs: LineSpan;
}

/** Why a file, or the whole merge, is heavy. */
export type HeavyReason =
  | { readonly kind: "too-many-files"; readonly files: readonly string[]; readonly max: number }
  | { readonly kind: "deleted"; readonly file: string; readonly side: Side }
  | { readonly kind: "renamed"; readonly file: string; readonly from: string; readonly side: Side }
  | {
      readonly kind: "rewritten";
      readonly file: string;
      readonly side: Side;
      readonly changedLines: number;
      readonly baseLines: number;
    }
  /** A side differs from the base by more lines than the line diff searches. */
  | { readonly kind: "too-different"; readonly file: string }
  | { readonly kind: "binary"; readonly file: string }
  | { readonly kind: "not-a-file"; readonly file: string; readonly mode: string }
  /** Another conflict type git reported (rename/rename, file/directory, submodule, …), as git words it. */
  | {
      readonly kind: "structural";
      readonly files: readonly string[];
      readonly type: string;
      readonly message: string;
    };

/** Why a file needs a resolver. */
export type MediumWhy = "overlapping-edits" | "both-created" | "not-utf8" | "unexplained";

/** The verdict on one conflicted file. */
export type FileConflict =
  | { readonly file: string; readonly class: "trivial"; readonly resolutions: readonly Resolution[] }
  | {
      readonly file: string;
      readonly class: "medium";
      readonly why: MediumWhy;
      /** The conflict hunks (all of them, trivial ones included). */
      readonly hunks: readonly ConflictHunk[];
    }
  | { readonly file: string; readonly class: "heavy"; readonly reasons: readonly HeavyReason[] };

/** The class of a merge of theirs into ours, with what each class needs next. */
export type MergeClassification =
  | { readonly class: "clean"; readonly tree: string }
  | {
      readonly class: "trivial";
      /** The merged tree with every conflicted file resolved. */
      readonly tree: string;
      readonly files: readonly string[];
      readonly resolutions: readonly Resolution[];
      readonly conflicts: readonly FileConflict[];
    }
  | {
      readonly class: "medium";
      /** merge-tree's tree: conflict markers in `files`; trivially resolvable files already resolved. */
      readonly tree: string;
      /** The files a resolver must fix. */
      readonly files: readonly string[];
      readonly resolutions: readonly Resolution[];
      readonly conflicts: readonly FileConflict[];
    }
  | {
      readonly class: "heavy";
      /** Every conflicted file. */
      readonly files: readonly string[];
      readonly reasons: readonly HeavyReason[];
      readonly conflicts: readonly FileConflict[];
    };

/** Why classifyMerge gave no answer (git failed, or the commits share no history). */
export type ClassifyFailure =
  git.GitError | ReplaceBlobsFailure | { readonly reason: "no-merge-base"; readonly message: string };

/**
 * Classifies the merge of `theirs` (an item's lane head) into `ours` (the integration head) and
 * resolves trivial conflicts in the object store. `base` is the merge base used to detect renames
 * (default: `git merge-base ours theirs`); git 2.39's merge-tree picks its own (no --merge-base).
 */
export async function classifyMerge(opts: {
  cwd: string;
  base?: string;
  ours: string;
  theirs: string;
  thresholds?: Partial<ConflictThresholds>;
}): Promise<Result<MergeClassification, ClassifyFailure>> {
  const thresholds = { ...DEFAULT_CONFLICT_THRESHOLDS, ...opts.thresholds };
  const { cwd } = opts;
  const merged = await mergeTreeStages({ cwd, ours: opts.ours, theirs: opts.theirs });
  if (!merged.ok) return err(merged.error);
  if (merged.value.clean) return ok({ class: "clean", tree: merged.value.tree });
  const { stages, notes, tree } = merged.value;

  const byFile = new Map<string, Partial<Record<1 | 2 | 3, StageEntry>>>();
  for (const s of stages) byFile.set(s.path, { ...byFile.get(s.path), [s.stage]: s });
  const files = [...byFile.keys()];

  // Reasons from git's own messages.
  const noted = new Map<string, HeavyReason[]>();
  const note = (file: string, reason: HeavyReason): void => {
    noted.set(file, [...(noted.get(file) ?? []), reason]);
  };
  for (const n of notes) {
    if (!n.type.startsWith("CONFLICT") || n.type === "CONFLICT (contents)") continue;
    const mine = n.paths.filter((p) => byFile.has(p));
    if (n.type === "CONFLICT (binary)") {
      for (const f of mine) note(f, { kind: "binary", file: f });
    } else if (n.type !== "CONFLICT (modify/delete)") {
      // modify/delete is found from the stages below, with the side.
      const reason: HeavyReason = {
        kind: "structural",
        files: n.paths,
        type: n.type,
        message: n.message.trimEnd(),
      };
      // A message naming no conflicted path still makes the merge heavy: keep it on the first file.
      for (const f of mine.length > 0 ? mine : files.slice(0, 1)) note(f, reason);
    }
  }

  let renames: Renames | undefined;
  const renamesOf = async (): Promise<Result<Renames, ClassifyFailure>> => {
    if (renames !== undefined) return ok(renames);
    const base = opts.base ?? (await git.mergeBase({ cwd, a: opts.ours, b: opts.theirs }));
    if (base === undefined) {
      return err({ reason: "no-merge-base", message: `${opts.ours} and ${opts.theirs} share no history` });
    }
    const o = await diffNames({ cwd, from: base, to: opts.ours });
    if (!o.ok) return err(o.error);
    const t = await diffNames({ cwd, from: base, to: opts.theirs });
    if (!t.ok) return err(t.error);
    renames = {
      ours: o.value.filter((d) => d.status === "R"),
      theirs: t.value.filter((d) => d.status === "R"),
    };
    return ok(renames);
  };

  const conflicts: FileConflict[] = [];
  const resolvedText = new Map<string, string>();
  for (const file of files) {
    const st = byFile.get(file) ?? {};
    const reasons: HeavyReason[] = [...(noted.get(file) ?? [])];
    const ours = st[2];
    const theirs = st[3];
    const base = st[1];
    // A side without the file deleted it — unless git already said why (a rename/rename source).
    if (reasons.length === 0) {
      if (ours === undefined) reasons.push({ kind: "deleted", file, side: "ours" });
      if (theirs === undefined) reasons.push({ kind: "deleted", file, side: "theirs" });
    }
    for (const s of [base, ours, theirs]) {
      if (s !== undefined && s.mode !== "100644" && s.mode !== "100755")
        reasons.push({ kind: "not-a-file", file, mode: s.mode });
    }
    if (reasons.length > 0 || ours === undefined || theirs === undefined) {
      conflicts.push({ file, class: "heavy", reasons: dedupe(reasons) });
      continue;
    }
    const r = await renamesOf();
    if (!r.ok) return err(r.error);
    for (const side of ["ours", "theirs"] as const) {
      const moved = r.value[side].find((d) => d.path === file || d.from === file);
      if (moved !== undefined)
        reasons.push({ kind: "renamed", file: moved.path, from: moved.from ?? file, side });
    }
    const texts: string[] = [];
    for (const s of [base, ours, theirs]) {
      const blob = s === undefined ? ok("") : await readBlob({ cwd, oid: s.oid });
      if (!blob.ok) return err(blob.error);
      texts.push(blob.value);
    }
    const [baseText = "", oursText = "", theirsText = ""] = texts;
    if (texts.some((t) => t.includes("\0"))) reasons.push({ kind: "binary", file });
    if (reasons.length > 0) {
      conflicts.push({ file, class: "heavy", reasons: dedupe(reasons) });
      continue;
    }
    const m = mergeText({ base: baseText, ours: oursText, theirs: theirsText });
    if (m === undefined) {
      conflicts.push({ file, class: "heavy", reasons: [{ kind: "too-different", file }] });
      continue;
    }
    const utf8 = !texts.some((t) => t.includes("\uFFFD"));
    if (base === undefined) {
      conflicts.push({ file, class: "medium", why: "both-created", hunks: m.hunks });
      continue;
    }
    if (m.text !== undefined && m.hunks.length > 0 && utf8) {
      resolvedText.set(file, m.text);
      conflicts.push({
        file,
        class: "trivial",
        resolutions: m.hunks.flatMap((h) =>
          h.kind === "overlap" ? [] : [{ file, kind: h.kind, base: h.base, ours: h.ours, theirs: h.theirs }],
        ),
      });
      continue;
    }
    for (const side of ["ours", "theirs"] as const) {
      const changed = m.changedBaseLines[side];
      if (m.baseLines > 0 && changed / m.baseLines > thresholds.rewriteRatio) {
        reasons.push({ kind: "rewritten", file, side, changedLines: changed, baseLines: m.baseLines });
      }
    }
    if (reasons.length > 0) {
      conflicts.push({ file, class: "heavy", reasons });
      continue;
    }
    const why: MediumWhy = !utf8 ? "not-utf8" : m.hunks.length === 0 ? "unexplained" : "overlapping-edits";
    conflicts.push({ file, class: "medium", why, hunks: m.hunks });
  }

  const resolutions = conflicts.flatMap((c) => (c.class === "trivial" ? c.resolutions : []));
  // A message of git's about several files is a reason of each of them, and once of the merge.
  const heavy = dedupe(conflicts.flatMap((c) => (c.class === "heavy" ? c.reasons : [])));
  const medium = conflicts.filter((c) => c.class === "medium").map((c) => c.file);
  if (medium.length > thresholds.mediumMaxFiles) {
    heavy.push({ kind: "too-many-files", files: medium, max: thresholds.mediumMaxFiles });
  }
  if (heavy.length > 0) return ok({ class: "heavy", files, reasons: heavy, conflicts });

  const replacements: BlobReplacement[] = [];
  for (const [path, content] of resolvedText) {
    const blob = await writeBlob({ cwd, content });
    if (!blob.ok) return err(blob.error);
    replacements.push({ path, oid: blob.value });
  }
  const resolvedTree = replacements.length === 0 ? ok(tree) : await replaceBlobs({ cwd, tree, replacements });
  if (!resolvedTree.ok) return err(resolvedTree.error);
  if (medium.length > 0) {
    return ok({ class: "medium", tree: resolvedTree.value, files: medium, resolutions, conflicts });
  }
  return ok({
    class: "trivial",
    tree: resolvedTree.value,
    files: [...resolvedText.keys()],
    resolutions,
    conflicts,
  });
}

// The renames each side made since the merge base.
interface Renames {
  readonly ours: readonly DiffName[];
  readonly theirs: readonly DiffName[];
}

function dedupe(reasons: readonly HeavyReason[]): HeavyReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Conflicts in words, for a person or an agent: per file, its class and why, with line numbers
// (1-based) of the merge base and of the integration branch. Used in fix-forward feedback and by
// the resolver's prompt. "The integration branch" is ours; "this item" is theirs.
import { unreachable } from "../../util/result.js";
import type { LineSpan } from "./diff3.js";
import type { FileConflict, HeavyReason, MergeClassification, Side } from "./classify.js";

/** One line per conflicted file (or one line for a clean merge). */
export function describeMerge(m: MergeClassification): string {
  switch (m.class) {
    case "clean":
      return "merges cleanly into the integration branch";
    case "trivial":
    case "medium":
      return m.conflicts.map(describeFileConflict).join("\n");
    case "heavy": {
      const lines = m.conflicts.map(describeFileConflict);
      for (const r of m.reasons) if (r.kind === "too-many-files") lines.push(describeHeavyReason(r));
      return lines.join("\n");
    }
    default:
      return unreachable(m, "merge class");
  }
}

/** The class of one conflicted file and why, e.g. "src/x.ts conflicted with the integration branch: …". */
export function describeFileConflict(c: FileConflict): string {
  const head = `${c.file} conflicted with the integration branch`;
  switch (c.class) {
    case "trivial":
      return `${head} (trivial, resolved): ${c.resolutions
        .map((r) =>
          r.kind === "whitespace"
            ? `only whitespace differs at ${lines(r.base)}; kept the integration branch's`
            : `both sides added lines ${after(r.base)}; kept the integration branch's, then this item's`,
        )
        .join("; ")}`;
    case "medium": {
      const overlaps = c.hunks.filter((h) => h.kind === "overlap");
      switch (c.why) {
        case "overlapping-edits":
          return `${head} (medium): ${overlaps
            .map((h) => `both sides changed ${lines(h.base)} (${lines(h.ours)} on the integration branch)`)
            .join("; ")}`;
        case "both-created":
          return `${head} (medium): both sides created the file with different contents`;
        case "not-utf8":
          return `${head} (medium): the file is not UTF-8 text; resolve it by hand`;
        case "unexplained":
          return `${head} (medium): git reports a content conflict; compare both versions`;
        default:
          return unreachable(c.why, "medium reason");
      }
    }
    case "heavy":
      return `${head} (heavy): ${c.reasons.map(describeHeavyReason).join("; ")}`;
    default:
      return unreachable(c, "file conflict");
  }
}

/** Why a file or merge is heavy, in a clause. */
export function describeHeavyReason(r: HeavyReason): string {
  switch (r.kind) {
    case "too-many-files":
      return `${r.files.length} files have overlapping edits (${r.files.join(", ")}); at most ${r.max} are resolved by an agent`;
    case "deleted":
      return `deleted ${by(r.side)} while ${subject(other(r.side))} changed it`;
    case "renamed":
      return `renamed from ${r.from} ${by(r.side)} while ${subject(other(r.side))} changed it`;
    case "rewritten":
      return `rewritten ${by(r.side)}: ${r.changedLines} of its ${r.baseLines} lines changed`;
    case "too-different":
      return "the versions differ too much to compare line by line";
    case "binary":
      return "a binary file (or marked -merge / merge=binary) changed on both sides";
    case "not-a-file":
      return `a ${r.mode === "120000" ? "symbolic link" : r.mode === "160000" ? "submodule" : `mode ${r.mode} entry`} changed on both sides`;
    case "structural":
      return `git: ${r.message}`;
    default:
      return unreachable(r, "heavy reason");
  }
}

function by(side: Side): string {
  return side === "ours" ? "on the integration branch" : "by this item";
}

function subject(side: Side): string {
  return side === "ours" ? "the integration branch" : "this item";
}

function other(side: Side): Side {
  return side === "ours" ? "theirs" : "ours";
}

// "line 10" or "lines 10–14" (a 0-based, end-exclusive span); an empty span is a place between lines.
function lines(span: LineSpan): string {
  if (span.end <= span.start) return after(span);
  return span.end - span.start === 1 ? `line ${span.start + 1}` : `lines ${span.start + 1}–${span.end}`;
}

function after(span: LineSpan): string {
  if (span.end > span.start) return `at ${lines(span)}`;
  return span.start === 0 ? "at the start of the file" : `after line ${span.start}`;
}

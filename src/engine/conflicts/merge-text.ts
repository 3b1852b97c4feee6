// The three-way merge of one text file, and the definitions of a trivial conflict:
//
// - A change chunk that only one side changed, or that both changed identically, merges as usual.
// - Otherwise it is a conflict. As git does (its "zealous" level), lines that ours and theirs both
//   start or end the chunk with are agreed and kept once; what is left of each side is the hunk.
// - whitespace: the hunk's ours and theirs lines are equal once every whitespace character
//   (spaces, tabs, line breaks, \r) is removed. Resolved by keeping OURS — the integration branch's
//   formatting wins: that text already passed the post-merge gates (a format check among them) and
//   later items were built on it, and the item's side carried no non-whitespace change there, so
//   nothing it meant is lost.
// - both-added: the hunk's base side is empty — both sides inserted lines at the same place and
//   neither changed an existing line. Resolved by keeping both: ours' lines, then theirs' (the
//   integration branch merged first, so its lines stay first; the order is stable across reruns).
//   Checked after whitespace, so the same insertion written twice is not duplicated.
// - Anything else is an overlapping edit: not trivial.
import { unreachable } from "../../util/result.js";
import { diff3Chunks, matchLines, splitLines, type LineSpan } from "./diff3.js";

/** How a trivial conflict hunk was resolved (see the file comment for the exact definitions). */
export type TrivialKind = "whitespace" | "both-added";

/** One conflict hunk: the line ranges (0-based, end exclusive) of the three versions it covers. */
export interface ConflictHunk {
  /** `overlap` when the hunk is not trivially resolvable. */
  readonly kind: TrivialKind | "overlap";
  readonly base: LineSpan;
  readonly ours: LineSpan;
  readonly theirs: LineSpan;
}

/** What the three-way merge of one file found. */
export interface TextMerge {
  /** The conflict hunks, in file order. */
  readonly hunks: readonly ConflictHunk[];
  /** The merged text when every hunk is trivial (or there are none); undefined otherwise. */
  readonly text: string | undefined;
  /** Base lines each side removed or replaced (what "rewritten" is measured on). */
  readonly changedBaseLines: { readonly ours: number; readonly theirs: number };
  readonly baseLines: number;
}

/**
 * Merges three versions of a text line by line. Undefined when a side differs from the base by
 * more lines than the diff will search (matchLines' limit): treat such a file as rewritten.
 */
export function mergeText(opts: { base: string; ours: string; theirs: string }): TextMerge | undefined {
  const base = splitLines(opts.base);
  const ours = splitLines(opts.ours);
  const theirs = splitLines(opts.theirs);
  const mo = matchLines(base, ours);
  const mt = matchLines(base, theirs);
  if (mo === undefined || mt === undefined) return undefined;
  const chunks = diff3Chunks({
    baseLength: base.length,
    oursLength: ours.length,
    theirsLength: theirs.length,
    ours: mo,
    theirs: mt,
  });
  const out: string[] = [];
  const hunks: ConflictHunk[] = [];
  let resolvable = true;
  for (const c of chunks) {
    const b = base.slice(c.base.start, c.base.end);
    const o = ours.slice(c.ours.start, c.ours.end);
    const t = theirs.slice(c.theirs.start, c.theirs.end);
    if (c.kind === "stable" || sameLines(o, t) || sameLines(t, b)) {
      out.push(...o);
      continue;
    }
    if (sameLines(o, b)) {
      out.push(...t);
      continue;
    }
    // A real conflict: keep what both sides start and end with once.
    let pre = 0;
    while (pre < o.length && pre < t.length && o[pre] === t[pre]) pre++;
    let suf = 0;
    while (suf < o.length - pre && suf < t.length - pre && o[o.length - 1 - suf] === t[t.length - 1 - suf])
      suf++;
    const oMid = o.slice(pre, o.length - suf);
    const tMid = t.slice(pre, t.length - suf);
    const kind: ConflictHunk["kind"] =
      withoutWhitespace(oMid) === withoutWhitespace(tMid)
        ? "whitespace"
        : b.length === 0
          ? "both-added"
          : "overlap";
    hunks.push({
      kind,
      base: c.base,
      ours: { start: c.ours.start + pre, end: c.ours.end - suf },
      theirs: { start: c.theirs.start + pre, end: c.theirs.end - suf },
    });
    out.push(...o.slice(0, pre));
    switch (kind) {
      case "whitespace":
        out.push(...oMid);
        break;
      case "both-added":
        out.push(...endLine(oMid, ours), ...tMid);
        break;
      case "overlap":
        resolvable = false;
        break;
      default:
        unreachable(kind, "conflict hunk kind");
    }
    out.push(...o.slice(o.length - suf));
  }
  return {
    hunks,
    text: resolvable ? out.join("") : undefined,
    changedBaseLines: { ours: unmatched(mo), theirs: unmatched(mt) },
    baseLines: base.length,
  };
}

// Ours' inserted lines with a line ending on the last one (it lacks one only at the end of the
// file, and theirs' lines follow it): the file's own ending, \r\n when its lines use that.
function endLine(lines: readonly string[], file: readonly string[]): string[] {
  const last = lines[lines.length - 1];
  if (last === undefined || last.endsWith("\n")) return [...lines];
  const eol = file.some((l) => l.endsWith("\r\n")) ? "\r\n" : "\n";
  return [...lines.slice(0, -1), last + eol];
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

function withoutWhitespace(lines: readonly string[]): string {
  return lines.join("").replace(/\s+/gu, "");
}

function unmatched(match: Int32Array): number {
  let n = 0;
  for (const j of match) if (j < 0) n++;
  return n;
}

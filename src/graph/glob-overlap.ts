// Whether two `touches` globs can match a common path: the basis of conflict groups.
//
// Semantics: picomatch's, with `{ dot: true }`, over paths of non-empty segments whose names hold
// none of the glob characters  * ? [ ] { } ( ) | \ "  (picomatch also matches a glob's own text,
// and `[ab]` the text `[ab]`; no real file is named so). With picomatch's default options
// (`dot: false`) fewer paths match, so an answer of "no overlap" stays right.
//
// EXACT (the answer is "some path matches both", no more, no less) when, after brace expansion,
// every alternative of both globs is built only from:
//   - literal characters (anything but  * ? [ ] { } ( ) | \ "  and a leading !),
//   - `*` and `?` inside a segment (never matching `/`; runs of `*` act as one `*`),
//   - `**` as a whole segment (zero or more segments),
//   - classes `[abc]`, `[a-z]`, `[^a-z]` (no `/`, no `\`, no `[:posix:]`, not starting with `]`,
//     a negated class not starting with `-`),
//   - comma braces `{a,b}`, nested, without `**` inside, at most 256 alternatives per glob,
//   - a leading `./` (ignored).
// This covers literal paths and directory prefixes (`src/auth/**`) in particular.
//
// CONSERVATIVE (may say "overlap" when no path matches both, never the reverse) for the rest:
//   - `[!a]` is read as `?`: picomatch without `posix` reads it as the class of `!` and `a`, bash
//     and minimatch as "not a"; `?` covers both;
//   - a trailing `/**` after a segment ending in `*` (`src/*/**`) may match zero segments here,
//     while picomatch wants one or more;
//   - and, replaced by their leading literal segments followed by `**` (`src/@(a|b)/x` acts as
//     `src/**`): a leading `!` (negation), extglobs and groups `@(..)` `!(..)` `+(..)` `*(..)`
//     `?(..)` `(a|b)`, ranges `{1..3}`, braces without a comma or holding `**`, backslash escapes, quotes, POSIX
//     classes, classes holding `/` or starting with `]`, empty segments (`a//b`, `/a`, `a/`), more
//     than 256 brace alternatives. A glob starting with `!` or holding a `|` outside parentheses
//     acts as `**`.
// `isExactGlob` tells which globs are decided exactly.
//
// The decision: per alternative pair, a product of the two segment sequences in which `**` spans
// any number of segments, and per segment pair, a product of two small automata over characters.

const MAX_ALTERNATIVES = 256;
const SLASH = 0x2f;

// A set of characters a token can match; `/` is never in it. Negated: everything but the ranges.
interface CharSet {
  readonly negated: boolean;
  readonly ranges: readonly (readonly [number, number])[];
}

type Token = { readonly kind: "char"; readonly set: CharSet } | { readonly kind: "star" };

type Segment =
  | { readonly kind: "globstar" }
  | { readonly kind: "segment"; readonly tokens: readonly Token[]; readonly literal?: string };

/** One brace alternative of a glob, compiled: its segments and the literal segments it starts with. */
export interface GlobAlternative {
  readonly segments: readonly Segment[];
  /** The leading segments that are plain text: every matching path starts with them. */
  readonly literalPrefix: readonly string[];
}

/** A glob compiled once for many overlap checks (conflict groups compare thousands of pairs). */
export interface CompiledGlob {
  readonly source: string;
  readonly alternatives: readonly GlobAlternative[];
  /** False when some part is over-approximated (see the header): overlaps found may be false alarms. */
  readonly exact: boolean;
}

/** Two globs overlap when some path can match both (exact or conservative as the header says). */
export function globsOverlap(a: string, b: string): boolean {
  return compiledGlobsOverlap(compileGlob(a), compileGlob(b));
}

/** Whether overlap answers about this glob are exact, so `flotilla check` can flag approximate groups. */
export function isExactGlob(glob: string): boolean {
  return compileGlob(glob).exact;
}

/** Compiles a glob for repeated overlap checks. */
export function compileGlob(source: string): CompiledGlob {
  const expanded = expandBraces(source);
  if (expanded === undefined) return { source, alternatives: [approximate(source)], exact: false };
  const alternatives: GlobAlternative[] = [];
  let exact = true;
  for (const text of expanded) {
    if (text === "") continue; // matches no path
    const compiled = compileAlternative(text);
    if (compiled === undefined) {
      exact = false;
      alternatives.push(approximate(text));
    } else {
      exact &&= compiled.exact;
      alternatives.push(compiled.alt);
    }
  }
  return { source, alternatives, exact };
}

/** The overlap test on compiled globs: true when some alternative of each can match a common path. */
export function compiledGlobsOverlap(a: CompiledGlob, b: CompiledGlob): boolean {
  return a.alternatives.some((x) => b.alternatives.some((y) => alternativesOverlap(x, y)));
}

/** The overlap test on single alternatives, for callers that index alternatives by their literal prefix. */
export function alternativesOverlap(a: GlobAlternative, b: GlobAlternative): boolean {
  const A = a.segments;
  const B = b.segments;
  return productReaches(A.length, B.length, (i, j, visit) => {
    const sa = A[i];
    const sb = B[j];
    // A `**` matches zero segments, or swallows the segment (or `**`) the other side is at.
    if (sa?.kind === "globstar") {
      visit(i + 1, j);
      if (sb !== undefined) visit(i, j + 1);
    }
    if (sb?.kind === "globstar") {
      visit(i, j + 1);
      if (sa !== undefined) visit(i + 1, j);
    }
    if (sa?.kind === "segment" && sb?.kind === "segment" && segmentsOverlap(sa.tokens, sb.tokens)) {
      visit(i + 1, j + 1);
    }
  });
}

// Two segment patterns share a string: the product of two automata whose states are token positions.
function segmentsOverlap(a: readonly Token[], b: readonly Token[]): boolean {
  return productReaches(a.length, b.length, (i, j, visit) => {
    const ta = a[i];
    const tb = b[j];
    // A `*` stops here, or takes the character the other side's token matches (never empty).
    if (ta?.kind === "star") {
      visit(i + 1, j);
      if (tb !== undefined) visit(i, j + 1);
    }
    if (tb?.kind === "star") {
      visit(i, j + 1);
      if (ta !== undefined) visit(i + 1, j);
    }
    if (ta?.kind === "char" && tb?.kind === "char" && setsMeet(ta.set, tb.set)) visit(i + 1, j + 1);
  });
}

// Whether the product of two position automata reaches (lenA, lenB) from (0, 0): `step` visits the
// successors of a state pair. Each pair is visited once, so the search is O(lenA × lenB).
function productReaches(
  lenA: number,
  lenB: number,
  step: (i: number, j: number, visit: (i: number, j: number) => void) => void,
): boolean {
  const width = lenB + 1;
  const seen = new Uint8Array((lenA + 1) * width);
  const todo: number[] = [0];
  seen[0] = 1;
  const visit = (i: number, j: number): void => {
    const k = i * width + j;
    if (seen[k] === 0) {
      seen[k] = 1;
      todo.push(k);
    }
  };
  while (todo.length > 0) {
    const k = todo.pop()!;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === lenA && j === lenB) return true;
    step(i, j, visit);
  }
  return false;
}

// Whether two character sets share a character other than `/`.
function setsMeet(a: CharSet, b: CharSet): boolean {
  if (a.negated && b.negated) return true; // both miss finitely many characters
  if (!a.negated && !b.negated) {
    return a.ranges.some(([lo, hi]) => b.ranges.some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi));
  }
  const [pos, neg] = a.negated ? [b, a] : [a, b];
  const excluded = [...neg.ranges, [SLASH, SLASH] as const].sort((x, y) => x[0] - y[0]);
  return pos.ranges.some(([lo, hi]) => {
    let next = lo; // the lowest character of [lo, hi] not yet known to be excluded
    for (const [elo, ehi] of excluded) {
      if (elo > next) break;
      if (ehi >= next) next = ehi + 1;
    }
    return next <= hi;
  });
}

// `{a,b}` expansion (nested, comma lists only). Undefined: a brace this module does not decide.
function expandBraces(glob: string): string[] | undefined {
  const out: string[] = [];
  const todo = [glob];
  while (todo.length > 0) {
    const text = todo.pop()!;
    const brace = firstBrace(text);
    if (brace === "none") {
      out.push(text);
      if (out.length > MAX_ALTERNATIVES) return undefined;
      continue;
    }
    if (brace === "unsupported") return undefined;
    const head = text.slice(0, brace.open);
    const tail = text.slice(brace.close + 1);
    for (let k = brace.parts.length - 1; k >= 0; k--) todo.push(head + brace.parts[k]! + tail);
    if (todo.length + out.length > MAX_ALTERNATIVES) return undefined;
  }
  return out;
}

type BraceScan = "none" | "unsupported" | { open: number; close: number; parts: string[] };

function firstBrace(text: string): BraceScan {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") return "unsupported";
    if (c === "[") {
      const end = text.indexOf("]", i + 2);
      if (end !== -1) {
        i = end + 1;
        continue;
      }
    }
    if (c === "}") return "unsupported";
    if (c === "{") break;
    i++;
  }
  if (i >= text.length) return "none";
  const open = i;
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let k = open + 1; k < text.length; k++) {
    const c = text[k]!;
    if (c === "\\") return "unsupported";
    if (c === "[") {
      const end = text.indexOf("]", k + 2);
      if (end !== -1) {
        k = end;
        continue;
      }
    }
    if (c === "{") depth++;
    else if (c === "}") {
      if (depth > 0) {
        depth--;
        continue;
      }
      parts.push(text.slice(start, k));
      // picomatch reads braces as a regex alternation, where `**` spans `/` even inside a segment.
      if (parts.length < 2 || parts.some((x) => x.includes("**"))) return "unsupported";
      return { open, close: k, parts };
    } else if (c === "," && depth === 0) {
      parts.push(text.slice(start, k));
      start = k + 1;
    }
  }
  return "unsupported";
}

// One brace-free alternative into segments of tokens; undefined when it uses what we do not decide.
function compileAlternative(input: string): { alt: GlobAlternative; exact: boolean } | undefined {
  let exact = true;
  let text = input;
  while (text.startsWith("./")) text = text.slice(2);
  if (text.startsWith("!")) return undefined;
  const segments: Segment[] = [];
  let tokens: Token[] = [];
  let literal = "";
  let plain = true; // the segment so far is plain text
  let raw = "";
  const endSegment = (): boolean => {
    if (raw === "") return false;
    if (raw === "**") segments.push({ kind: "globstar" });
    else if (plain) segments.push({ kind: "segment", tokens, literal });
    else segments.push({ kind: "segment", tokens });
    tokens = [];
    literal = "";
    plain = true;
    raw = "";
    return true;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "/") {
      if (!endSegment()) return undefined;
      i++;
      continue;
    }
    if ('(){}|\\"'.includes(c) || c === "]") return undefined;
    if (c === "*") {
      plain = false;
      raw += c;
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
      i++;
      continue;
    }
    if (c === "?") {
      plain = false;
      raw += c;
      tokens.push({ kind: "char", set: { negated: true, ranges: [] } });
      i++;
      continue;
    }
    if (c === "[") {
      const cls = parseClass(text, i);
      if (cls === undefined) return undefined;
      exact &&= cls.exact;
      plain = false;
      raw += text.slice(i, cls.end);
      tokens.push({ kind: "char", set: cls.set });
      i = cls.end;
      continue;
    }
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    tokens.push({ kind: "char", set: { negated: false, ranges: [[code, code]] } });
    literal += text.slice(i, i + width);
    raw += text.slice(i, i + width);
    i += width;
  }
  if (!endSegment()) return undefined;
  const literalPrefix: string[] = [];
  for (const s of segments) {
    if (s.kind !== "segment" || s.literal === undefined) break;
    literalPrefix.push(s.literal);
  }
  // picomatch makes a trailing `/**` after a segment ending in `*` match one segment or more; we
  // let it match none too (`src/*/**` vs `src/a`: overlap), which over-approximates.
  let last = segments.length - 1;
  while (last >= 0 && segments[last]!.kind === "globstar") last--;
  const tail = segments[last];
  if (last < segments.length - 1 && tail?.kind === "segment" && tail.tokens.at(-1)?.kind === "star")
    exact = false;
  return { alt: { segments, literalPrefix }, exact };
}

// A bracket class starting at `text[start] === "["`; undefined for the forms we do not decide.
function parseClass(text: string, start: number): { set: CharSet; end: number; exact: boolean } | undefined {
  let i = start + 1;
  let negated = false;
  const bang = text[i] === "!";
  if (bang || text[i] === "^") {
    negated = true;
    i++;
  }
  const close = text.indexOf("]", i);
  if (close === -1 || close === i) return undefined; // unterminated, `[]...]` or `[!]...]`
  const body = codePoints(text.slice(i, close));
  const DASH = 0x2d;
  if (body.some((c) => c === SLASH || c === 0x5c || c === 0x5b)) return undefined; // `/`, `\`, `[`
  if (negated && body[0] === DASH) return undefined;
  const ranges: [number, number][] = [];
  for (let k = 0; k < body.length; k++) {
    const lo = body[k]!;
    if (body[k + 1] === DASH && k + 2 < body.length) {
      const hi = body[k + 2]!;
      if (hi < lo || (lo <= SLASH && SLASH <= hi)) return undefined;
      ranges.push([lo, hi]);
      k += 2;
    } else {
      ranges.push([lo, lo]);
    }
  }
  // `[!...]`: negation or a class holding `!`, depending on the matcher; `?` covers both.
  if (bang) return { set: { negated: true, ranges: [] }, end: close + 1, exact: false };
  return { set: { negated, ranges }, end: close + 1, exact: true };
}

// The over-approximation of an alternative we do not decide: its leading plain segments, then `**`.
function approximate(text: string): GlobAlternative {
  let rest = text;
  while (rest.startsWith("./")) rest = rest.slice(2);
  const literalPrefix: string[] = [];
  // A `|` may split the whole regex picomatch builds (`src/a|b` matches `b`): no prefix is certain.
  if (!rest.startsWith("!") && !hasTopLevelBar(rest)) {
    const parts = rest.split("/");
    // The last part may be the whole remainder of a path; only parts followed by `/` are certain.
    for (const part of parts.slice(0, -1)) {
      if (part === "" || /[*?[\]{}()!|\\+@"]/.test(part)) break;
      literalPrefix.push(part);
    }
  }
  const segments: Segment[] = literalPrefix.map((p) => ({
    kind: "segment",
    tokens: codePoints(p).map(
      (code) => ({ kind: "char", set: { negated: false, ranges: [[code, code]] } }) as const,
    ),
    literal: p,
  }));
  segments.push({ kind: "globstar" });
  return { segments, literalPrefix };
}

// The code points of a string: globs match characters, not UTF-16 units.
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length;) {
    const c = s.codePointAt(i)!;
    out.push(c);
    i += c > 0xffff ? 2 : 1;
  }
  return out;
}

// Whether a `|` stands outside every `(...)` group, or the parentheses do not balance.
function hasTopLevelBar(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth < 0 || (c === "|" && depth === 0)) return true;
  }
  return depth !== 0;
}

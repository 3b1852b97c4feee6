// "Did you mean" suggestions for typos in keys, ids and profile names. Only used once an error is known, and
// bounded (a distance limit with early exit, candidates folded once), so a large plan with errors stays fast.

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Levenshtein distance between a and b, or max + 1 as soon as it is certain to exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Finds the closest of a fixed set of names; build one per set and ask it many times. */
export class Suggester {
  private folded: readonly (readonly [string, string])[] | undefined;

  constructor(private readonly candidates: Iterable<string>) {}

  /** The candidate closest to word (ignoring case and "-" vs "_"), if close enough to be a likely typo. */
  suggest(word: string): string | undefined {
    this.folded ??= [...this.candidates].map((c) => [c, fold(c)] as const);
    const w = fold(word);
    const max = w.length <= 2 ? 0 : w.length <= 3 ? 1 : Math.max(2, Math.floor(w.length / 3));
    let best: string | undefined;
    let bestDistance = max + 1;
    for (const [c, f] of this.folded) {
      if (c === word) continue;
      const d = editDistance(w, f, Math.min(max, bestDistance - 1));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
        if (d === 0) break;
      }
    }
    return best;
  }
}

/** The candidate closest to word, for a one-off question (see Suggester for many). */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  return new Suggester(candidates).suggest(word);
}

function fold(s: string): string {
  return s.toLowerCase().replaceAll("-", "_");
}

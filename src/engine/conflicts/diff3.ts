// A small line-level three-way merge (diff3) of our own: Myers' diff matches the base's lines to each
// side, and the merge walks both matchings to split the file into stable runs and change chunks.
// It gives what `git merge-file` does not: each conflict's base, ours and theirs line ranges.

/** The lines of a text, each with its line ending (a last line without one stays without). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * For each line of `a`, the index of the line of `b` it is matched to (or -1): a longest common
 * subsequence by Myers' O(ND) diff after trimming the common prefix and suffix. Undefined when more
 * than `maxEdits` lines would have to be added or removed (the middle is then too different to
 * matter, and the memory of the search grows with the square of the edits).
 */
export function matchLines(
  a: readonly string[],
  b: readonly string[],
  maxEdits = 4000,
): Int32Array | undefined {
  const match = new Int32Array(a.length).fill(-1);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    match[start] = start;
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    match[endA] = endB;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return match;
  // Lines as numbers, so the snakes compare integers.
  const ids = new Map<string, number>();
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    return id;
  };
  const A = Int32Array.from({ length: n }, (_, i) => intern(a[start + i] ?? ""));
  const B = Int32Array.from({ length: m }, (_, j) => intern(b[start + j] ?? ""));
  const limit = Math.min(n + m, maxEdits);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  const at = (arr: Int32Array, k: number): number => arr[k + off] ?? 0;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && at(v, k - 1) < at(v, k + 1)) ? at(v, k + 1) : at(v, k - 1) + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[k + off] = x;
      if (x >= n && y >= m) {
        backtrack(trace, d, n, m, (i, j) => {
          match[start + i] = start + j;
        });
        return match;
      }
    }
    // Keep the frontier of this round for the way back: v[-d-1 .. d+1] (what round d+1 reads).
    trace.push(v.slice(off - d - 1, off + d + 2));
  }
  return undefined;
}

// Walks the saved frontiers from (n, m) back to (0, 0), reporting each matched (diagonal) pair.
// trace[d] holds v[-d-1 .. d+1] after round d, for every round before the last.
function backtrack(
  trace: readonly Int32Array[],
  dEnd: number,
  n: number,
  m: number,
  onMatch: (i: number, j: number) => void,
): void {
  const frontier = (d: number, k: number): number => trace[d]?.[k + d + 1] ?? 0;
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const k = x - y;
    const down = k === -d || (k !== d && frontier(d - 1, k - 1) < frontier(d - 1, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = frontier(d - 1, prevK);
    const prevY = prevX - prevK;
    const snakeX = down ? prevX : prevX + 1;
    while (x > snakeX) {
      x--;
      y--;
      onMatch(x, y);
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    onMatch(x, y);
  }
}

/** A half-open range of line indexes (0-based) in one version of a file. */
export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

/** A piece of the three-way merge: lines all three agree on, or a place where a side changed. */
export interface Diff3Chunk {
  readonly kind: "stable" | "change";
  readonly base: LineSpan;
  readonly ours: LineSpan;
  readonly theirs: LineSpan;
}

/**
 * Splits a three-way merge into chunks (the classic diff3 walk): a stable chunk is a run of base
 * lines matched on both sides at the current positions; a change chunk runs up to the next base
 * line that both sides still have. Changes that touch or are adjacent land in one chunk, as in git.
 * `ours` and `theirs` map each base line to its line on that side (or -1), as matchLines returns.
 */
export function diff3Chunks(opts: {
  baseLength: number;
  oursLength: number;
  theirsLength: number;
  ours: Int32Array;
  theirs: Int32Array;
}): Diff3Chunk[] {
  const { baseLength, oursLength, theirsLength, ours: mo, theirs: mt } = opts;
  const chunks: Diff3Chunk[] = [];
  let b = 0;
  let o = 0;
  let t = 0;
  for (;;) {
    const b0 = b;
    while (b < baseLength && mo[b] === o && mt[b] === t) {
      b++;
      o++;
      t++;
    }
    if (b > b0) {
      const len = b - b0;
      chunks.push({
        kind: "stable",
        base: { start: b0, end: b },
        ours: { start: o - len, end: o },
        theirs: { start: t - len, end: t },
      });
    }
    if (b === baseLength && o === oursLength && t === theirsLength) return chunks;
    let next = b;
    while (next < baseLength && ((mo[next] ?? -1) < 0 || (mt[next] ?? -1) < 0)) next++;
    const oEnd = next < baseLength ? (mo[next] ?? oursLength) : oursLength;
    const tEnd = next < baseLength ? (mt[next] ?? theirsLength) : theirsLength;
    chunks.push({
      kind: "change",
      base: { start: b, end: next },
      ours: { start: o, end: oEnd },
      theirs: { start: t, end: tEnd },
    });
    b = next;
    o = oEnd;
    t = tEnd;
  }
}

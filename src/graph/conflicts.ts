// Conflict groups: items whose `touches` can match a common path, merged transitively, with the
// overlapping pairs that explain each group. Also the pairwise predicate the scheduler uses.

import type { Item } from "../plan/types.js";
import {
  alternativesOverlap,
  compileGlob,
  compiledGlobsOverlap,
  type CompiledGlob,
  type GlobAlternative,
} from "./glob-overlap.js";

/** What conflict detection needs of an item; tests pass small objects of this shape. */
export type TouchingItem = Pick<Item, "id" | "touches">;

/** Two items whose touches overlap, and the first pair of their globs that does (in `touches` order). */
export interface OverlapPair {
  readonly a: string;
  readonly b: string;
  readonly globA: string;
  readonly globB: string;
}

/** Items that must not run at once (policy `avoid`) or share a wave, and why. */
export interface ConflictGroup {
  /** In input order; at least two. */
  readonly ids: readonly string[];
  /** Every overlapping pair inside the group, ordered by the input positions of `a` then `b`. */
  readonly pairs: readonly OverlapPair[];
}

/** Who overlaps whom, by id: built once so each scheduling decision is a set lookup. */
export type OverlapIndex = ReadonlyMap<string, ReadonlySet<string>>;

/** Whether two items may touch a common path; items without touches overlap nothing. */
export function overlaps(a: TouchingItem, b: TouchingItem): boolean {
  return firstOverlap(a, b) !== undefined;
}

/** The first pair of globs (in `touches` order) through which two items overlap, for messages. */
export function firstOverlap(a: TouchingItem, b: TouchingItem): OverlapPair | undefined {
  for (const ga of a.touches) {
    const ca = compileGlob(ga);
    for (const gb of b.touches) {
      if (compiledGlobsOverlap(ca, compileGlob(gb))) return { a: a.id, b: b.id, globA: ga, globB: gb };
    }
  }
  return undefined;
}

interface Entry {
  readonly item: number;
  readonly touch: number;
  readonly alt: GlobAlternative;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly entries: Entry[];
  readonly parent: TrieNode | undefined;
}

/**
 * Every pair of items whose touches overlap, `a` before `b` in the input, ordered by those positions.
 * Fast for large plans: globs are filed in a trie under their leading literal segments, and a glob is
 * only compared with globs filed at its own node or above it (a path matching both starts with both
 * prefixes, so one prefix extends the other). Globs starting with a wildcard sit at the root.
 */
export function conflictPairs(items: readonly TouchingItem[]): OverlapPair[] {
  const cache = new Map<string, CompiledGlob>();
  const compile = (g: string): CompiledGlob => {
    let c = cache.get(g);
    if (c === undefined) {
      c = compileGlob(g);
      cache.set(g, c);
    }
    return c;
  };
  const root: TrieNode = { children: new Map(), entries: [], parent: undefined };
  const filed: { node: TrieNode; entry: Entry }[] = [];
  items.forEach((item, i) => {
    item.touches.forEach((glob, t) => {
      for (const alt of compile(glob).alternatives) {
        let node = root;
        for (const seg of alt.literalPrefix) {
          let child = node.children.get(seg);
          if (child === undefined) {
            child = { children: new Map(), entries: [], parent: node };
            node.children.set(seg, child);
          }
          node = child;
        }
        const entry = { item: i, touch: t, alt };
        node.entries.push(entry);
        filed.push({ node, entry });
      }
    });
  });

  // Per item pair (key a*n+b, a<b): the lowest (touchA, touchB) found so far.
  const n = items.length;
  const best = new Map<number, { ta: number; tb: number }>();
  const consider = (x: Entry, y: Entry): void => {
    if (x.item === y.item) return;
    const [p, q] = x.item < y.item ? [x, y] : [y, x];
    const key = p.item * n + q.item;
    const known = best.get(key);
    if (known !== undefined && (known.ta < p.touch || (known.ta === p.touch && known.tb <= q.touch))) return;
    if (alternativesOverlap(p.alt, q.alt)) best.set(key, { ta: p.touch, tb: q.touch });
  };
  for (const { node, entry } of filed) {
    // Same node: each unordered pair once (entries after this one); strict ancestors: all.
    const own = node.entries;
    for (let k = own.indexOf(entry) + 1; k < own.length; k++) consider(entry, own[k]!);
    for (let up = node.parent; up !== undefined; up = up.parent)
      for (const other of up.entries) consider(entry, other);
  }

  const keys = [...best.keys()].sort((x, y) => x - y);
  return keys.map((key) => {
    const a = Math.floor(key / n);
    const b = key % n;
    const { ta, tb } = best.get(key)!;
    const itemA = items[a]!;
    const itemB = items[b]!;
    return { a: itemA.id, b: itemB.id, globA: itemA.touches[ta]!, globB: itemB.touches[tb]! };
  });
}

/** The overlap index of a list of pairs, for the scheduler's per-decision lookups. */
export function overlapIndex(pairs: readonly OverlapPair[]): OverlapIndex {
  const index = new Map<string, Set<string>>();
  const link = (x: string, y: string): void => {
    let s = index.get(x);
    if (s === undefined) {
      s = new Set();
      index.set(x, s);
    }
    s.add(y);
  };
  for (const p of pairs) {
    link(p.a, p.b);
    link(p.b, p.a);
  }
  return index;
}

/**
 * Groups of items whose touches overlap, merged transitively (a overlaps b, b overlaps c: one group).
 * Groups are ordered by their first member's input position; items that overlap nothing are in none.
 */
export function conflictGroups(items: readonly TouchingItem[]): ConflictGroup[] {
  const pairs = conflictPairs(items);
  const position = new Map<string, number>();
  items.forEach((item, i) => {
    if (!position.has(item.id)) position.set(item.id, i);
  });
  const parent = items.map((_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r]! !== r) r = parent[r]!;
    while (parent[x]! !== r) {
      const next = parent[x]!;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  for (const p of pairs) {
    const ra = find(position.get(p.a)!);
    const rb = find(position.get(p.b)!);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const byRoot = new Map<number, { ids: string[]; pairs: OverlapPair[] }>();
  items.forEach((item, i) => {
    const r = find(i);
    let g = byRoot.get(r);
    if (g === undefined) {
      g = { ids: [], pairs: [] };
      byRoot.set(r, g);
    }
    g.ids.push(item.id);
  });
  for (const p of pairs) byRoot.get(find(position.get(p.a)!))!.pairs.push(p);
  return [...byRoot.entries()]
    .filter(([, g]) => g.ids.length > 1)
    .sort(([x], [y]) => x - y)
    .map(([, g]) => g);
}

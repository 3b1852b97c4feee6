// Waves: the plan cut into rounds for `schedule: waves` and for `flotilla check`. Each wave starts
// when the previous one is over, so it holds only items whose dependencies are in earlier waves,
// and never two members of one conflict group.

import { estimateWeight, remainingByIndex, type Graph, type Weight } from "./graph.js";

/** Options of computeWaves. */
export interface WaveOptions {
  /** At most this many items per wave (e.g. max_parallel); no limit when absent. */
  readonly maxWidth?: number;
  /** The priority weight; the plan's estimates when absent. */
  readonly weight?: Weight;
}

/** The dispatch order shared by waves and the scheduler: longest remaining path, then lower priority, then id. */
export function dispatchComparator(
  graph: Graph,
  remaining: readonly number[],
): (a: number, b: number) => number {
  return (a, b) => {
    const byRest = remaining[b]! - remaining[a]!;
    if (byRest !== 0) return byRest;
    const byPriority = graph.items[a]!.priority - graph.items[b]!.priority;
    if (byPriority !== 0) return byPriority;
    const ia = graph.ids[a]!;
    const ib = graph.ids[b]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

/**
 * Greedy waves: each wave takes the items whose dependencies are all in earlier waves, in dispatch
 * order (longest remaining path first), skipping an item when a member of its conflict group is
 * already in the wave, up to `maxWidth`. Every wave takes at least one item, so all are placed.
 * Deterministic: the result depends on the items, not on their input order.
 */
export function computeWaves(
  graph: Graph,
  groups: readonly { readonly ids: readonly string[] }[],
  options: WaveOptions = {},
): string[][] {
  const n = graph.items.length;
  const remaining = remainingByIndex(graph, options.weight ?? estimateWeight);
  const compare = dispatchComparator(graph, remaining);
  const maxWidth = Math.max(1, options.maxWidth ?? Number.POSITIVE_INFINITY);
  const groupOf = new Int32Array(n).fill(-1);
  groups.forEach((g, k) => {
    for (const id of g.ids) {
      const i = graph.indexOf.get(id);
      if (i !== undefined) groupOf[i] = k;
    }
  });
  const missing = graph.dependencies.map((d) => d.length);
  let free: number[] = [];
  for (let i = 0; i < n; i++) if (missing[i] === 0) free.push(i);
  const waves: string[][] = [];
  while (free.length > 0) {
    free.sort(compare);
    const wave: number[] = [];
    const usedGroups = new Set<number>();
    const left: number[] = [];
    for (const i of free) {
      const g = groupOf[i]!;
      if (wave.length >= maxWidth || (g !== -1 && usedGroups.has(g))) {
        left.push(i);
        continue;
      }
      wave.push(i);
      if (g !== -1) usedGroups.add(g);
    }
    for (const i of wave) {
      for (const d of graph.dependents[i]!) {
        missing[d] = missing[d]! - 1;
        if (missing[d] === 0) left.push(d);
      }
    }
    free = left;
    waves.push(wave.map((i) => graph.ids[i]!));
  }
  return waves;
}

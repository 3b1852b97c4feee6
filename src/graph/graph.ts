// The dependency graph of a plan: adjacency by index, topological order, ready set, longest
// remaining path, critical path and transitive dependents. Pure: no I/O, nothing mutated.

import type { Item } from "../plan/types.js";
import { err, ok, unreachable, type Result } from "../util/result.js";
import { findCycles } from "./cycles.js";

/** What the graph needs of an item; tests pass small objects of this shape. */
export type GraphItem = Pick<Item, "id" | "dependsOn" | "touches" | "priority" | "estimateSeconds">;

/** Why a list of items does not form a DAG (the loader reports these with locations first). */
export type GraphError =
  | { readonly reason: "duplicate-id"; readonly id: string }
  | { readonly reason: "unknown-dependency"; readonly id: string; readonly dependency: string }
  | { readonly reason: "cycle"; readonly cycle: readonly string[] };

/** An immutable DAG of items; edges run from a dependency to its dependents. Indices are input positions. */
export interface Graph {
  readonly items: readonly GraphItem[];
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** By index: the indices an item depends on, deduplicated, in its `dependsOn` order. */
  readonly dependencies: readonly (readonly number[])[];
  /** By index: the indices that depend on an item, ascending. */
  readonly dependents: readonly (readonly number[])[];
  /** Indices in topological order; among items free at the same time, input order first. */
  readonly order: readonly number[];
}

/** The cost of an item on a path; the scheduler passes learned durations, `check` the estimates. */
export type Weight = (item: GraphItem) => number;

/** The plan's own weight: the estimate in seconds, 1 unit where there is none. */
export const estimateWeight: Weight = (item) => item.estimateSeconds ?? 1;

/**
 * Builds the graph of items the plan loader has validated (unique ids, known dependencies, no
 * cycle); anything else here is a bug and throws. Use tryBuildGraph for unvalidated items.
 */
export function buildGraph(items: readonly GraphItem[]): Graph {
  const built = tryBuildGraph(items);
  if (!built.ok)
    throw new Error(`bug: buildGraph on items that are not a DAG: ${describeGraphError(built.error)}`);
  return built.value;
}

/** Why items are not a DAG, in words, for messages. */
export function describeGraphError(e: GraphError): string {
  switch (e.reason) {
    case "duplicate-id":
      return `duplicate id ${e.id}`;
    case "unknown-dependency":
      return `${e.id} depends on unknown ${e.dependency}`;
    case "cycle":
      return `dependency cycle ${[...e.cycle, e.cycle[0]].join(" -> ")}`;
    default:
      return unreachable(e, "graph error");
  }
}

/** Builds the graph, or says why the items are not a DAG (first problem found, in input order). */
export function tryBuildGraph(items: readonly GraphItem[]): Result<Graph, GraphError> {
  const indexOf = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const id = items[i]!.id;
    if (indexOf.has(id)) return err({ reason: "duplicate-id", id });
    indexOf.set(id, i);
  }
  const dependencies: number[][] = [];
  const dependents: number[][] = items.map(() => []);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const deps: number[] = [];
    const seen = new Set<number>();
    for (const dep of item.dependsOn) {
      const d = indexOf.get(dep);
      if (d === undefined) return err({ reason: "unknown-dependency", id: item.id, dependency: dep });
      if (d === i) return err({ reason: "cycle", cycle: [item.id] });
      if (seen.has(d)) continue;
      seen.add(d);
      deps.push(d);
      dependents[d]!.push(i);
    }
    dependencies.push(deps);
  }
  for (const list of dependents) list.sort((a, b) => a - b);
  const order = kahn(items.length, dependencies, dependents);
  if (order.length < items.length) {
    const cycle = findCycles(items)[0];
    if (cycle === undefined) throw new Error("bug: topological sort stalled without a cycle");
    return err({ reason: "cycle", cycle });
  }
  return ok(
    Object.freeze({
      items: Object.freeze([...items]),
      ids: Object.freeze(items.map((i) => i.id)),
      indexOf,
      dependencies: Object.freeze(dependencies.map((d) => Object.freeze(d))),
      dependents: Object.freeze(dependents.map((d) => Object.freeze(d))),
      order: Object.freeze(order),
    }),
  );
}

/** Ids in dependency order, stable: among items free at the same time, the one first in the input. */
export function topologicalOrder(graph: Graph): string[] {
  return graph.order.map((i) => graph.ids[i]!);
}

/** What readySet needs to know of a run: finished (merged) items and items already started. */
export interface Progress {
  readonly done: ReadonlySet<string>;
  readonly started: ReadonlySet<string>;
}

/** Items that may start now: not started, not done, every dependency done. Input order. */
export function readySet(graph: Graph, progress: Progress): string[] {
  const ready: string[] = [];
  graph.ids.forEach((id, i) => {
    if (progress.done.has(id) || progress.started.has(id)) return;
    if (graph.dependencies[i]!.every((d) => progress.done.has(graph.ids[d]!))) ready.push(id);
  });
  return ready;
}

/** By index: the heaviest path from an item to any sink, the item itself included. */
export function remainingByIndex(graph: Graph, weight: Weight): number[] {
  const rest = new Array<number>(graph.items.length).fill(0);
  for (let k = graph.order.length - 1; k >= 0; k--) {
    const i = graph.order[k]!;
    let best = 0;
    for (const d of graph.dependents[i]!) best = Math.max(best, rest[d]!);
    rest[i] = weight(graph.items[i]!) + best;
  }
  return rest;
}

/** The scheduler's priority: per item, the heaviest path from it to any sink, itself included. */
export function longestRemainingPath(graph: Graph, weight: Weight): ReadonlyMap<string, number> {
  const rest = remainingByIndex(graph, weight);
  return new Map(graph.ids.map((id, i) => [id, rest[i]!]));
}

/** The heaviest dependency chain: what bounds the run's duration, shown by `flotilla check`. */
export interface CriticalPath {
  readonly ids: readonly string[];
  readonly length: number;
}

/**
 * The heaviest path through the graph (weights summed along it). Ties go to the item first in
 * the input, at the start and at every step.
 */
export function criticalPath(graph: Graph, weight: Weight): CriticalPath {
  const rest = remainingByIndex(graph, weight);
  let current = -1;
  rest.forEach((r, i) => {
    if (current === -1 || r > rest[current]!) current = i;
  });
  if (current === -1) return { ids: [], length: 0 };
  const length = rest[current]!;
  const ids: string[] = [];
  while (current !== -1) {
    ids.push(graph.ids[current]!);
    let next = -1;
    for (const d of graph.dependents[current]!) if (next === -1 || rest[d]! > rest[next]!) next = d;
    current = next;
  }
  return { ids, length };
}

/** Every item that depends on `id` directly or not (not `id` itself), in input order: what a failure blocks. */
export function transitiveDependents(graph: Graph, id: string): string[] {
  const start = graph.indexOf.get(id);
  if (start === undefined) return [];
  const reached = new Uint8Array(graph.items.length);
  const todo = [start];
  while (todo.length > 0) {
    const i = todo.pop()!;
    for (const d of graph.dependents[i]!) {
      if (reached[d] === 1) continue;
      reached[d] = 1;
      todo.push(d);
    }
  }
  return graph.ids.filter((_, i) => reached[i] === 1);
}

// Kahn's algorithm with a min-heap of free indices, so ties go to input order.
function kahn(n: number, dependencies: readonly number[][], dependents: readonly number[][]): number[] {
  const missing = dependencies.map((d) => d.length);
  const heap = new MinHeap();
  for (let i = 0; i < n; i++) if (missing[i] === 0) heap.push(i);
  const order: number[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(i);
    for (const d of dependents[i]!) {
      missing[d] = missing[d]! - 1;
      if (missing[d] === 0) heap.push(d);
    }
  }
  return order;
}

class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

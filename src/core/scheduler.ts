// Dispatch decisions: which ready items start now. Pure and deterministic (same input, same
// decision), so the engine stays a thin loop and every scheduling rule is tested without processes.

import type { ConflictPolicy, ScheduleMode } from "../plan/types.js";
import { conflictGroups, overlaps, type OverlapIndex } from "../graph/conflicts.js";
import { estimateWeight, remainingByIndex, type Graph, type Weight } from "../graph/graph.js";
import { computeWaves, dispatchComparator } from "../graph/waves.js";
import { unreachable } from "../util/result.js";

/** An item as the scheduler sees it; `done` means merged or landed, `running` anything in between. */
export type SchedulerItemState = "pending" | "running" | "done" | "failed" | "blocked";

/** Everything a decision depends on. */
export interface DecideInput {
  readonly graph: Graph;
  /** By id; an id that is absent counts as `pending`. */
  readonly states: ReadonlyMap<string, SchedulerItemState>;
  readonly maxParallel: number;
  readonly mode: ScheduleMode;
  readonly conflicts: ConflictPolicy;
  /** The waves, for `waves` mode; computed from the graph and its conflict groups when absent. */
  readonly waves?: readonly (readonly string[])[];
  /** Items not to start now: a running lane is predicted to conflict with them. */
  readonly predictedConflicts?: ReadonlySet<string>;
  /** Learned or measured seconds per item, overriding estimates in the priority. */
  readonly durations?: ReadonlyMap<string, number>;
  /** The weight of an item without a learned duration (default: its estimate, or 1). */
  readonly weight?: Weight;
  /** Start nothing (budget reached, shutting down). */
  readonly stopDispatch?: boolean;
  /** Who overlaps whom (from `overlapIndex(conflictPairs(items))`); compared on demand when absent. */
  readonly overlapIndex?: OverlapIndex;
}

/** What to start now, in dispatch order. */
export interface Decision {
  readonly start: string[];
}

/**
 * Picks the items to start: ready items (pending, every dependency done, not predicted to
 * conflict) by longest remaining path, then lower `priority`, then id, while slots are free. With
 * `conflicts: avoid`, an item whose touches overlap a running item's, or one picked earlier in this
 * decision, waits. In `waves` mode only the first wave with unfinished items may start, and only
 * once every earlier wave is terminal (done, failed or blocked).
 */
export function decide(input: DecideInput): Decision {
  const { graph } = input;
  const state = input.states;
  const stateOf = (i: number): SchedulerItemState => state.get(graph.ids[i]!) ?? "pending";
  const running: number[] = [];
  for (let i = 0; i < graph.ids.length; i++) if (stateOf(i) === "running") running.push(i);
  const slots = Math.floor(input.maxParallel) - running.length;
  if (input.stopDispatch === true || slots <= 0) return { start: [] };

  let eligible: (i: number) => boolean = () => true;
  if (input.mode === "waves") {
    const waves =
      input.waves ?? computeWaves(graph, conflictGroups(graph.items), { maxWidth: input.maxParallel });
    const current = waves.find((w) => w.some((id) => !isTerminal(state.get(id) ?? "pending")));
    if (current === undefined) return { start: [] };
    const inWave = new Set(current);
    eligible = (i) => inWave.has(graph.ids[i]!);
  }

  const ready: number[] = [];
  for (let i = 0; i < graph.ids.length; i++) {
    if (stateOf(i) !== "pending" || !eligible(i)) continue;
    if (input.predictedConflicts?.has(graph.ids[i]!) === true) continue;
    if (graph.dependencies[i]!.every((d) => stateOf(d) === "done")) ready.push(i);
  }
  const durations = input.durations;
  const base: Weight = input.weight ?? estimateWeight;
  const weight: Weight = durations === undefined ? base : (item) => durations.get(item.id) ?? base(item);
  ready.sort(dispatchComparator(graph, remainingByIndex(graph, weight)));

  const clash = (a: number, b: number): boolean => {
    if (input.overlapIndex !== undefined) {
      return input.overlapIndex.get(graph.ids[a]!)?.has(graph.ids[b]!) === true;
    }
    return overlaps(graph.items[a]!, graph.items[b]!);
  };
  const busy = [...running];
  const start: string[] = [];
  for (const i of ready) {
    if (start.length >= slots) break;
    if (input.conflicts === "avoid" && busy.some((b) => clash(i, b))) continue;
    busy.push(i);
    start.push(graph.ids[i]!);
  }
  return { start };
}

/**
 * Items that must become `blocked`: pending items with a failed or blocked dependency, directly or
 * through other pending items. Input order.
 */
export function blockedBy(graph: Graph, states: ReadonlyMap<string, SchedulerItemState>): string[] {
  const stateOf = (i: number): SchedulerItemState => states.get(graph.ids[i]!) ?? "pending";
  const blocked = new Uint8Array(graph.ids.length);
  for (const i of graph.order) {
    if (stateOf(i) !== "pending") continue;
    const dead = graph.dependencies[i]!.some((d) => {
      const s = stateOf(d);
      return s === "failed" || s === "blocked" || blocked[d] === 1;
    });
    if (dead) blocked[i] = 1;
  }
  return graph.ids.filter((_, i) => blocked[i] === 1);
}

/** Whether an item's state is final for the run (waves wait for these). */
export function isTerminal(s: SchedulerItemState): boolean {
  switch (s) {
    case "done":
    case "failed":
    case "blocked":
      return true;
    case "pending":
    case "running":
      return false;
    default:
      return unreachable(s, "item state");
  }
}

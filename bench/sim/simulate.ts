// A virtual-time run of a plan: agents take their true durations, attempts fail and run again,
// merges conflict with what landed since the lane started (fix-forward), and a single merge queue
// gates each batch. Every dispatch decision is made by the real scheduler (src/core/scheduler.ts),
// called the way the engine calls it; the simulation only moves the clock.
import { dispatchWeight } from "../../src/core/dispatch-weight.js";
import { itemWeight } from "../../src/core/plan-summary.js";
import { decide as realDecide, type SchedulerItemState } from "../../src/core/scheduler.js";
import {
  buildGraph,
  computeWaves,
  conflictGroups,
  conflictPairs,
  overlapIndex,
  overlaps,
  type Graph,
  type Weight,
} from "../../src/graph/index.js";
import { pairDraw, type Realism, type SimPlan } from "./model.js";

/** How one orchestrator runs a plan. */
export interface Policy {
  readonly name: string;
  /** flotilla: longest remaining path first; plan: first ready item in plan order first. */
  readonly order: "critical-path" | "plan";
  readonly mode: "continuous" | "waves";
  readonly conflicts: "avoid" | "allow";
  /** At most this many agents at once, whatever the plan's max_parallel (the plan-order source caps at 5). */
  readonly cap?: number;
  /** Merges per gate run; undefined: the realism's `batch` (flotilla's configured `merge.batch`). */
  readonly batch?: number;
  /** Merge only once every agent of the wave has returned (the work-milestone source). */
  readonly mergeAfterWave: boolean;
}

/** flotilla as it runs: continuous, longest remaining path first, overlapping items apart, batches. */
export const FLOTILLA: Policy = {
  name: "flotilla",
  order: "critical-path",
  mode: "continuous",
  conflicts: "avoid",
  mergeAfterWave: false,
};

/**
 * The work-milestone source: waves (dependencies in earlier waves, no two members of a conflict
 * group, at most max_parallel wide), a wave starts when the previous one has merged; failed items are
 * re-spawned inside the wave; merges one at a time, in return order, after all of the wave returned.
 */
export const WAVES: Policy = {
  name: "waves",
  order: "critical-path",
  mode: "waves",
  conflicts: "allow",
  batch: 1,
  mergeAfterWave: true,
};

/** The dispatching-teammates source: first ready epic first, at most 5 at once, merges one at a time. */
export const PLAN_ORDER: Policy = {
  name: "plan order",
  order: "plan",
  mode: "continuous",
  conflicts: "allow",
  cap: 5,
  batch: 1,
  mergeAfterWave: false,
};

/** What happened in one simulated run. */
export interface SimResult {
  readonly makespan: number;
  readonly attempts: number;
  readonly fixForwards: number;
  readonly gateRuns: number;
  /** Σ of agent time, failed and fix-forward attempts included. */
  readonly agentSeconds: number;
  /** The ids started, in order; each dispatch is exactly what the scheduler returned. */
  readonly started: readonly string[];
}

/** Options of simulate. */
export interface SimulateOptions {
  readonly plan: SimPlan;
  readonly policy: Policy;
  readonly realism: Realism;
  /** The scheduler; the real one unless a test wraps it. */
  readonly decide?: typeof realDecide;
}

interface Entry {
  readonly item: number;
  readonly base: number;
}

/** Runs the plan under the policy in virtual time and returns its makespan in seconds. */
export function simulate(opts: SimulateOptions): SimResult {
  const { plan, policy, realism } = opts;
  const decide = opts.decide ?? realDecide;
  const items = plan.items;
  const n = items.length;
  // Plan order: every item weighs nothing, so only `priority` (the plan position) orders them.
  const graph: Graph = buildGraph(
    policy.order === "plan" ? items.map((it, i) => ({ ...it, priority: i })) : items,
  );
  // As the engine weighs items (src/engine/run.ts).
  const weight: Weight = policy.order === "plan" ? () => 0 : dispatchWeight(items);
  const waves =
    policy.mode === "waves"
      ? computeWaves(graph, conflictGroups(items), { maxWidth: plan.spec.maxParallel, weight: itemWeight })
      : [];
  const index = overlapIndex(conflictPairs(items));
  const slots = Math.min(plan.spec.maxParallel, policy.cap ?? Number.POSITIVE_INFINITY);
  const batch = policy.batch ?? realism.batch;

  const states = new Map<string, SchedulerItemState>();
  const attemptsOf = new Int32Array(n);
  const fixForward = new Uint8Array(n);
  const endOf = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const baseOf = new Int32Array(n);
  const running = new Set<number>();
  const waiting: Entry[] = [];
  const merged: number[] = [];
  let merging: { readonly until: number; readonly entries: readonly number[] } | undefined;
  let now = 0;
  let attempts = 0;
  let fixForwards = 0;
  let gateRuns = 0;
  let agentSeconds = 0;
  const started: string[] = [];

  const conflictChance = (a: number, b: number): number =>
    overlaps(items[a]!, items[b]!) ? realism.declaredConflict : realism.hiddenConflict;

  const dispatch = () => {
    // As the engine: work waiting to merge holds no agent slot but still counts for conflicts.
    const queuedCount = waiting.length + (merging?.entries.length ?? 0);
    const { start } = decide({
      graph,
      states,
      maxParallel: slots + queuedCount,
      mode: policy.mode,
      conflicts: policy.conflicts,
      waves,
      weight,
      overlapIndex: index,
    });
    for (const id of start) {
      const i = graph.indexOf.get(id)!;
      const it = items[i]!;
      const seconds = fixForward[i] === 1 ? it.trueSeconds * realism.fixForwardShare : it.trueSeconds;
      states.set(id, "running");
      running.add(i);
      endOf[i] = now + seconds;
      baseOf[i] = merged.length;
      attempts++;
      agentSeconds += seconds;
      started.push(id);
    }
  };

  const startMerge = () => {
    if (merging !== undefined || waiting.length === 0) return;
    if (policy.mergeAfterWave && running.size > 0) return;
    const taken = waiting.splice(0, Math.max(1, batch));
    const entries: number[] = [];
    for (const e of taken) {
      const conflict = merged
        .slice(e.base)
        .concat(entries)
        .some((m) => pairDraw(plan.spec.seed, e.item, m) < conflictChance(e.item, m));
      if (conflict) {
        fixForward[e.item] = 1;
        fixForwards++;
        states.set(items[e.item]!.id, "pending");
        continue;
      }
      entries.push(e.item);
    }
    if (entries.length === 0) {
      startMerge();
      return;
    }
    gateRuns++;
    merging = { until: now + realism.gateSeconds, entries };
    // The merge order is fixed now: later entries see these as merged before them.
    merged.push(...entries);
  };

  // Merges due by now finish, and the queue starts the next batch, until it waits for time to pass.
  const settleMerges = () => {
    for (;;) {
      if (merging !== undefined && merging.until <= now) {
        for (const i of merging.entries) states.set(items[i]!.id, "done");
        merging = undefined;
      }
      startMerge();
      if (merging === undefined || merging.until > now) return;
    }
  };

  for (;;) {
    settleMerges();
    dispatch();
    settleMerges();
    let next = merging?.until ?? Number.POSITIVE_INFINITY;
    for (const i of running) next = Math.min(next, endOf[i]!);
    if (next === Number.POSITIVE_INFINITY) break;
    now = next;
    settleMerges();
    for (const i of [...running].sort((a, b) => endOf[a]! - endOf[b]! || a - b)) {
      if (endOf[i]! > now) continue;
      running.delete(i);
      endOf[i] = Number.POSITIVE_INFINITY;
      const it = items[i]!;
      if (fixForward[i] === 0 && attemptsOf[i]! < it.failures) {
        attemptsOf[i] = attemptsOf[i]! + 1;
        states.set(it.id, "pending");
        continue;
      }
      fixForward[i] = 0;
      waiting.push({ item: i, base: baseOf[i]! });
    }
  }
  const unfinished = items.filter((it) => states.get(it.id) !== "done");
  if (unfinished.length > 0)
    throw new Error(`bug: simulation stuck with ${unfinished.map((it) => it.id).join(", ")}`);
  return { makespan: now, attempts, fixForwards, gateRuns, agentSeconds, started };
}

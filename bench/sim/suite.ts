// The seeded suite: every combination of size, DAG shape, touches overlap and max_parallel, a few
// seeds each, every plan run under every policy; makespans as ratios to the plan's lower bound.
import { generateSimPlan, lowerBound, type DagShape, type PlanSpec, type Realism } from "./model.js";
import { simulate, type Policy } from "./simulate.js";

/** One plan's outcome under every policy. */
export interface PlanOutcome {
  readonly spec: PlanSpec;
  readonly bound: number;
  /** Makespan by policy name, in seconds. */
  readonly makespan: ReadonlyMap<string, number>;
  readonly fixForwards: ReadonlyMap<string, number>;
}

/** Which plans a suite holds. */
export interface SuiteSpec {
  readonly sizes: readonly number[];
  readonly shapes: readonly DagShape[];
  readonly overlaps: readonly number[];
  readonly parallel: readonly number[];
  readonly seedsPerCell: number;
  /** The first seed; cell k, repetition r uses firstSeed + k × seedsPerCell + r. */
  readonly firstSeed: number;
}

/** The suite of the issue: 20/100/500 items, layered and random, overlap 0/10/30 %, max_parallel 3/5/8. */
export function fullSuite(quick: boolean): SuiteSpec {
  return {
    sizes: quick ? [20, 100] : [20, 100, 500],
    shapes: ["layered", "random"],
    overlaps: [0, 0.1, 0.3],
    parallel: [3, 5, 8],
    seedsPerCell: quick ? 1 : 4,
    firstSeed: 1000,
  };
}

/** The plan specs of a suite, in a fixed order. */
export function suitePlans(s: SuiteSpec): PlanSpec[] {
  const specs: PlanSpec[] = [];
  let k = 0;
  for (const items of s.sizes)
    for (const shape of s.shapes)
      for (const overlap of s.overlaps)
        for (const maxParallel of s.parallel) {
          for (let r = 0; r < s.seedsPerCell; r++)
            specs.push({ items, shape, overlap, maxParallel, seed: s.firstSeed + k * s.seedsPerCell + r });
          k++;
        }
  return specs;
}

/** Runs every plan of the suite under every policy in one realism. */
export function runSuite(opts: {
  readonly specs: readonly PlanSpec[];
  readonly realism: Realism;
  readonly policies: readonly Policy[];
}): PlanOutcome[] {
  return opts.specs.map((spec) => {
    const plan = generateSimPlan(spec, opts.realism);
    const makespan = new Map<string, number>();
    const fixForwards = new Map<string, number>();
    for (const policy of opts.policies) {
      const r = simulate({ plan, policy, realism: opts.realism });
      makespan.set(policy.name, r.makespan);
      fixForwards.set(policy.name, r.fixForwards);
    }
    return { spec, bound: lowerBound(plan), makespan, fixForwards };
  });
}

/** The q-quantile (0..1) of values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) throw new Error("no values");
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]!;
}

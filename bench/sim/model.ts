// Random plans for the scheduling simulation, with what the scheduler cannot see (true durations,
// failed attempts, hidden conflicts) drawn up front from a seed, so every policy meets the same luck.
import type { GraphItem } from "../../src/graph/index.js";
import { seededRandom } from "../random.js";

/** The assumptions of one simulated setting; each is a parameter, none is a measurement. */
export interface Realism {
  /** σ of the lognormal factor from an item's estimate to its true duration (0: exact estimates). */
  readonly sigma: number;
  /** Share of items without an `estimate`. */
  readonly noEstimate: number;
  /** Probability that an attempt fails (review or gate) and runs again; at most 3 failures per item. */
  readonly failure: number;
  /** Probability that two items whose declared `touches` overlap conflict when they run at once. */
  readonly declaredConflict: number;
  /** Probability that two other items conflict when they run at once (overlap nobody declared). */
  readonly hiddenConflict: number;
  /** A fix-forward attempt takes this share of the item's true duration. */
  readonly fixForwardShare: number;
  /** Seconds one post-merge gate run takes (once per merge batch). */
  readonly gateSeconds: number;
  /** flotilla's `merge.batch`; the source systems merge one at a time. */
  readonly batch: number;
}

/** The realistic setting the issue asks for: σ 0.8, 20 % without estimate, 20 % failed attempts. */
export const REALISTIC: Realism = {
  sigma: 0.8,
  noEstimate: 0.2,
  failure: 0.2,
  declaredConflict: 0.6,
  hiddenConflict: 0.03,
  fixForwardShare: 0.5,
  gateSeconds: 30,
  batch: 4,
};

/** Exact estimates on every item, no failures, no conflicts, free merges: pure list scheduling. */
export const EXACT: Realism = {
  sigma: 0,
  noEstimate: 0,
  failure: 0,
  declaredConflict: 0,
  hiddenConflict: 0,
  fixForwardShare: 0.5,
  gateSeconds: 0,
  batch: 1,
};

/** The shape of a generated dependency graph. */
export type DagShape = "layered" | "random";

/** What a generated plan is made of. */
export interface PlanSpec {
  readonly items: number;
  readonly shape: DagShape;
  /** Share of items that also touch a shared area (0, 0.1, 0.3). */
  readonly overlap: number;
  readonly maxParallel: number;
  readonly seed: number;
}

/** An item with its hidden truth. */
export interface SimItem extends GraphItem {
  /** Seconds one successful attempt really takes. */
  readonly trueSeconds: number;
  /** Failed attempts before the one that succeeds (each as long as a successful one). */
  readonly failures: number;
}

/** A generated plan: items in plan order (every dependency earlier), and its seed for pair draws. */
export interface SimPlan {
  readonly spec: PlanSpec;
  readonly items: readonly SimItem[];
}

/** The median estimate: 8 minutes. */
export const MEDIAN_ESTIMATE_SECONDS = 8 * 60;

/** Generates a plan from its spec; the same spec and realism give the same plan. */
export function generateSimPlan(spec: PlanSpec, realism: Realism): SimPlan {
  const rand = seededRandom(spec.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const n = spec.items;
  const deps = spec.shape === "layered" ? layeredDeps(n, rand) : randomDeps(n, rand);
  const shared = Math.max(1, Math.round((n * spec.overlap) / 4));
  const items: SimItem[] = [];
  for (let i = 0; i < n; i++) {
    // Estimates: whole minutes, lognormal around the median (σ 0.6 between items).
    const estimate = Math.max(60, Math.round((MEDIAN_ESTIMATE_SECONDS * Math.exp(0.6 * normal())) / 60) * 60);
    const trueSeconds = Math.max(30, estimate * Math.exp(realism.sigma * normal()));
    let failures = 0;
    while (failures < 3 && rand() < realism.failure) failures++;
    const touches = [`src/own-${i}/**`];
    if (rand() < spec.overlap) touches.push(`src/shared-${Math.floor(rand() * shared)}/**`);
    const hasEstimate = rand() >= realism.noEstimate;
    items.push({
      id: `t${String(i).padStart(3, "0")}`,
      dependsOn: deps[i]!.map((d) => `t${String(d).padStart(3, "0")}`),
      touches,
      priority: 2,
      ...(hasEstimate ? { estimateSeconds: estimate } : {}),
      trueSeconds: realism.sigma === 0 ? estimate : trueSeconds,
      failures,
    });
  }
  return { spec, items };
}

/** Layers of random width (about √n layers); each item depends on 1–3 items of the layer before. */
function layeredDeps(n: number, rand: () => number): number[][] {
  const layers = Math.max(2, Math.round(Math.sqrt(n)));
  const layerOf = Array.from({ length: n }, (_, i) => Math.floor((i * layers) / n));
  const startOf = (l: number) => layerOf.indexOf(l);
  return layerOf.map((l) => {
    if (l === 0) return [];
    const from = startOf(l - 1);
    const to = startOf(l);
    const want = 1 + Math.floor(rand() * 3);
    const set = new Set<number>();
    for (let k = 0; k < want; k++) set.add(from + Math.floor(rand() * (to - from)));
    return [...set].sort((a, b) => a - b);
  });
}

/** Each item depends on 0–3 earlier items, mostly recent ones, so the DAG is deep as well as wide. */
function randomDeps(n: number, rand: () => number): number[][] {
  const reach = Math.max(3, n / 8);
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return [];
    const want = Math.floor(rand() * 4);
    const set = new Set<number>();
    for (let k = 0; k < want; k++) {
      const back = Math.min(i, 1 + Math.floor(-Math.log(1 - rand()) * reach));
      set.add(i - back);
    }
    return [...set].sort((a, b) => a - b);
  });
}

/** A uniform draw in [0, 1) for an unordered pair of items, the same whichever policy asks. */
export function pairDraw(seed: number, a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(lo + 1, 0xc2b2ae35) ^ Math.imul(hi + 7, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** The lower bound: max(critical path of true work, total true work ÷ max_parallel). */
export function lowerBound(plan: SimPlan): number {
  const work = plan.items.map((it) => it.trueSeconds * (it.failures + 1));
  const index = new Map(plan.items.map((it, i) => [it.id, i]));
  const finish: number[] = [];
  plan.items.forEach((it, i) => {
    let start = 0;
    for (const d of it.dependsOn) start = Math.max(start, finish[index.get(d)!]!);
    finish.push(start + work[i]!);
  });
  const total = work.reduce((s, w) => s + w, 0);
  return Math.max(Math.max(...finish), total / plan.spec.maxParallel);
}

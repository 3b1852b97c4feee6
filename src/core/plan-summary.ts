// What `flotilla check` reports about a valid plan, computed without I/O.
import {
  buildGraph,
  computeWaves,
  conflictGroups,
  criticalPath,
  longestRemainingPath,
} from "../graph/index.js";
import type { Item, Plan } from "../plan/types.js";
import type { PlanSummary } from "./plan-summary-types.js";

/** Items without an `estimate` weigh this much on the critical path (one unit). */
export const DEFAULT_ESTIMATE_SECONDS = 60;

/** The weight of an item for path lengths: its estimate, or one unit. */
export function itemWeight(item: Pick<Item, "estimateSeconds">): number {
  return item.estimateSeconds ?? DEFAULT_ESTIMATE_SECONDS;
}

/** Builds the `check` summary: items, edges, critical path, conflict groups, waves. */
export function summarizePlan(plan: Plan): PlanSummary {
  const graph = buildGraph(plan.items);
  const remaining = longestRemainingPath(graph, itemWeight);
  const cp = criticalPath(graph, itemWeight);
  const groups = conflictGroups(plan.items);
  return {
    plan: plan.file,
    format: plan.format,
    name: plan.name,
    notes: plan.notes,
    items: plan.items.map((i) => ({
      id: i.id,
      title: i.title,
      agent: i.agent,
      depends_on: i.dependsOn,
      touches: i.touches,
      priority: i.priority,
      estimate_seconds: i.estimateSeconds ?? null,
      remaining_path_seconds: remaining.get(i.id) ?? itemWeight(i),
    })),
    edges: plan.items.flatMap((i) => i.dependsOn.map((d) => ({ from: d, to: i.id }))),
    critical_path: {
      items: cp.ids,
      length_seconds: cp.length,
      default_estimate_seconds: DEFAULT_ESTIMATE_SECONDS,
    },
    conflict_groups: groups.map((g) => ({
      items: g.ids,
      overlaps: g.pairs.map((p) => ({ a: p.a, b: p.b, glob_a: p.globA, glob_b: p.globB })),
    })),
    waves: computeWaves(graph, groups, { weight: itemWeight }),
  };
}

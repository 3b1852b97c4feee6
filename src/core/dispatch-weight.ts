// The weight the run's scheduler gives an item: its estimate, or — for an item without one — the
// plan's median estimate. `check` counts a missing estimate as one minute; for dispatch that makes an
// unestimated item look like the shortest job in the plan, and a long chain of them starts last.

import type { Weight } from "../graph/graph.js";
import { itemWeight } from "./plan-summary.js";

/** The dispatch weight for a plan's items: estimates, the median estimate where there is none. */
export function dispatchWeight(items: readonly { readonly estimateSeconds?: number }[]): Weight {
  const known = items.flatMap((i) => (i.estimateSeconds === undefined ? [] : [i.estimateSeconds]));
  if (known.length === 0) return itemWeight;
  known.sort((a, b) => a - b);
  const median = known[Math.floor(known.length / 2)]!;
  return (item) => item.estimateSeconds ?? median;
}

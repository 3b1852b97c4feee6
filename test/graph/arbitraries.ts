// Random DAGs for property tests: edges only from later to earlier indices, then shuffled.

import fc from "fast-check";
import type { GraphItem } from "../../src/graph/index.js";

/** Options of dagArbitrary. */
export interface DagOptions {
  readonly maxItems?: number;
  readonly minItems?: number;
  /** Globs to pick `touches` from (none when absent). */
  readonly touchPool?: readonly string[];
}

/** A random DAG of items with random priorities, estimates and touches, in random input order. */
export function dagArbitrary(options: DagOptions = {}): fc.Arbitrary<GraphItem[]> {
  const maxItems = options.maxItems ?? 10;
  const pool = options.touchPool ?? [];
  return fc
    .integer({ min: options.minItems ?? 0, max: maxItems })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.nat({ max: Math.max(0, n - 1) }), { maxLength: 3 }), {
          minLength: n,
          maxLength: n,
        }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
        fc.array(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), {
          minLength: n,
          maxLength: n,
        }),
        fc.array(pool.length === 0 ? fc.constant<string[]>([]) : fc.subarray([...pool], { maxLength: 2 }), {
          minLength: n,
          maxLength: n,
        }),
        fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: n, maxLength: n },
        ),
      ),
    )
    .map(([deps, priorities, estimates, touches, perm]) => {
      const items = deps.map((ds, i): GraphItem => {
        const dependsOn = [...new Set(ds.filter((d) => d < i))].map((d) => `n${d}`);
        const est = estimates[i];
        return {
          id: `n${i}`,
          dependsOn,
          touches: touches[i] ?? [],
          priority: priorities[i]!,
          ...(est === undefined ? {} : { estimateSeconds: est }),
        };
      });
      return perm.map((i) => items[i]!);
    });
}

/** A small item for hand-written cases. */
export function item(
  id: string,
  dependsOn: readonly string[] = [],
  extra: Partial<Omit<GraphItem, "id" | "dependsOn">> = {},
): GraphItem {
  return { id, dependsOn, touches: [], priority: 2, ...extra };
}

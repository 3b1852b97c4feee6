import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildGraph, computeWaves, conflictGroups } from "../../src/graph/index.js";
import { dagArbitrary, item } from "./arbitraries.js";

const touchPool = ["src/a/**", "src/a/x.ts", "src/b/**", "src/*.ts", "docs/**", "**/*.md", "package.json"];

describe("computeWaves", () => {
  it("puts the longest remaining path first and keeps a conflict group apart", () => {
    const items = [
      item("a", [], { touches: ["src/x.ts"] }),
      item("b", [], { touches: ["src/x.ts"] }),
      item("c", ["b"]),
      item("d"),
    ];
    const g = buildGraph(items);
    assert.deepEqual(computeWaves(g, conflictGroups(items)), [
      ["b", "d"],
      ["a", "c"],
    ]);
    assert.deepEqual(computeWaves(g, conflictGroups(items), { maxWidth: 1 }), [["b"], ["a"], ["c"], ["d"]]);
    assert.deepEqual(computeWaves(g, []), [["b", "a", "d"], ["c"]]);
  });

  it("respects dependencies and conflict groups, places every item once, is independent of input order", () => {
    fc.assert(
      fc.property(
        dagArbitrary({ maxItems: 20, touchPool }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        (items, maxWidth) => {
          const g = buildGraph(items);
          const groups = conflictGroups(items);
          const options = maxWidth === undefined ? {} : { maxWidth };
          const waves = computeWaves(g, groups, options);
          const waveOf = new Map<string, number>();
          waves.forEach((w, k) => {
            assert.ok(w.length > 0);
            if (maxWidth !== undefined) assert.ok(w.length <= maxWidth);
            for (const id of w) {
              assert.ok(!waveOf.has(id), `${id} twice`);
              waveOf.set(id, k);
            }
          });
          assert.equal(waveOf.size, items.length);
          for (const i of items) for (const d of i.dependsOn) assert.ok(waveOf.get(d)! < waveOf.get(i.id)!);
          for (const group of groups) {
            const used = group.ids.map((id) => waveOf.get(id)!);
            assert.equal(new Set(used).size, used.length, "a conflict group shares a wave");
          }
          const reversed = [...items].reverse();
          assert.deepEqual(computeWaves(buildGraph(reversed), conflictGroups(reversed), options), waves);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("with no conflicts and no width limit, needs as many waves as the longest chain", () => {
    fc.assert(
      fc.property(dagArbitrary({ maxItems: 20 }), (items) => {
        const g = buildGraph(items);
        const depth = new Map<string, number>();
        for (const i of g.order) {
          const it = g.items[i]!;
          depth.set(it.id, 1 + Math.max(0, ...it.dependsOn.map((d) => depth.get(d)!)));
        }
        assert.equal(computeWaves(g, []).length, Math.max(0, ...depth.values()));
      }),
    );
  });
});

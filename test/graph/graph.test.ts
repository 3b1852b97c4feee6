import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  buildGraph,
  criticalPath,
  estimateWeight,
  longestRemainingPath,
  readySet,
  topologicalOrder,
  transitiveDependents,
  tryBuildGraph,
  type GraphItem,
} from "../../src/graph/index.js";
import { dagArbitrary, item } from "./arbitraries.js";

// Every path (as ids) in a small DAG, following edges from a dependency to its dependents.
function allPaths(items: readonly GraphItem[]): string[][] {
  const dependents = new Map<string, string[]>(items.map((i) => [i.id, []]));
  for (const i of items) for (const d of new Set(i.dependsOn)) dependents.get(d)!.push(i.id);
  const paths: string[][] = [];
  const walk = (path: string[]): void => {
    paths.push(path);
    for (const next of dependents.get(path.at(-1)!)!) walk([...path, next]);
  };
  for (const i of items) walk([i.id]);
  return paths;
}

const weightOf = (items: readonly GraphItem[]) => {
  const byId = new Map(items.map((i) => [i.id, i]));
  return (path: readonly string[]): number => path.reduce((s, id) => s + estimateWeight(byId.get(id)!), 0);
};

describe("buildGraph", () => {
  it("indexes dependencies and dependents, deduplicating repeated edges", () => {
    const g = buildGraph([item("a"), item("b", ["a", "a"]), item("c", ["a", "b"])]);
    assert.deepEqual(g.dependencies, [[], [0], [0, 1]]);
    assert.deepEqual(g.dependents, [[1, 2], [2], []]);
    assert.ok(Object.isFrozen(g) && Object.isFrozen(g.dependencies));
  });

  it("says why items are not a DAG", () => {
    assert.deepEqual(tryBuildGraph([item("a"), item("a")]), {
      ok: false,
      error: { reason: "duplicate-id", id: "a" },
    });
    assert.deepEqual(tryBuildGraph([item("a", ["x"])]), {
      ok: false,
      error: { reason: "unknown-dependency", id: "a", dependency: "x" },
    });
    assert.deepEqual(tryBuildGraph([item("a", ["a"])]), {
      ok: false,
      error: { reason: "cycle", cycle: ["a"] },
    });
    assert.deepEqual(tryBuildGraph([item("a", ["b"]), item("b", ["a"])]), {
      ok: false,
      error: { reason: "cycle", cycle: ["a", "b"] },
    });
    assert.throws(() => buildGraph([item("a", ["b"]), item("b", ["a"])]), /dependency cycle a -> b -> a/);
  });

  it("builds a 10,000-item chain and walks it without recursion", () => {
    const n = 10_000;
    const items = Array.from({ length: n }, (_, i) => item(`n${i}`, i > 0 ? [`n${i - 1}`] : []));
    const g = buildGraph(items);
    assert.equal(topologicalOrder(g)[n - 1], `n${n - 1}`);
    assert.equal(longestRemainingPath(g, estimateWeight).get("n0"), n);
    assert.equal(criticalPath(g, estimateWeight).ids.length, n);
    assert.equal(transitiveDependents(g, "n0").length, n - 1);
  });
});

describe("topologicalOrder", () => {
  it("is stable: ties go to input order", () => {
    const g = buildGraph([item("c"), item("a", ["b"]), item("b"), item("d", ["c"])]);
    assert.deepEqual(topologicalOrder(g), ["c", "b", "a", "d"]);
  });

  it("respects every edge and lists every item once (random DAGs)", () => {
    fc.assert(
      fc.property(dagArbitrary({ maxItems: 30 }), (items) => {
        const order = topologicalOrder(buildGraph(items));
        assert.deepEqual([...order].sort(), items.map((i) => i.id).sort());
        const at = new Map(order.map((id, k) => [id, k]));
        for (const i of items) for (const d of i.dependsOn) assert.ok(at.get(d)! < at.get(i.id)!);
      }),
    );
  });
});

describe("readySet", () => {
  it("lists items not started whose dependencies are all done, in input order", () => {
    const g = buildGraph([item("a"), item("b", ["a"]), item("c"), item("d", ["a", "c"]), item("e", ["b"])]);
    assert.deepEqual(readySet(g, { done: new Set(), started: new Set() }), ["a", "c"]);
    assert.deepEqual(readySet(g, { done: new Set(["a"]), started: new Set(["c"]) }), ["b"]);
    assert.deepEqual(readySet(g, { done: new Set(["a", "c"]), started: new Set() }), ["b", "d"]);
  });
});

describe("longestRemainingPath and criticalPath", () => {
  it("counts the item itself and uses 1 unit without an estimate", () => {
    const g = buildGraph([
      item("a", [], { estimateSeconds: 10 }),
      item("b", ["a"]),
      item("c", ["a"], { estimateSeconds: 5 }),
    ]);
    assert.deepEqual(
      [...longestRemainingPath(g, estimateWeight)],
      [
        ["a", 15],
        ["b", 1],
        ["c", 5],
      ],
    );
    assert.deepEqual(criticalPath(g, estimateWeight), { ids: ["a", "c"], length: 15 });
    assert.deepEqual(criticalPath(buildGraph([]), estimateWeight), { ids: [], length: 0 });
  });

  it("takes the weight as a parameter (learned durations)", () => {
    const g = buildGraph([item("a"), item("b", ["a"]), item("c", ["a"])]);
    const learned = new Map([["b", 100]]);
    assert.deepEqual(
      criticalPath(g, (i) => learned.get(i.id) ?? 1),
      { ids: ["a", "b"], length: 101 },
    );
  });

  it("matches brute force on small random DAGs", () => {
    fc.assert(
      fc.property(dagArbitrary({ maxItems: 8 }), (items) => {
        const g = buildGraph(items);
        const paths = allPaths(items);
        const weigh = weightOf(items);
        const cp = criticalPath(g, estimateWeight);
        const best = Math.max(0, ...paths.map(weigh));
        assert.equal(cp.length, best);
        assert.equal(weigh(cp.ids), cp.length);
        if (items.length > 0)
          assert.ok(
            paths.some((p) => p.join() === cp.ids.join()),
            "a real path",
          );
        const rest = longestRemainingPath(g, estimateWeight);
        for (const i of items) {
          const fromHere = Math.max(...paths.filter((p) => p[0] === i.id).map(weigh));
          assert.equal(rest.get(i.id), fromHere);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("transitiveDependents", () => {
  it("lists everything downstream, in input order, not the item itself", () => {
    const g = buildGraph([item("a"), item("b", ["a"]), item("c"), item("d", ["b", "c"])]);
    assert.deepEqual(transitiveDependents(g, "a"), ["b", "d"]);
    assert.deepEqual(transitiveDependents(g, "d"), []);
    assert.deepEqual(transitiveDependents(g, "nope"), []);
  });

  it("matches the ends of all paths (random DAGs)", () => {
    fc.assert(
      fc.property(dagArbitrary({ maxItems: 8 }), (items) => {
        const g = buildGraph(items);
        const paths = allPaths(items);
        for (const i of items) {
          const expected = new Set(paths.filter((p) => p[0] === i.id && p.length > 1).map((p) => p.at(-1)!));
          assert.deepEqual(
            transitiveDependents(g, i.id),
            g.ids.filter((id) => expected.has(id)),
          );
        }
      }),
    );
  });
});

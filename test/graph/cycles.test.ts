import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { findCycles, type DependencyNode } from "../../src/graph/cycles.js";

// The former recursive implementation: the iterative one must give exactly the same answers.
function findCyclesRecursive(nodes: readonly DependencyNode[]): string[][] {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!index.has(n.id)) index.set(n.id, i);
  });
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const rotate = (cycle: string[]): string[] => {
    let best = 0;
    cycle.forEach((id, i) => {
      if (index.get(id)! < index.get(cycle[best]!)!) best = i;
    });
    return [...cycle.slice(best), ...cycle.slice(0, best)];
  };
  const visit = (id: string): void => {
    state.set(id, "active");
    stack.push(id);
    for (const dep of nodes[index.get(id)!]!.dependsOn) {
      if (dep === id || !index.has(dep)) continue;
      const s = state.get(dep);
      if (s === "active") {
        const rotated = rotate(stack.slice(stack.indexOf(dep)));
        const key = rotated.join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);
  return cycles;
}

const anyGraph = fc.integer({ min: 0, max: 9 }).chain((n) =>
  fc.array(
    fc.record({
      id: fc.integer({ min: 0, max: n + 1 }).map((i) => `n${i}`),
      dependsOn: fc.array(
        fc.integer({ min: 0, max: n + 2 }).map((i) => `n${i}`),
        { maxLength: 4 },
      ),
    }),
    { minLength: n, maxLength: n },
  ),
);

describe("findCycles", () => {
  it("reports a cycle once, from its first member in input order", () => {
    const nodes = [
      { id: "a", dependsOn: ["b"] },
      { id: "b", dependsOn: ["c"] },
      { id: "c", dependsOn: ["a"] },
    ];
    assert.deepEqual(findCycles(nodes), [["a", "b", "c"]]);
    assert.deepEqual(findCycles([nodes[2]!, nodes[1]!, nodes[0]!]), [["c", "a", "b"]]);
  });

  it("ignores self edges and unknown ids", () => {
    assert.deepEqual(findCycles([{ id: "a", dependsOn: ["a", "zz"] }]), []);
  });

  it("matches the recursive definition on random graphs (duplicates, unknown ids, self edges included)", () => {
    fc.assert(
      fc.property(anyGraph, (nodes) => {
        assert.deepEqual(findCycles(nodes), findCyclesRecursive(nodes));
      }),
      { numRuns: 500 },
    );
  });

  it("handles a chain of 100,000 nodes without overflowing the stack", () => {
    const n = 100_000;
    const chain = Array.from({ length: n }, (_, i) => ({
      id: `n${i}`,
      dependsOn: i + 1 < n ? [`n${i + 1}`] : [],
    }));
    assert.deepEqual(findCycles(chain), []);
    const loop = chain.map((node, i) => (i === n - 1 ? { id: node.id, dependsOn: ["n0"] } : node));
    const cycles = findCycles(loop);
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0]!.length, n);
    assert.equal(cycles[0]![0], "n0");
  });
});

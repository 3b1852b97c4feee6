// Cycle detection over dependency edges, shared by the plan loader (diagnostics) and the graph.

/** A node as far as cycle finding cares: its id and the ids it depends on. */
export interface DependencyNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/**
 * Finds dependency cycles, each reported once as the ids along it: [a, b, c] means
 * a depends on b, b on c, c on a. Deterministic: nodes and edges are visited in input order,
 * and each cycle starts at its member that comes first in the input. Edges to unknown ids and
 * self edges are ignored (the loader reports those separately).
 */
export function findCycles(nodes: readonly DependencyNode[]): string[][] {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!index.has(n.id)) index.set(n.id, i);
  });
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (id: string): void => {
    state.set(id, "active");
    stack.push(id);
    const node = nodes[index.get(id)!]!;
    for (const dep of node.dependsOn) {
      if (dep === id || !index.has(dep)) continue;
      const s = state.get(dep);
      if (s === "active") {
        const cycle = stack.slice(stack.indexOf(dep));
        const rotated = rotateToFirst(cycle, index);
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

function rotateToFirst(cycle: string[], index: ReadonlyMap<string, number>): string[] {
  let best = 0;
  cycle.forEach((id, i) => {
    if (index.get(id)! < index.get(cycle[best]!)!) best = i;
  });
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}

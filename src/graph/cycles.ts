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
  // The depth-first path, with the next edge to follow from each node on it: an explicit stack,
  // so a chain of any length does not overflow the call stack.
  const stack: string[] = [];
  const nextEdge: number[] = [];
  const position = new Map<string, number>();
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const push = (id: string): void => {
    state.set(id, "active");
    position.set(id, stack.length);
    stack.push(id);
    nextEdge.push(0);
  };

  for (const root of nodes) {
    if (state.has(root.id)) continue;
    push(root.id);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const id = stack[top]!;
      const deps = nodes[index.get(id)!]!.dependsOn;
      const e = nextEdge[top]!;
      if (e >= deps.length) {
        stack.pop();
        nextEdge.pop();
        position.delete(id);
        state.set(id, "done");
        continue;
      }
      nextEdge[top] = e + 1;
      const dep = deps[e]!;
      if (dep === id || !index.has(dep)) continue;
      const s = state.get(dep);
      if (s === "active") {
        const from: number = position.get(dep)!; // active ids are on the stack
        const cycle = stack.slice(from);
        const rotated = rotateToFirst(cycle, index);
        const key = rotated.join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (s === undefined) {
        push(dep);
      }
    }
  }
  return cycles;
}

function rotateToFirst(cycle: string[], index: ReadonlyMap<string, number>): string[] {
  let best = 0;
  cycle.forEach((id, i) => {
    if (index.get(id)! < index.get(cycle[best]!)!) best = i;
  });
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}

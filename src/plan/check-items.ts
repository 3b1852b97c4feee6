// Checks across items, shared by every source format: duplicate ids, dependencies on unknown items or on
// the item itself, and dependency cycles (each cycle reported once, naming every edge). Linear in the
// number of items and edges; suggestions are only searched for once an error is found.

import { findCycles } from "../graph/cycles.js";
import { Suggester } from "./suggest.js";
import type { Diagnostic } from "./types.js";
import { diagnostic, note, type Span } from "./yaml-source.js";

/** One dependency entry as written, with where it is (computed only when needed). */
export interface DependencyRef {
  readonly id: string;
  readonly span: () => Span;
}

/** An item as far as the graph checks care: its id and its dependency entries, with their places. */
export interface ItemRef {
  readonly id: string;
  readonly idSpan: () => Span;
  readonly deps: readonly DependencyRef[];
}

/** The wording of graph problems, so each source format can speak in its own terms (ids or issue numbers). */
export interface GraphWords {
  readonly show: (id: string) => string;
  readonly duplicate: (id: string) => string;
  readonly firstDefined: (id: string) => string;
  readonly unknown: (dep: string, suggestion: string | undefined) => string;
  readonly self: (id: string) => string;
}

/** The wording for flotilla plans and dag.yaml epics. */
export const ID_WORDS: GraphWords = {
  show: (id) => id,
  duplicate: (id) => `duplicate item id ${JSON.stringify(id)}`,
  firstDefined: (id) => `${JSON.stringify(id)} is first defined here`,
  unknown: (dep, s) =>
    s === undefined
      ? `unknown dependency ${JSON.stringify(dep)}: no item has this id`
      : `unknown dependency ${JSON.stringify(dep)}; did you mean ${JSON.stringify(s)}?`,
  self: (id) => `item ${JSON.stringify(id)} depends on itself`,
};

/** How many unknown dependencies get a "did you mean" (each search scans every id). */
const MAX_SUGGESTIONS = 100;

/** Reports duplicate ids, unknown and self dependencies, and cycles among the given items. */
export function checkItemGraph(items: readonly ItemRef[], words: GraphWords = ID_WORDS): Diagnostic[] {
  const out: Diagnostic[] = [];
  const first = new Map<string, ItemRef>();
  for (const item of items) {
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, item);
    else
      out.push(
        diagnostic(item.idSpan(), words.duplicate(item.id), [
          note(earlier.idSpan(), words.firstDefined(item.id)),
        ]),
      );
  }
  const ids = new Suggester(first.keys());
  let suggestions = 0;
  for (const item of items) {
    for (const dep of item.deps) {
      if (dep.id === item.id) out.push(diagnostic(dep.span(), words.self(item.id)));
      else if (!first.has(dep.id)) {
        // Searching for a suggestion is the one costly step; a plan with hundreds of unknown ids has a
        // bigger problem than typos, so only the first ones get a suggestion.
        const hint = suggestions++ < MAX_SUGGESTIONS ? ids.suggest(dep.id) : undefined;
        out.push(diagnostic(dep.span(), words.unknown(dep.id, hint)));
      }
    }
  }
  const nodes = [...first.values()].map((i) => ({ id: i.id, dependsOn: i.deps.map((d) => d.id) }));
  for (const cycle of findCycles(nodes)) {
    const start = first.get(cycle[0]!)!;
    const related = cycle.map((from, k) => {
      const to = cycle[(k + 1) % cycle.length]!;
      const entry = first.get(from)!.deps.find((d) => d.id === to)!;
      return note(entry.span(), `${words.show(from)} depends on ${words.show(to)}`);
    });
    const path = [...cycle, cycle[0]!].map(words.show).join(" → ");
    out.push(diagnostic(start.idSpan(), `dependency cycle: ${path}`, related));
  }
  return out;
}

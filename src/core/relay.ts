// Which earlier results a starting item is told about (the relay): its merged dependencies, nearest
// first, then the most recently merged other items, capped by count and by size so a prompt never
// carries a whole run's history.
import type { RelayEntry } from "./prompt.js";

/** What an item's queued work tells later prompts: from a finished attempt, or its row after a crash. */
export function relayEntryOf(
  item: { readonly id: string; readonly title: string },
  work: Pick<RelayEntry, "filesChanged" | "commits" | "notes">,
): RelayEntry {
  return {
    itemId: item.id,
    title: item.title,
    filesChanged: work.filesChanged,
    commits: work.commits,
    ...(work.notes === undefined ? {} : { notes: work.notes }),
  };
}

/** Caps of the relay section. */
export const RELAY_LIMITS = { maxEntries: 10, maxRecent: 5, maxBytes: 16_000 } as const;

/** Picks the relay of one item from its merged dependencies and the run's merged items. */
export function selectRelay(opts: {
  /** Merged dependencies (direct and transitive), nearest first. */
  readonly dependencies: readonly RelayEntry[];
  /** Every merged item, most recent first. */
  readonly recent: readonly RelayEntry[];
  readonly limits?: { readonly maxEntries: number; readonly maxRecent: number; readonly maxBytes: number };
}): RelayEntry[] {
  const limits = opts.limits ?? RELAY_LIMITS;
  const out: RelayEntry[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  const take = (e: RelayEntry): boolean => {
    if (seen.has(e.itemId) || out.length >= limits.maxEntries) return false;
    const size = entrySize(e);
    if (bytes + size > limits.maxBytes && out.length > 0) return false;
    seen.add(e.itemId);
    bytes += size;
    out.push(e);
    return true;
  };
  for (const d of opts.dependencies) take({ ...d, dependency: true });
  let recent = 0;
  for (const r of opts.recent) {
    if (recent >= limits.maxRecent) break;
    if (seen.has(r.itemId)) continue;
    if (take({ ...r, dependency: false })) recent += 1;
  }
  return out;
}

function entrySize(e: RelayEntry): number {
  return (
    e.title.length +
    e.filesChanged.reduce((s, f) => s + f.length + 2, 0) +
    e.commits.reduce((s, c) => s + c.subject.length + 20, 0) +
    (e.notes?.length ?? 0)
  );
}

// Early conflict warning while agents still work: every running lane's head is test-merged against
// the integration head and against every other lane's head, in git's object store (no worktree, no
// index, no lock), all in one git process. The scheduler then holds back ready items whose touches
// overlap a lane predicted to conflict (`predictedConflicts`).
import { mergeTreeMany, type MergePair, type PairMergeResult } from "../adapters/git/merge-tree-many.js";
import { overlaps, type TouchingItem } from "../graph/index.js";

/** A running lane as the probe sees it: its committed head, and the commit it started from. */
export interface ProbeLane {
  readonly itemId: string;
  readonly head: string;
  /** The lane's start commit; a lane still at it has nothing to test and is skipped. */
  readonly start?: string;
}

/** A predicted conflict: lane `a` against lane `b`, or against the integration head. */
export interface PredictedConflict {
  readonly a: string;
  /** The other lane's item id, or "integration" (see `against`: an item may be named so too). */
  readonly b: string;
  readonly against: "lane" | "integration";
  /** Conflicted paths. For a lane pair, paths that either lane already conflicts on with the integration head are left out. */
  readonly files: readonly string[];
}

/** What one probe found; `errors` name the pairs git could not test (the others were still tested). */
export interface ProbeResult {
  readonly predicted: readonly PredictedConflict[];
  readonly errors: readonly string[];
  /** Test merges done. */
  readonly merges: number;
}

// Pairs git may refuse in one probe before the probe gives up on the rest.
const MAX_REFUSED_PAIRS = 4;

interface Job {
  readonly a: string;
  readonly b: string;
  readonly against: "lane" | "integration";
  readonly pair: MergePair;
}

/**
 * Test-merges each lane with commits (head ≠ start, head ≠ integration head) against the integration
 * head and every other such lane, in one `merge-tree --stdin` process. A pair git cannot merge at all
 * (unrelated histories, a vanished commit) is reported in `errors` and the rest are tested anyway.
 * A lane pair that started from different integration commits also sees what was merged in between;
 * conflicts with that are the older lane's conflicts with the integration head, reported there and
 * not again for the pair.
 */
export async function probeLanes(opts: {
  cwd: string;
  integrationHead: string;
  lanes: readonly ProbeLane[];
  timeoutMs?: number;
}): Promise<ProbeResult> {
  const active = opts.lanes.filter((l) => l.head !== l.start && l.head !== opts.integrationHead);
  const jobs: Job[] = [];
  for (const lane of active) {
    jobs.push({
      a: lane.itemId,
      b: "integration",
      against: "integration",
      pair: { ours: opts.integrationHead, theirs: lane.head },
    });
  }
  for (let i = 0; i < active.length; i++) {
    for (let j = i + 1; j < active.length; j++) {
      const a = active[i]!;
      const b = active[j]!;
      if (a.head === b.head) continue;
      jobs.push({ a: a.itemId, b: b.itemId, against: "lane", pair: { ours: a.head, theirs: b.head } });
    }
  }
  const errors: string[] = [];
  const results: (PairMergeResult | undefined)[] = [];
  // Normally one process; after a pair git cannot merge, the rest go to another process.
  while (results.length < jobs.length) {
    const rest = jobs.slice(results.length);
    const r = await mergeTreeMany({
      cwd: opts.cwd,
      pairs: rest.map((j) => j.pair),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    });
    if (r.ok) {
      results.push(...r.value);
      break;
    }
    results.push(...r.error.completed);
    const failed = rest[r.error.completed.length];
    // git refused one pair (exit 1: not a commit; 128: unrelated histories): skip it and go on, a
    // few times. Anything else (timed out, killed, no git) would fail the same way for the rest.
    const refused = r.error.exitCode === 1 || r.error.exitCode === 128;
    if (failed === undefined || !refused || errors.length >= MAX_REFUSED_PAIRS) {
      errors.push(`${r.error.message}; ${rest.length - r.error.completed.length} pair(s) untested`);
      break;
    }
    errors.push(`${failed.a} vs ${failed.b}: ${r.error.message}`);
    results.push(undefined);
  }

  const withIntegration = new Map<string, ReadonlySet<string>>();
  const predicted: PredictedConflict[] = [];
  for (const [i, job] of jobs.entries()) {
    const result = results[i];
    if (result === undefined || result.clean) continue;
    if (job.against === "integration") {
      withIntegration.set(job.a, new Set(result.conflictedFiles));
      predicted.push({ a: job.a, b: job.b, against: job.against, files: result.conflictedFiles });
      continue;
    }
    // Integration jobs come first, so both lanes' sets are known here.
    const known = (f: string): boolean =>
      withIntegration.get(job.a)?.has(f) === true || withIntegration.get(job.b)?.has(f) === true;
    const files = result.conflictedFiles.filter((f) => !known(f));
    if (files.length > 0) predicted.push({ a: job.a, b: job.b, against: job.against, files });
  }
  return { predicted, errors, merges: results.filter((r) => r !== undefined).length };
}

/**
 * Items to hold back (the scheduler's `predictedConflicts`): those whose touches overlap a lane
 * predicted to conflict (its item's touches or the predicted files), the flagged lanes' own items excluded. `items` are the plan's items
 * (the lanes' items are looked up among them); non-ready ids in the answer are ignored by the scheduler.
 */
export function predictedConflictItems(
  predicted: readonly PredictedConflict[],
  items: readonly TouchingItem[],
): Set<string> {
  // A flagged lane's effective touches: its item's declared globs plus the files predicted to
  // conflict (literal paths), so lanes of items that declared no touches still hold others back.
  const flagged = new Map<string, Set<string>>();
  const flag = (id: string, files: readonly string[]) => {
    const set = flagged.get(id) ?? new Set<string>();
    for (const f of files) set.add(f);
    flagged.set(id, set);
  };
  for (const p of predicted) {
    flag(p.a, p.files);
    if (p.against === "lane") flag(p.b, p.files);
  }
  const byId = new Map(items.map((item) => [item.id, item]));
  const lanes = [...flagged].map(([id, files]) => ({
    id,
    touches: [...(byId.get(id)?.touches ?? []), ...files],
  }));
  const held = new Set<string>();
  for (const item of items) {
    if (flagged.has(item.id)) continue;
    if (lanes.some((lane) => overlaps(item, lane))) held.add(item.id);
  }
  return held;
}

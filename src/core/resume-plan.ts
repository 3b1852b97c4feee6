// What `flotilla resume` does with each item of an unfinished run, decided from facts alone: the
// database rows, the merges git has on the integration branch, and whether each unfinished
// attempt's agent is still alive. Git is the truth for merges: a merge the database missed is
// taken from the ref, and a merge the database claims but the branch lacks is done again.
import type { AttemptRecord, ItemRecord } from "./state-types.js";

/** A merge of this run found on the integration branch. */
export interface MergeOnBranch {
  readonly itemId: string;
  readonly attempt: number;
  readonly commit: string;
}

/** What resume does with one item. */
export type ResumeStep =
  /** Merged already (or landed); `reconciled` when only git knew. */
  | { readonly kind: "merged"; readonly commit: string; readonly reconciled: boolean }
  /** Out of attempts before the crash: stays failed. */
  | { readonly kind: "failed" }
  /** Nothing in flight: the scheduler starts it (again) as usual. */
  | { readonly kind: "pending" }
  /** An attempt without an ending: re-attach to its agent (alive) or judge what it left (gone). */
  | { readonly kind: "adopt"; readonly attempt: number; readonly alive: boolean }
  /** Finished work that waited for the merge queue: queue it again. */
  | { readonly kind: "merge"; readonly attempt: number; readonly head: string };

/** One item's plan with the counters it continues from. */
export interface ResumeItem {
  readonly itemId: string;
  readonly step: ResumeStep;
  /** The highest attempt number used so far (the next attempt is one more). */
  readonly attempts: number;
  readonly retriesUsed: number;
  readonly fixForwardsUsed: number;
}

/** The facts resume decides from. */
export interface ResumeFacts {
  readonly itemIds: readonly string[];
  readonly items: readonly ItemRecord[];
  readonly attempts: readonly AttemptRecord[];
  readonly merges: readonly MergeOnBranch[];
  /** Whether the agent of an attempt (by `<item>#<n>`) is still running. */
  readonly alive: (attempt: AttemptRecord) => boolean;
}

/** Decides what resume does with every item of the plan, in plan order. */
export function planResume(f: ResumeFacts): ResumeItem[] {
  const rows = new Map(f.items.map((i) => [i.id, i]));
  const merged = new Map(f.merges.map((m) => [m.itemId, m]));
  return f.itemIds.map((itemId): ResumeItem => {
    const row = rows.get(itemId);
    const attempts = f.attempts.filter((a) => a.itemId === itemId).sort((x, y) => x.n - y.n);
    const last = attempts.at(-1);
    const base = {
      itemId,
      attempts: last?.n ?? 0,
      retriesUsed: row?.retriesUsed ?? 0,
      fixForwardsUsed: row?.fixForwardsUsed ?? 0,
    };
    const onBranch = merged.get(itemId);
    if (onBranch !== undefined) {
      const known = row?.status === "merged" || row?.status === "landed";
      return { ...base, step: { kind: "merged", commit: onBranch.commit, reconciled: !known } };
    }
    if (row?.status === "failed") return { ...base, step: { kind: "failed" } };
    if (last !== undefined && last.outcome === undefined) {
      return { ...base, step: { kind: "adopt", attempt: last.n, alive: f.alive(last) } };
    }
    // Accepted work whose merge did not happen (still queued, or the database ran ahead of the ref).
    if (
      last?.outcome === "accepted" &&
      last.headCommit !== undefined &&
      (row?.status === "queued" || row?.status === "merged" || row?.status === "landed")
    ) {
      return { ...base, step: { kind: "merge", attempt: last.n, head: last.headCommit } };
    }
    return { ...base, step: { kind: "pending" } };
  });
}

/** The subject and trailer of a merge the queue or the resolver wrote for an item of a run. */
export function parseItemMerge(opts: {
  subject: string;
  body: string;
  runId: string;
}): { itemId: string; attempt: number } | undefined {
  const m = /^flotilla: merge (\S+) \(attempt (\d+)\)/.exec(opts.subject);
  if (m === null) return undefined;
  if (!opts.body.split("\n").some((l) => l.trim() === `Run: ${opts.runId}`)) return undefined;
  return { itemId: m[1]!, attempt: Number(m[2]) };
}

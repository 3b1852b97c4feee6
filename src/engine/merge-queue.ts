// The merge queue: finished attempts merge into the integration branch one at a time, in the order
// they finished, entirely in git's object store (merge-tree + commit-tree), behind the post-merge
// gates, and the integration ref moves only by compare-and-swap. The user's checkout is never used.
import * as git from "../adapters/git/index.js";
import type { EngineContext } from "./context.js";
import { runGates, type GateFailure } from "./gates.js";
import { ensureGateWorktree } from "./gate-worktree.js";

/** A finished attempt waiting to merge. */
export interface QueueEntry {
  readonly itemId: string;
  readonly title: string;
  readonly attempt: number;
  readonly head: string;
}

/** How one entry left the queue. */
export type MergeOutcome =
  | { readonly kind: "merged"; readonly commit: string }
  | { readonly kind: "conflict"; readonly files: readonly string[] }
  | { readonly kind: "gate-failed"; readonly failure: GateFailure };

/** The queue as the run loop sees it. */
export interface MergeQueue {
  enqueue(entry: QueueEntry): void;
  /** True when nothing is waiting or merging. */
  idle(): boolean;
}

/** Starts a queue worker; `onDone` is called once per entry, in order. */
export function createMergeQueue(opts: {
  ctx: EngineContext;
  onDone: (entry: QueueEntry, outcome: MergeOutcome) => void;
  onError: (error: unknown) => void;
}): MergeQueue {
  const waiting: QueueEntry[] = [];
  let busy = false;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let entry = waiting.shift(); entry !== undefined; entry = waiting.shift()) {
        const outcome = await mergeOne(opts.ctx, entry);
        opts.onDone(entry, outcome);
      }
    } finally {
      busy = false;
    }
  };
  return {
    enqueue(entry) {
      waiting.push(entry);
      pump().catch(opts.onError);
    },
    idle: () => !busy && waiting.length === 0,
  };
}

/** Merges one entry into the integration branch (or says why not). */
export async function mergeOne(ctx: EngineContext, entry: QueueEntry): Promise<MergeOutcome> {
  const ref = `refs/heads/${ctx.integrationBranch}`;
  for (;;) {
    const head = await git.revParse(ctx.repoDir, ref);
    if (head === undefined) throw new Error(`the integration branch ${ctx.integrationBranch} disappeared`);
    const merged = await git.mergeTree({ cwd: ctx.repoDir, ours: head, theirs: entry.head });
    if (!merged.ok) throw new Error(merged.error.message);
    if (!merged.value.clean) return { kind: "conflict", files: merged.value.conflictedFiles };
    const commit = await git.commitTree({
      cwd: ctx.repoDir,
      tree: merged.value.tree,
      parents: [head, entry.head],
      message: `flotilla: merge ${entry.itemId} (attempt ${entry.attempt})\n\n${entry.title}\n\nRun: ${ctx.runId}\n`,
    });
    if (ctx.plan.gates.postMerge.length > 0) {
      const dir = await ensureGateWorktree(ctx, commit);
      const failure = await runGates({
        ctx,
        stage: "post_merge",
        commands: ctx.plan.gates.postMerge,
        cwd: dir,
        env: {
          ...ctx.baseEnv,
          FLOTILLA_RUN: ctx.runId,
          FLOTILLA_ITEM: entry.itemId,
          FLOTILLA_ATTEMPT: String(entry.attempt),
          FLOTILLA_WORKTREE: dir,
          FLOTILLA_ROLE: "gate",
        },
        logDir: ctx.paths.attemptDir(ctx.runId, entry.itemId, entry.attempt),
        itemId: entry.itemId,
        attempt: entry.attempt,
      });
      if (failure !== undefined) return { kind: "gate-failed", failure };
    }
    const moved = await git.updateRef({ cwd: ctx.repoDir, ref, newValue: commit, oldValue: head });
    if (moved.ok) return { kind: "merged", commit };
    // Only this queue moves the integration branch; if it moved, someone else did: merge again on top.
    ctx.emit({
      type: "warning",
      message: `the integration branch moved during a merge of ${entry.itemId}; merging again`,
    });
  }
}

// The merge queue: finished attempts merge into the integration branch in the order they finished,
// entirely in git's object store. Up to `merge.batch` queued entries are stacked into a chain of
// merge commits on the integration head and the post-merge gates run once on the top; a failing
// chain is bisected (src/core/merge-batch.ts; no entry goes back on one failed run: flaky gates) so
// that exactly the culprits go back. Each merge is classified first (src/engine/conflicts): clean and trivial ones
// (whitespace-only, both-added) merge; medium and heavy ones leave the batch for the run to handle.
// An entry a resolver resolved comes back as its merge commit and is gated like any other: on the
// head it was resolved against it is used as it is; on a head that moved since, it is merged again.
// The integration ref only moves by compare-and-swap to a chain top whose gates passed.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as git from "../adapters/git/index.js";
import { nextStep, recordConflict, recordGate, startBatch, type BatchState } from "../core/merge-batch.js";
import { classifyMerge, describeMerge } from "./conflicts/index.js";
import type { EngineContext } from "./context.js";
import { withAcceptedChecks } from "./criteria-gates.js";
import { runGates, type GateFailure } from "./gates.js";
import { ensureGateWorktree } from "./gate-worktree.js";

/** A finished attempt waiting to merge. */
export interface QueueEntry {
  readonly itemId: string;
  readonly title: string;
  readonly attempt: number;
  readonly head: string;
  /** A resolver's merge of `head` into the integration branch (medium conflicts). */
  readonly resolution?: EntryResolution;
}

/** A resolved medium conflict, ready to merge. */
export interface EntryResolution {
  /** The merge commit: the resolution's tree, parents [against, the item's head]. */
  readonly commit: string;
  /** The integration head the conflict was resolved against. */
  readonly against: string;
  /** The files that conflicted. */
  readonly files: readonly string[];
  /** The resolver's own commit (kept by a ref under refs/flotilla/resolutions/). */
  readonly resolverHead: string;
}

/** How one entry left the queue. */
export type MergeOutcome =
  | {
      readonly kind: "merged";
      readonly commit: string;
      /** medium: a resolver resolved the conflict. */
      readonly conflictClass: "clean" | "trivial" | "medium";
      /** Files whose conflicts were resolved (trivially, or by the resolver). */
      readonly files: readonly string[];
    }
  | {
      readonly kind: "conflict";
      readonly conflictClass: "medium" | "heavy";
      readonly files: readonly string[];
      /** What conflicted and why, for the report and the next attempt's feedback. */
      readonly description: string;
      /** The integration head it conflicted with. */
      readonly against: string;
      /** For medium: the merged tree with conflict markers in `files`. */
      readonly tree?: string;
    }
  | { readonly kind: "gate-failed"; readonly failure: GateFailure };

/** The queue as the run loop sees it. */
export interface MergeQueue {
  enqueue(entry: QueueEntry): void;
  /** True when nothing is waiting or merging. */
  idle(): boolean;
}

/** Starts a queue worker; `onDone` is called once per entry. */
export function createMergeQueue(opts: {
  ctx: EngineContext;
  onDone: (entry: QueueEntry, outcome: MergeOutcome) => void;
  onError: (error: unknown) => void;
  /** Called each time the queue has drained (the run loop waits for that before it ends). */
  onIdle: () => void;
}): MergeQueue {
  const waiting: QueueEntry[] = [];
  let busy = false;
  let batches = 0;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, Math.max(1, opts.ctx.plan.merge.batch));
        batches += 1;
        await mergeBatch({ ctx: opts.ctx, batch, number: batches, onDone: opts.onDone });
      }
    } catch (e) {
      // Reported before onIdle: a run loop woken by onIdle must already see the error, or it finds
      // the queue idle, nothing pending, and ends as if the entry had never been queued.
      opts.onError(e);
    } finally {
      busy = false;
      opts.onIdle();
    }
  };
  return {
    enqueue(entry) {
      waiting.push(entry);
      void pump();
    },
    idle: () => !busy && waiting.length === 0,
  };
}

/** One link of a chain: the entry's merge commit on top of the previous link. */
type Link =
  | {
      readonly kind: "merged";
      readonly commit: string;
      readonly conflictClass: "clean" | "trivial" | "medium";
      readonly files: readonly string[];
    }
  | Extract<MergeOutcome, { kind: "conflict" }>;

/** Merges one batch of entries (a batch of one is the one-at-a-time queue). */
export async function mergeBatch(opts: {
  ctx: EngineContext;
  batch: readonly QueueEntry[];
  number: number;
  onDone: (entry: QueueEntry, outcome: MergeOutcome) => void;
}): Promise<void> {
  const { ctx } = opts;
  const ref = `refs/heads/${ctx.integrationBranch}`;
  const byId = new Map(opts.batch.map((e) => [e.itemId, e]));
  // Merge commits by (parent, entry): a bisection step reuses the chain it already built.
  const links = new Map<string, Link>();
  const failures = new Map<number, GateFailure>();
  let state: BatchState = startBatch(
    opts.batch.map((e) => e.itemId),
    { retryFlaky: ctx.plan.merge.retryFlaky },
  );
  for (;;) {
    const step = nextStep(state);
    if (step.kind === "done") {
      for (const c of state.culprits) {
        const failure = failures.get(c.gateRun);
        if (failure === undefined)
          throw new Error(`bug: no gate output for run ${c.gateRun} of batch ${opts.number}`);
        opts.onDone(byId.get(c.id)!, { kind: "gate-failed", failure });
      }
      if (step.flaky) {
        ctx.emit({
          type: "warning",
          message: `post-merge gates failed once and passed when rerun (flaky) in the batch of ${opts.batch.map((e) => e.itemId).join(", ")}`,
        });
      }
      return;
    }
    const head = await git.revParse(ctx.repoDir, ref);
    if (head === undefined) throw new Error(`the integration branch ${ctx.integrationBranch} disappeared`);
    let top = head;
    const chain: { entry: QueueEntry; link: Extract<Link, { kind: "merged" }> }[] = [];
    let conflicted = false;
    for (const id of step.prefix) {
      const entry = byId.get(id)!;
      const key = `${top}:${entry.itemId}:${entry.head}`;
      const link = links.get(key) ?? (await stack(ctx, top, entry));
      links.set(key, link);
      if (link.kind === "conflict") {
        opts.onDone(entry, link);
        state = recordConflict(state, id);
        conflicted = true;
        break;
      }
      chain.push({ entry, link });
      top = link.commit;
    }
    if (conflicted) continue;
    const run = state.gateRuns + 1;
    let failure: GateFailure | undefined;
    const gates = withAcceptedChecks(ctx.plan.gates.postMerge, ctx.acceptedChecks?.() ?? []);
    if (gates.commands.length > 0) {
      const dir = await ensureGateWorktree(ctx, top);
      const single = chain.length === 1 ? chain[0]!.entry : undefined;
      const logDir = join(ctx.paths.runDir(ctx.runId), "merges", `${opts.number}-${run}`);
      mkdirSync(logDir, { recursive: true });
      failure = await runGates({
        ctx,
        stage: "post_merge",
        commands: gates.commands,
        cwd: dir,
        env: {
          ...ctx.baseEnv,
          FLOTILLA_RUN: ctx.runId,
          FLOTILLA_ITEM: chain.map((c) => c.entry.itemId).join(","),
          FLOTILLA_WORKTREE: dir,
          FLOTILLA_ROLE: "gate",
        },
        logDir,
        ...(single === undefined ? {} : { itemId: single.itemId, attempt: single.attempt }),
      });
      const broke = failure === undefined ? undefined : gates.owner(failure.command);
      if (failure !== undefined) failures.set(run, broke === undefined ? failure : { ...failure, broke });
    }
    if (failure === undefined) {
      const moved = await git.updateRef({ cwd: ctx.repoDir, ref, newValue: top, oldValue: head });
      if (!moved.ok) {
        // Only this queue moves the integration branch while items run; if it moved, build again on it.
        ctx.emit({
          type: "warning",
          message: "the integration branch moved during a merge; merging again on its new head",
        });
        continue;
      }
      for (const { entry, link } of chain) {
        opts.onDone(entry, {
          kind: "merged",
          commit: link.commit,
          conflictClass: link.conflictClass,
          files: link.files,
        });
      }
    }
    state = recordGate(state, failure === undefined);
  }
}

// Merges one entry onto `top` in the object store, resolving trivial conflicts; medium and heavy
// conflicts come back as such. A resolved entry is its resolver's merge when `top` is the head it was
// resolved against, and that merge merged again onto `top` otherwise (its base is that head).
async function stack(ctx: EngineContext, top: string, entry: QueueEntry): Promise<Link> {
  const resolved = entry.resolution;
  if (resolved?.against === top)
    return { kind: "merged", commit: resolved.commit, conflictClass: "medium", files: resolved.files };
  const classified = await classifyMerge({
    cwd: ctx.repoDir,
    ours: top,
    theirs: resolved?.commit ?? entry.head,
    ...(resolved === undefined ? {} : { base: resolved.against }),
    thresholds: { mediumMaxFiles: ctx.plan.merge.mediumMaxFiles, rewriteRatio: ctx.plan.merge.rewriteRatio },
  });
  if (!classified.ok) throw new Error(`could not merge ${entry.itemId}: ${classified.error.message}`);
  const m = classified.value;
  switch (m.class) {
    case "clean":
    case "trivial": {
      const trivial =
        m.class === "trivial"
          ? `\nConflicts resolved as trivial (ours, then theirs):\n${m.resolutions.map((r) => `  ${r.file}: ${r.kind}`).join("\n")}\n`
          : "";
      const again =
        resolved === undefined
          ? ""
          : `\nConflicts in ${resolved.files.join(", ")} resolved by a resolver (${resolved.resolverHead}), merged again onto the moved integration branch.\n`;
      const commit = await git.commitTree({
        cwd: ctx.repoDir,
        tree: m.tree,
        parents: [top, entry.head],
        message: `flotilla: merge ${entry.itemId} (attempt ${entry.attempt})\n\n${entry.title}\n${again}${trivial}\nRun: ${ctx.runId}\n`,
      });
      if (resolved !== undefined)
        return { kind: "merged", commit, conflictClass: "medium", files: resolved.files };
      return { kind: "merged", commit, conflictClass: m.class, files: m.class === "trivial" ? m.files : [] };
    }
    case "medium":
      return {
        kind: "conflict",
        conflictClass: "medium",
        files: m.files,
        description: describeMerge(m),
        against: top,
        tree: m.tree,
      };
    case "heavy":
      return {
        kind: "conflict",
        conflictClass: "heavy",
        files: m.files,
        description: describeMerge(m),
        against: top,
      };
  }
}

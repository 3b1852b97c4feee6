// The run-level half of resume: taking over the unfinished run's row, and seeding the run loop's
// bookkeeping from what `planResume` decided (merged items done, attempts re-attached, finished
// work queued again, the rest pending with their counters).
import { hostname } from "node:os";
import { processStartTime } from "../adapters/process/group.js";
import { replayFollowUps } from "../core/follow-up.js";
import { relayEntryOf } from "../core/relay.js";
import type { ResumeItem } from "../core/resume-plan.js";
import type { Item } from "../plan/types.js";
import {
  UNFINISHED_RUN_STATUSES,
  type AttemptRecord,
  type ItemStatus,
  type RunRecord,
  type StateStore,
} from "../core/state-types.js";
import { err, ok, unreachable, type Result } from "../util/result.js";
import type { EngineContext } from "./context.js";
import type { QueueEntry } from "./merge-queue.js";
import { feedbackFromAttempts, resetGateWorktree, resumeSteps } from "./resume.js";
import type { Tracked } from "./run.js";

/** What the run loop lends the seed to apply itself. */
export interface ResumeHooks {
  readonly tracked: ReadonlyMap<string, Tracked>;
  readonly setItem: (
    t: Tracked,
    status: ItemStatus,
    reason?: string,
    patch?: { mergedCommit?: string },
  ) => void;
  readonly launch: (t: Tracked, adopt: AttemptRecord) => void;
  readonly enqueue: (entry: QueueEntry) => void;
  /** An item merged before the crash: its checks join later gates and the relay names it. */
  readonly merged: (t: Tracked) => void;
}

/** The loop's starting point for a resumed run. */
export interface ResumeSeed {
  readonly steps: readonly ResumeItem[];
  /** Follow-ups of PARTIAL attempts the run had added: not in the plan, scheduled again. */
  readonly followUps: readonly Item[];
  apply(hooks: ResumeHooks): void;
}

/** Takes over an unfinished run: this process becomes its owner and it is running again. */
export function continueRun(opts: {
  store: StateStore;
  run: RunRecord | undefined;
}): Result<RunRecord, string> {
  const { run } = opts;
  if (run === undefined) return err("nothing to resume: no unfinished run");
  if (!UNFINISHED_RUN_STATUSES.includes(run.status))
    return err(`nothing to resume: run ${run.id} is ${run.status}`);
  return ok(
    opts.store.updateRun(run.id, {
      status: "running",
      endedAt: undefined,
      pid: process.pid,
      pidStartTime: processStartTime(process.pid),
      host: hostname(),
    }),
  );
}

/** Reads the facts and decides each item's step; `apply` seeds the loop with them. */
export async function seedResume(ctx: EngineContext, run: RunRecord): Promise<ResumeSeed> {
  // Killed between creating the run and writing its items: they start as pending now.
  const known = new Set(ctx.store.listItems(ctx.runId).map((i) => i.id));
  const missing = ctx.plan.items.filter((i) => !known.has(i.id));
  if (missing.length > 0)
    ctx.store.upsertItems(
      ctx.runId,
      missing.map((i) => ({ id: i.id, status: "pending" as const })),
    );
  await resetGateWorktree(ctx);
  const followUps = replayFollowUps({ items: ctx.plan.items, events: ctx.store.listEvents(ctx.runId) });
  const steps = await resumeSteps({
    store: ctx.store,
    runId: ctx.runId,
    repoDir: ctx.repoDir,
    integrationBranch: ctx.integrationBranch,
    baseCommit: run.baseCommit,
    itemIds: [...ctx.plan.items, ...followUps].map((i) => i.id),
  });
  const attempts = ctx.store.listAttempts(ctx.runId);
  const rows = new Map(ctx.store.listItems(ctx.runId).map((r) => [r.id, r]));
  return {
    steps,
    followUps,
    apply(h) {
      for (const s of steps) {
        const t = h.tracked.get(s.itemId);
        if (t === undefined) continue;
        const mine = attempts.filter((a) => a.itemId === s.itemId);
        t.attempts = s.attempts;
        t.retriesUsed = s.retriesUsed;
        t.fixForwardsUsed = s.fixForwardsUsed;
        t.feedback = feedbackFromAttempts(mine);
        const row = rows.get(s.itemId);
        const step = s.step;
        // What dependents are told this item did (its work is recorded once it was queued).
        if (row !== undefined && row.commits.length > 0) {
          t.relay = relayEntryOf(t.item, row);
        }
        switch (step.kind) {
          case "merged":
            t.sched = "done";
            h.merged(t);
            if (step.reconciled) {
              ctx.emit({
                type: "warning",
                itemId: s.itemId,
                message: `${s.itemId} was merged (${step.commit.slice(0, 12)}) but the state did not say so: taken from git`,
              });
              h.setItem(t, "merged", undefined, { mergedCommit: step.commit });
            }
            break;
          case "failed":
            t.sched = "failed";
            break;
          case "pending":
            t.sched = "pending";
            if (row?.status !== "pending") h.setItem(t, "pending");
            break;
          case "adopt": {
            const a = mine.find((x) => x.n === step.attempt);
            if (a === undefined) throw new Error(`bug: attempt ${step.attempt} of ${s.itemId} vanished`);
            ctx.emit({
              type: "warning",
              itemId: s.itemId,
              message: step.alive
                ? `re-attached to the agent of ${s.itemId} #${a.n} (pid ${a.pid ?? "?"}), still running`
                : `the agent of ${s.itemId} #${a.n} is gone: judging what it left from git`,
            });
            h.launch(t, a);
            break;
          }
          case "merge":
            t.sched = "running";
            t.queued = true;
            h.setItem(t, "queued");
            h.enqueue({ itemId: s.itemId, title: t.item.title, attempt: step.attempt, head: step.head });
            break;
          default:
            unreachable(step, "resume step");
        }
      }
    },
  };
}

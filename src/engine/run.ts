// A run from start to end: preflight, the state rows, then the loop — the scheduler picks ready
// items, attempts run in their lanes, finished work goes through the merge queue, failures come
// back with feedback until retries run out — and finally the land. The engine prints nothing: it
// emits events and writes the state store.
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import * as git from "../adapters/git/index.js";
import { processStartTime } from "../adapters/process/group.js";
import { createBudget } from "../core/budget.js";
import { followUpItem } from "../core/follow-up.js";
import { dispatchWeight } from "../core/dispatch-weight.js";
import { itemWeight } from "../core/plan-summary.js";
import { relayEntryOf, selectRelay } from "../core/relay.js";
import { decide, blockedBy, type SchedulerItemState } from "../core/scheduler.js";
import type { EventSink, RunEvent } from "../core/events.js";
import type { FailedCriterion, FeedbackEntry, RelayEntry } from "../core/prompt.js";
import type {
  AttemptOutcome,
  AttemptRecord,
  ItemStatus,
  JsonObject,
  RunStatus,
  StateStore,
} from "../core/state-types.js";
import { buildGraph, computeWaves, conflictGroups } from "../graph/index.js";
import type { Item, Plan } from "../plan/types.js";
import { createMutex } from "../util/mutex.js";
import { err, ok, type Result } from "../util/result.js";
import { runAttempt, type AttemptResult } from "./attempt.js";
import { boundedDiff } from "./bounded-diff.js";
import { defaultEngineOptions, type EngineContext, type EngineOptions } from "./context.js";
import { createCheckoutWatch } from "./checkout-watch.js";
import { acceptedChecks, judgeBreak } from "./criteria-gates.js";
import { landRun } from "./land.js";
import type { GateFailure } from "./gates.js";
import { createMergeQueue, type MergeOutcome, type QueueEntry } from "./merge-queue.js";
import { flotillaPaths, names } from "./paths.js";
import { preflight, type PreflightProblem } from "./preflight.js";
import { predictedConflictItems, probeLanes, type ProbeLane } from "./probe.js";
import { resolverProfile, runResolver } from "./resolver.js";
import { adoptAttempt } from "./resume.js";
import { continueRun, seedResume, type ResumeSeed } from "./resume-run.js";
import { acquireRunLock } from "./run-lock.js";
import { createStateGuard } from "./state-guard.js";

/** Everything a run needs from its caller. */
export interface RunRequest {
  readonly plan: Plan;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Opens the state store at the given path (the CLI passes the SQLite store). */
  readonly openStore: (file: string) => Result<StateStore, Error>;
  readonly emit: EventSink;
  /** Aborted on the first Ctrl-C: no new attempts start; running ones finish and merge. */
  readonly stop?: AbortSignal;
  /** Aborted on the second Ctrl-C or SIGTERM: agents and gates are stopped; the run is resumable. */
  readonly hardStop?: AbortSignal;
  readonly restart?: boolean;
  /** Continue the unfinished run (this id, or the plan's newest unfinished one) instead of refusing. */
  readonly resume?: { readonly runId?: string };
  readonly allowNested?: boolean;
  readonly options?: Partial<EngineOptions>;
  /** Recorded on the run: the flags that overrode plan keys. */
  readonly overrides?: JsonObject;
}

/** Why a run did not start (exit 2: nothing was started). */
export type RunRefusal =
  | { readonly reason: "preflight"; readonly problems: readonly PreflightProblem[] }
  | { readonly reason: "unfinished-run"; readonly runId: string; readonly message: string }
  | { readonly reason: "locked"; readonly runId: string; readonly message: string }
  | { readonly reason: "state"; readonly message: string };

/** How a run ended. */
export interface RunOutcome {
  readonly runId: string;
  readonly status: RunStatus;
  readonly exitCode: 0 | 1 | 3;
  readonly stateDb: string;
}

/** Runs a plan to its end (or until stopped). */
export async function executeRun(req: RunRequest): Promise<Result<RunOutcome, RunRefusal>> {
  const pre = await preflight({
    plan: req.plan,
    cwd: req.cwd,
    env: req.env,
    allowNested: req.allowNested === true,
    resuming: req.resume !== undefined,
  });
  if (!pre.ok) return err({ reason: "preflight", problems: pre.error });
  const facts = pre.value;
  const paths = flotillaPaths(facts.commonDir, req.env);
  const opened = req.openStore(paths.stateDb);
  if (!opened.ok) return err({ reason: "state", message: opened.error.message });
  const store = opened.value;
  try {
    const unfinished =
      req.resume?.runId !== undefined
        ? store.getRun(req.resume.runId)
        : store.latestUnfinishedRun({ planName: req.plan.name });
    if (unfinished !== undefined && req.restart !== true && req.resume === undefined) {
      return err({
        reason: "unfinished-run",
        runId: unfinished.id,
        message: `run ${unfinished.id} of plan "${req.plan.name}" is unfinished (${unfinished.status}); continue it with \`flotilla resume ${unfinished.id}\` (or \`flotilla run --resume\`) or start over with \`flotilla run --restart\``,
      });
    }
    const lock = acquireRunLock({ file: paths.lock, runId: "(starting)" });
    if (!lock.ok) {
      return err({
        reason: "locked",
        runId: lock.holder.runId,
        message: `another flotilla run is active in this repository: ${lock.holder.runId} (pid ${lock.holder.pid} on ${lock.holder.host}); wait for it or stop it first`,
      });
    }
    try {
      const resuming = req.resume === undefined ? undefined : continueRun({ store, run: unfinished });
      if (resuming !== undefined && !resuming.ok) return err({ reason: "state", message: resuming.error });
      if (unfinished !== undefined && resuming === undefined) {
        store.updateRun(unfinished.id, { status: "failed", endedAt: new Date().toISOString() });
      }
      const run =
        resuming?.value ??
        store.createRun({
          planFile: req.plan.file,
          planName: req.plan.name,
          planJson: JSON.stringify(req.plan),
          base: facts.base,
          baseCommit: facts.baseCommit,
          integrationBranch: req.plan.integrationBranch,
          startedAt: new Date().toISOString(),
          pid: process.pid,
          pidStartTime: processStartTime(process.pid),
          host: hostname(),
          optionsJson: JSON.stringify(req.overrides ?? {}),
        });
      if (lock.tookOverFrom !== undefined) {
        req.emit({
          type: "warning",
          message: `took over a stale run lock left by ${lock.tookOverFrom.runId} (pid ${lock.tookOverFrom.pid})`,
        });
      }
      const hard = req.hardStop ?? new AbortController().signal;
      // Every running agent and gate listens to these signals: many at once is expected, not a leak.
      setMaxListeners(0, hard);
      if (req.stop !== undefined) setMaxListeners(0, req.stop);
      const guard = createStateGuard({ file: paths.stateDb, integrationBranch: req.plan.integrationBranch });
      const ctx: EngineContext = {
        runId: run.id,
        plan: req.plan,
        repoDir: facts.repoDir,
        commonDir: facts.commonDir,
        paths,
        store,
        emit: (e: RunEvent) => {
          guard();
          store.appendEvent({
            runId: run.id,
            type: e.type,
            itemId: "itemId" in e ? e.itemId : undefined,
            attempt: "attempt" in e ? e.attempt : undefined,
            data: e,
          });
          req.emit(e);
        },
        options: { ...defaultEngineOptions, ...req.options },
        hardStop: hard,
        baseEnv: req.env,
        base: facts.base,
        integrationBranch: req.plan.integrationBranch,
        checkoutWatch: createCheckoutWatch(facts.repoDir),
        worktreeMutex: createMutex(),
      };
      if (facts.integrationTip === undefined) {
        const made = await git.updateRef({
          cwd: facts.repoDir,
          ref: `refs/heads/${req.plan.integrationBranch}`,
          newValue: facts.baseCommit,
          oldValue: git.ZERO_OID,
        });
        if (!made.ok)
          throw new Error(`could not create the integration branch ${req.plan.integrationBranch}`);
      }
      if (resuming === undefined) {
        store.upsertItems(
          run.id,
          req.plan.items.map((i) => ({ id: i.id, status: "pending" as const })),
        );
      }
      ctx.emit({
        type: "run-started",
        runId: run.id,
        plan: req.plan.file,
        base: facts.base,
        integrationBranch: req.plan.integrationBranch,
        items: req.plan.items.length,
      });
      let status: RunStatus;
      try {
        status = await loop(ctx, req.stop, resuming === undefined ? undefined : await seedResume(ctx, run));
      } catch (e) {
        // A bug, a broken repository or a broken state file: every commit is still kept by refs, so
        // the run is left resumable rather than stuck as "running"; the error goes on to the caller.
        try {
          store.updateRun(run.id, { status: "interrupted", endedAt: new Date().toISOString() });
          ctx.emit({ type: "run-ended", status: "interrupted", exitCode: 3 });
        } catch {
          // The state file itself may be what broke: the first error is the one to report.
        }
        throw e;
      }
      const exitCode = status === "landed" ? 0 : status === "interrupted" ? 3 : 1;
      store.updateRun(run.id, { status, endedAt: new Date().toISOString() });
      ctx.emit({ type: "run-ended", status, exitCode });
      return ok({ runId: run.id, status, exitCode, stateDb: paths.stateDb });
    } finally {
      lock.release();
    }
  } finally {
    store.close();
  }
}

/** The scheduler's view of an item plus the engine's bookkeeping. */
export interface Tracked {
  readonly item: Item;
  sched: SchedulerItemState;
  /** An attempt is running or its work waits in the merge queue. */
  queued: boolean;
  attempts: number;
  retriesUsed: number;
  fixForwardsUsed: number;
  feedback: FeedbackEntry[];
  /** The lane of the agent that is running now (for the conflict probe). */
  lane?: { readonly branch: string; readonly start: string };
  /** The last merge conflict this item had (its class is what the report shows). */
  conflict?: { readonly conflictClass: "medium" | "heavy"; readonly files: readonly string[] };
  relay?: RelayEntry;
  /** What the agent said remains after `STATUS: PARTIAL` (a follow-up is added once it merges). */
  partial?: string;
  /** Resolver sessions started on the current attempt's conflicts (resolutions overtaken included). */
  resolverRounds?: number;
}

/**
 * Resolver sessions one attempt may get: a resolution that conflicts again because other work merged
 * while its resolver ran is resolved again (medium only), up to this many sessions; then fix-forward.
 */
const MAX_RESOLVER_ROUNDS = 3;

const RETRYABLE: ReadonlySet<AttemptOutcome> = new Set([
  "rejected",
  "failed",
  "timeout",
  "no-work",
  "blocked",
  "lost",
]);

async function loop(
  runCtx: EngineContext,
  stop: AbortSignal | undefined,
  resume: ResumeSeed | undefined,
): Promise<RunStatus> {
  const { plan, store } = runCtx;
  // Items merged so far, in merge order: their checks join the later gates; the relay reads them.
  const mergeOrder: string[] = [];
  // `--hard-budget` stops running agents (not merges or the land) when the budget is spent.
  const budgetStop = new AbortController();
  const queueCtx: EngineContext = {
    ...runCtx,
    acceptedChecks: () => acceptedChecks(mergeOrder.map((id) => tracked.get(id)!.item)),
  };
  const ctx: EngineContext = { ...queueCtx, hardStop: AbortSignal.any([runCtx.hardStop, budgetStop.signal]) };
  // Follow-ups of PARTIAL attempts join the run: the graph and waves are rebuilt with them.
  const items: Item[] = [...plan.items, ...(resume?.followUps ?? [])];
  let graph = buildGraph(items);
  const wavesOf = () =>
    plan.schedule === "waves" ? computeWaves(graph, conflictGroups(items), { weight: itemWeight }) : [];
  let waves = wavesOf();
  const tracked = new Map<string, Tracked>(items.map((item) => [item.id, fresh(item)]));
  // Waves stay those `check` shows; dispatch inside them and continuous dispatch use dispatchWeight.
  const weight = dispatchWeight(plan.items);
  let wake: () => void = () => undefined;
  const woken = () => new Promise<void>((resolve) => (wake = resolve));
  let fatal: unknown;
  let agentsRunning = 0;
  const budget = createBudget(plan);
  let budgetHit = false;
  const freeSlots: number[] = [];
  let nextSlot = 0;
  // Each agent session (attempt or resolver) holds a slot: its port range.
  const takeSlot = () => freeSlots.shift() ?? nextSlot++;
  const releaseSlot = (slot: number) => {
    freeSlots.push(slot);
    freeSlots.sort((x, y) => x - y);
  };

  const setItem = (
    t: Tracked,
    status: ItemStatus,
    reason?: string,
    patch: Parameters<StateStore["updateItem"]>[2] = {},
  ) => {
    store.updateItem(ctx.runId, t.item.id, {
      status,
      ...(reason === undefined ? {} : { lastReason: reason }),
      ...patch,
    });
    ctx.emit({
      type: "item-state",
      itemId: t.item.id,
      state: status,
      ...(reason === undefined ? {} : { reason }),
    });
  };

  const failOrRetry = (
    t: Tracked,
    attempt: number,
    outcome: AttemptOutcome,
    reason: string,
    more: {
      details?: string | undefined;
      criteria?: readonly FailedCriterion[] | undefined;
      broke?: FeedbackEntry["broke"];
    } = {},
  ) => {
    t.feedback.push({
      attempt,
      outcome,
      reason,
      ...(more.details === undefined ? {} : { details: more.details }),
      ...(more.criteria === undefined ? {} : { criteria: more.criteria }),
      ...(more.broke === undefined ? {} : { broke: more.broke }),
    });
    // An attempt lost in a crash (no work, agent gone) is not the agent's failure: not a retry.
    if (outcome === "lost" && !(stop?.aborted ?? false) && !ctx.hardStop.aborted) {
      t.sched = "pending";
      setItem(t, "ready", reason);
      return;
    }
    if (
      RETRYABLE.has(outcome) &&
      t.retriesUsed < plan.retries &&
      !(stop?.aborted ?? false) &&
      !ctx.hardStop.aborted
    ) {
      t.retriesUsed += 1;
      t.sched = "pending";
      setItem(t, "ready", reason, { retriesUsed: t.retriesUsed });
    } else {
      t.sched = "failed";
      const final = outcome === "cancelled" || ctx.hardStop.aborted ? "cancelled" : "failed";
      setItem(t, final, reason);
    }
  };

  // A conflict is not the agent's fault: a fresh attempt from the current integration head, told
  // what conflicted with what and shown its own previous diff; it does not use up `retries`.
  const fixForward = (t: Tracked, entry: QueueEntry, reason: string, description: string) => {
    store.updateAttempt(ctx.runId, entry.itemId, entry.attempt, { outcome: "conflict", reason });
    const a = store.getAttempt(ctx.runId, t.item.id, entry.attempt);
    t.feedback.push({
      attempt: entry.attempt,
      outcome: "conflict",
      reason: `${reason}. Other items merged first and changed the same code. Start again from the current integration branch (it has their work) and redo this item's change on top of it.`,
      details: description,
      ...(a === undefined ? {} : { diffRange: { from: a.baseCommit, to: entry.head } }),
    });
    if (t.fixForwardsUsed < plan.merge.fixForward && !(stop?.aborted ?? false) && !ctx.hardStop.aborted) {
      t.fixForwardsUsed += 1;
      t.sched = "pending";
      setItem(t, "ready", reason, { fixForwardsUsed: t.fixForwardsUsed });
    } else {
      t.sched = "failed";
      setItem(
        t,
        ctx.hardStop.aborted ? "cancelled" : "failed",
        `${reason} (after ${t.fixForwardsUsed} fix-forward attempt(s))`,
      );
    }
  };

  const queue = createMergeQueue({
    ctx: queueCtx,
    onIdle: () => {
      wake();
    },
    onError: (e) => {
      fatal ??= e;
      wake();
    },
    onDone: (entry: QueueEntry, outcome: MergeOutcome) => {
      const t = tracked.get(entry.itemId)!;
      t.queued = false;
      switch (outcome.kind) {
        case "merged":
          t.sched = "done";
          store.updateAttempt(ctx.runId, entry.itemId, entry.attempt, { outcome: "accepted" });
          // An item that went through fix-forward keeps the class of the conflict it had.
          setItem(t, "merged", undefined, {
            mergedCommit: outcome.commit,
            conflictClass: t.conflict?.conflictClass ?? outcome.conflictClass,
            conflictFiles: [...(t.conflict?.files ?? outcome.files)],
          });
          ctx.emit({ type: "merged", itemId: entry.itemId, attempt: entry.attempt, commit: outcome.commit });
          mergeOrder.push(entry.itemId);
          if (t.partial !== undefined && ctx.options.followUps) addFollowUp(t, t.partial);
          runProbe();
          break;
        case "conflict": {
          const reason = `${outcome.conflictClass} merge conflict with the integration branch in: ${outcome.files.join(", ")}`;
          ctx.emit({
            type: "merge-conflict",
            itemId: entry.itemId,
            attempt: entry.attempt,
            files: outcome.files,
          });
          if (entry.resolution !== undefined) {
            const again = `${reason} (the integration branch moved after a resolver resolved the earlier conflict)`;
            // Overtaken, not wrong: a medium conflict gets another resolver against the new head.
            const { resolution: _overtaken, ...unresolved } = entry;
            if (startResolver(t, unresolved, outcome).started) {
              // Emitted before the new session's resolver-started (that one follows an await).
              ctx.emit({
                type: "resolution-rejected",
                itemId: entry.itemId,
                attempt: entry.attempt,
                reason: again,
              });
              break;
            }
            resolutionFailed(t, entry, again, outcome.description);
            break;
          }
          t.conflict = { conflictClass: outcome.conflictClass, files: outcome.files };
          store.updateItem(ctx.runId, entry.itemId, {
            conflictClass: outcome.conflictClass,
            conflictFiles: [...outcome.files],
          });
          const resolving = startResolver(t, entry, outcome);
          if (resolving.started) break;
          const why = resolving.note === undefined ? reason : `${reason}; ${resolving.note}`;
          fixForward(t, entry, why, outcome.description);
          break;
        }
        case "gate-failed":
          if (entry.resolution !== undefined) {
            const reason = `the resolved merge of the conflict in ${entry.resolution.files.join(", ")} failed: ${outcome.failure.summary}`;
            resolutionFailed(t, entry, reason, outcome.failure.outputTail);
            break;
          }
          if (outcome.failure.broke !== undefined) {
            brokeCriterion(t, entry, outcome.failure);
            break;
          }
          store.updateAttempt(ctx.runId, entry.itemId, entry.attempt, {
            outcome: "rejected",
            reason: outcome.failure.summary,
          });
          failOrRetry(t, entry.attempt, "rejected", outcome.failure.summary, {
            details: outcome.failure.outputTail,
          });
          break;
      }
      wake();
    },
  });

  // A merge that broke an accepted item's check: sent back naming it, or failed as a contradiction
  // when it breaks the same criterion again after being told.
  const brokeCriterion = (t: Tracked, entry: QueueEntry, failure: GateFailure) => {
    const broke = failure.broke!;
    const verdict = judgeBreak(t.feedback, broke);
    store.updateAttempt(ctx.runId, entry.itemId, entry.attempt, {
      outcome: "rejected",
      reason: verdict.reason,
    });
    const mark = { itemId: broke.itemId, criterion: broke.criterion };
    if (verdict.kind === "retry") {
      failOrRetry(t, entry.attempt, "rejected", verdict.reason, { details: failure.outputTail, broke: mark });
      return;
    }
    t.feedback.push({ attempt: entry.attempt, outcome: "rejected", reason: verdict.reason, broke: mark });
    ctx.emit({
      type: "contradiction",
      itemId: t.item.id,
      attempt: entry.attempt,
      other: broke.itemId,
      criterion: broke.criterion,
    });
    t.sched = "failed";
    setItem(t, "failed", verdict.reason);
  };

  // A merged PARTIAL attempt: what it left becomes a new item of the run, scheduled after it.
  const addFollowUp = (t: Tracked, remaining: string) => {
    const made = followUpItem({ parent: t.item, remaining, taken: new Set(tracked.keys()) });
    if (!made.ok) {
      ctx.emit({ type: "warning", itemId: t.item.id, message: made.error });
      return;
    }
    const item = made.value;
    items.push(item);
    graph = buildGraph(items);
    waves = wavesOf();
    tracked.set(item.id, fresh(item));
    store.upsertItems(ctx.runId, [{ id: item.id, status: "pending" }]);
    ctx.emit({ type: "item-added", itemId: item.id, parent: t.item.id, title: item.title, remaining });
  };

  // A medium conflict goes to a resolver first (it uses up neither retries nor fix-forwards); its
  // resolution comes back through the queue. When none starts, `note` may say why.
  const startResolver = (
    t: Tracked,
    entry: QueueEntry,
    c: Extract<MergeOutcome, { kind: "conflict" }>,
  ): { started: boolean; note?: string } => {
    if (c.conflictClass !== "medium" || c.tree === undefined || ctx.hardStop.aborted)
      return { started: false };
    if ((t.resolverRounds ?? 0) >= MAX_RESOLVER_ROUNDS)
      return { started: false, note: `no resolver ran: ${MAX_RESOLVER_ROUNDS} already tried this attempt` };
    if (budgetHit) return { started: false, note: "no resolver ran: the budget was reached" };
    const profile = resolverProfile(plan, t.item);
    if (!profile.ok) return { started: false, note: profile.error };
    const slot = takeSlot();
    agentsRunning += 1;
    t.queued = true;
    const round = (t.resolverRounds ?? 0) + 1;
    t.resolverRounds = round;
    void runResolver({
      ctx,
      item: t.item,
      profile: profile.value,
      entry,
      conflict: c,
      tree: c.tree,
      slot,
      round,
    })
      .then((r) => {
        budget.add(t.item.id, { costUsd: r.spent.costUsd, tokens: r.spent.tokensIn + r.spent.tokensOut });
        if (r.kind === "resolved") {
          queue.enqueue({ ...entry, resolution: r.resolution });
          return;
        }
        t.queued = false;
        const reason = `medium merge conflict with the integration branch in: ${c.files.join(", ")}; the resolver (${profile.value.name}) failed: ${r.reason}`;
        fixForward(t, entry, reason, [c.description, r.details ?? ""].join("\n\n").trim());
      })
      .catch((e: unknown) => {
        fatal ??= e;
      })
      .finally(() => {
        agentsRunning -= 1;
        releaseSlot(slot);
        wake();
      });
    return { started: true };
  };

  // A resolver's merge that the queue could not take (gates failed, or it conflicts again): the item
  // goes to fix-forward, as when the resolver itself fails.
  const resolutionFailed = (t: Tracked, entry: QueueEntry, reason: string, details: string) => {
    ctx.emit({ type: "resolution-rejected", itemId: entry.itemId, attempt: entry.attempt, reason });
    fixForward(t, entry, reason, details);
  };

  // `adopt`: re-attach to an attempt an earlier orchestrator started (resume) instead of a new one.
  const launch = (t: Tracked, adopt?: AttemptRecord) => {
    t.sched = "running";
    t.queued = true;
    if (adopt === undefined) t.attempts += 1;
    t.resolverRounds = 0;
    agentsRunning += 1;
    const slot = takeSlot();
    const n = adopt?.n ?? t.attempts;
    setItem(t, "running");
    void (async () => {
      const startCommit =
        adopt?.baseCommit ?? (await git.revParse(ctx.repoDir, `refs/heads/${ctx.integrationBranch}`));
      if (startCommit === undefined)
        throw new Error(`the integration branch ${ctx.integrationBranch} disappeared`);
      t.lane = { branch: names.laneBranch(ctx.runId, t.item.id, n), start: startCommit };
      const result: AttemptResult =
        adopt !== undefined
          ? await adoptAttempt({ ctx, item: t.item, a: adopt, slot })
          : await runAttempt({
              ctx,
              item: t.item,
              n,
              startCommit,
              relay: relayFor(t.item, tracked, mergeOrder),
              feedback: await withDiffs(ctx, t.feedback),
              slot,
              ...maxBudget(budget.itemLeftUsd(t.item)),
            });
      delete t.lane;
      const a = store.getAttempt(ctx.runId, t.item.id, n);
      budget.add(t.item.id, { costUsd: a?.costUsd ?? 0, tokens: (a?.tokensIn ?? 0) + (a?.tokensOut ?? 0) });
      if (result.kind === "work") {
        if (result.partial === undefined) delete t.partial;
        else t.partial = result.partial;
        t.relay = relayEntryOf(t.item, result);
        setItem(t, "queued", undefined, {
          filesChanged: [...result.filesChanged],
          commits: [...result.commits],
          notes: result.notes,
        });
        queue.enqueue({ itemId: t.item.id, title: t.item.title, attempt: n, head: result.head });
      } else {
        t.queued = false;
        failOrRetry(t, n, result.outcome, result.reason, {
          details: result.details,
          criteria: result.criteria,
        });
      }
    })()
      .catch((e: unknown) => {
        fatal ??= e;
      })
      .finally(() => {
        agentsRunning -= 1;
        // A lane ended: what is predicted between the remaining lanes may have changed.
        if (agentsRunning > 0) runProbe();
        else predicted = new Set();
        releaseSlot(slot);
        wake();
      });
  };

  // Early warning: running lanes test-merged against the integration head and each other, in one
  // git process, every probe_interval and after each merge; predicted conflicts hold back ready
  // items whose touches overlap them, and show in the live view and `status --json`.
  let predicted: ReadonlySet<string> = new Set();
  let lastPrediction = "[]";
  let probing = false;
  let probeStopped = false;
  let probeInFlight: Promise<void> = Promise.resolve();
  const probe = async (): Promise<void> => {
    if (probing || probeStopped) return;
    probing = true;
    try {
      const lanes: ProbeLane[] = [];
      for (const t of tracked.values()) {
        if (t.lane === undefined) continue;
        const head = await git.revParse(ctx.repoDir, `refs/heads/${t.lane.branch}`);
        if (head !== undefined) lanes.push({ itemId: t.item.id, head, start: t.lane.start });
      }
      const integrationHead = await git.revParse(ctx.repoDir, `refs/heads/${ctx.integrationBranch}`);
      if (integrationHead === undefined) return;
      const result =
        lanes.length === 0
          ? { predicted: [] }
          : await probeLanes({ cwd: ctx.repoDir, integrationHead, lanes });
      const pairs = result.predicted.map((p) => ({
        a: p.a,
        b: p.b,
        against: p.against,
        files: [...p.files],
      }));
      const key = JSON.stringify(pairs);
      if (key !== lastPrediction) {
        lastPrediction = key;
        ctx.emit({ type: "conflicts-predicted", pairs });
      }
      predicted = predictedConflictItems(result.predicted, items);
      wake();
    } finally {
      probing = false;
    }
  };
  const runProbe = () => {
    if (probing || probeStopped) return;
    probeInFlight = probe()
      .catch((e: unknown) => {
        ctx.emit({
          type: "warning",
          message: `the conflict probe failed: ${e instanceof Error ? e.message : String(e)}`,
        });
      })
      .catch((e: unknown) => {
        // Even the warning failed (the state file broke): the run stops with that error.
        fatal ??= e;
        wake();
      });
  };
  const probeTimer = setInterval(runProbe, Math.max(1, plan.merge.probeIntervalSeconds) * 1000);
  probeTimer.unref();
  resume?.apply({
    tracked,
    setItem,
    launch,
    enqueue: (e) => {
      queue.enqueue(e);
    },
    merged: (t) => mergeOrder.push(t.item.id),
  });
  try {
    await dispatchLoop();
  } finally {
    // A probe still running would emit into a closed state database: stop and wait for it.
    probeStopped = true;
    clearInterval(probeTimer);
    await probeInFlight;
  }

  async function dispatchLoop(): Promise<void> {
    for (;;) {
      if (fatal !== undefined)
        throw fatal instanceof Error ? fatal : new Error("a run step failed", { cause: fatal });
      for (const id of blockedBy(graph, schedStates(tracked))) {
        const t = tracked.get(id)!;
        if (t.sched !== "pending") continue;
        t.sched = "blocked";
        const failedDeps = t.item.dependsOn.filter((d) => {
          const s = tracked.get(d)?.sched;
          return s === "failed" || s === "blocked";
        });
        setItem(t, "blocked", `a dependency did not merge: ${failedDeps.join(", ")}`);
      }
      if (!budgetHit && budget.runReached()) {
        budgetHit = true;
        const spent = budget.total();
        ctx.emit({
          type: "budget-reached",
          costUsd: spent.costUsd,
          tokens: spent.tokens,
          budgetUsd: plan.budgetUsd ?? null,
          budgetTokens: plan.budgetTokens ?? null,
          hard: ctx.options.hardBudget,
        });
        if (ctx.options.hardBudget) budgetStop.abort();
      }
      const stopDispatch = budgetHit || (stop?.aborted ?? false) || ctx.hardStop.aborted;
      if (!stopDispatch) {
        // Work waiting in the merge queue holds no agent slot but still counts for conflicts.
        const waitingToMerge =
          [...tracked.values()].filter((t) => t.sched === "running" && t.queued).length - agentsRunning;
        const { start } = decide({
          graph,
          states: schedStates(tracked),
          maxParallel: plan.maxParallel + Math.max(0, waitingToMerge),
          mode: plan.schedule,
          conflicts: plan.conflicts,
          waves,
          weight,
          // Predictions are about running lanes: with no agent running there are none.
          predictedConflicts: new Set([...(agentsRunning > 0 ? predicted : []), ...heldFixForwards(tracked)]),
        });
        // Fix-forwards over the same files go one at a time, or they conflict with each other again.
        const claimed = new Set<string>();
        for (const id of start) {
          const t = tracked.get(id)!;
          if (budget.itemReached(t.item)) {
            t.sched = "failed";
            setItem(t, "failed", `the item's budget was reached after ${t.attempts} attempt(s)`);
            continue;
          }
          const files = t.conflict?.files ?? [];
          if (files.some((f) => claimed.has(f))) continue;
          for (const f of files) claimed.add(f);
          launch(t);
        }
      }
      const busy = agentsRunning > 0 || !queue.idle();
      if (!busy) {
        const pending = [...tracked.values()].filter((t) => t.sched === "pending");
        if (pending.length === 0 || stopDispatch) break;
        // Nothing runs and nothing can start: should not happen (the scheduler always starts a ready item).
        if (
          decide({
            graph,
            states: schedStates(tracked),
            maxParallel: plan.maxParallel,
            mode: plan.schedule,
            conflicts: "allow",
            waves,
          }).start.length === 0
        ) {
          throw new Error(`bug: stuck with pending items ${pending.map((t) => t.item.id).join(", ")}`);
        }
      }
      const wait = woken();
      const onStop = () => {
        wake();
      };
      stop?.addEventListener("abort", onStop, { once: true });
      await wait;
      stop?.removeEventListener("abort", onStop);
    }
  }

  const interrupted = (stop?.aborted ?? false) || runCtx.hardStop.aborted;
  for (const t of tracked.values()) {
    if (t.sched === "pending") {
      t.sched = "failed";
      setItem(t, "cancelled", interrupted ? "the run was interrupted" : "the budget was reached");
    }
  }
  if (interrupted) return "interrupted";

  const all = [...tracked.values()];
  const merged = all.filter((t) => t.sched === "done");
  const failed = all.filter((t) => t.sched !== "done");
  if (merged.length === 0) return "failed";
  if (plan.land === "none") {
    ctx.emit({ type: "land-skipped", reason: "land: none — the work stays on the integration branch" });
    return failed.length === 0 ? "landed" : "partial";
  }
  if (failed.length > 0 && !plan.landPartial) {
    ctx.emit({
      type: "land-skipped",
      reason: `land_partial is false and ${failed.length} item(s) did not merge`,
    });
    return "failed";
  }
  const landed = await landRun(queueCtx);
  if (!landed.ok) {
    ctx.emit({ type: "land-skipped", reason: landed.error.message });
    store.updateRun(ctx.runId, {});
    return "failed";
  }
  if (landed.value.kind === "landed") {
    store.updateRun(ctx.runId, { landedCommit: landed.value.commit });
    ctx.emit({ type: "landed", base: ctx.base, commit: landed.value.commit });
  }
  for (const t of merged) setItem(t, "landed");
  return failed.length === 0 ? "landed" : "partial";
}

// An item not started yet.
function fresh(item: Item): Tracked {
  return {
    item,
    sched: "pending",
    queued: false,
    attempts: 0,
    retriesUsed: 0,
    fixForwardsUsed: 0,
    feedback: [],
  };
}

function schedStates(tracked: ReadonlyMap<string, Tracked>): Map<string, SchedulerItemState> {
  return new Map([...tracked].map(([id, t]) => [id, t.sched]));
}

// What the item's merged dependencies (direct and transitive) did, nearest first, then the most
// recently merged other items; bounded by selectRelay.
function relayFor(
  item: Item,
  tracked: ReadonlyMap<string, Tracked>,
  mergeOrder: readonly string[],
): RelayEntry[] {
  const recent = [...mergeOrder].reverse().flatMap((id) => {
    const r = tracked.get(id)?.relay;
    return r === undefined || id === item.id ? [] : [r];
  });
  return selectRelay({ dependencies: dependencyRelay(item, tracked), recent });
}

function dependencyRelay(item: Item, tracked: ReadonlyMap<string, Tracked>): RelayEntry[] {
  const out: RelayEntry[] = [];
  const seen = new Set<string>();
  const queue = [...item.dependsOn];
  while (queue.length > 0 && out.length < 10) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const t = tracked.get(id);
    if (t === undefined) continue;
    if (t.sched === "done" && t.relay !== undefined) out.push(t.relay);
    queue.push(...t.item.dependsOn);
  }
  return out;
}

function maxBudget(left: number | undefined): { maxBudgetUsd?: number } {
  return left === undefined ? {} : { maxBudgetUsd: left };
}

// Feedback that points at an earlier attempt's diff gets the diff itself (bounded), read from git.
async function withDiffs(ctx: EngineContext, feedback: readonly FeedbackEntry[]): Promise<FeedbackEntry[]> {
  return Promise.all(
    feedback.map(async (f) => {
      if (f.diffRange === undefined || f.diff !== undefined) return f;
      return { ...f, diff: await boundedDiff({ cwd: ctx.repoDir, ...f.diffRange }) };
    }),
  );
}

// Items waiting for a fix-forward whose conflicted files overlap those of a fix-forward already
// running or waiting to merge: they wait for it, so the second redo starts from the first one's work.
function heldFixForwards(tracked: ReadonlyMap<string, Tracked>): Set<string> {
  const busyFiles = new Set<string>();
  for (const t of tracked.values()) {
    if (t.sched === "running" && t.conflict !== undefined) for (const f of t.conflict.files) busyFiles.add(f);
  }
  const held = new Set<string>();
  if (busyFiles.size === 0) return held;
  for (const t of tracked.values()) {
    if (t.sched === "pending" && t.conflict?.files.some((f) => busyFiles.has(f)) === true)
      held.add(t.item.id);
  }
  return held;
}

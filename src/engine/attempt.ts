// One attempt of one item: a fresh lane, the agent in its own process group, facts from git, then
// the pre-merge gates and acceptance checks. Every ending is a value; no commit is ever dropped.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as git from "../adapters/git/index.js";
import { agentEnv } from "../adapters/agents/agent-env.js";
import { defaultAllowedTools } from "../adapters/agents/claude.js";
import { buildPrompt, type FailedCriterion, type FeedbackEntry, type RelayEntry } from "../core/prompt.js";
import type { AttemptOutcome, CommitSummary } from "../core/state-types.js";
import type { Item } from "../plan/types.js";
import type { EngineContext } from "./context.js";
import { runAgentSession, sessionFailure } from "./agent-session.js";
import type { CheckoutChange, WatchedAttempt } from "./checkout-watch.js";
import { readLaneFacts } from "./git-facts.js";
import { openLane, provisionLane } from "./lane.js";
import { names } from "./paths.js";
import { judgeWork } from "./verify-lane.js";

/** What an attempt is started with. */
export interface AttemptStart {
  readonly ctx: EngineContext;
  readonly item: Item;
  readonly n: number;
  /** The integration head the lane starts from. */
  readonly startCommit: string;
  readonly relay: readonly RelayEntry[];
  readonly feedback: readonly FeedbackEntry[];
  /** Which concurrent slot this attempt has (its port range). */
  readonly slot: number;
  /** What is left of the item's dollar budget, passed to agents that take one. */
  readonly maxBudgetUsd?: number;
}

/** How an attempt ended. `work` goes to the merge queue; everything else is a failure. */
export type AttemptResult =
  | {
      readonly kind: "work";
      readonly head: string;
      readonly commits: readonly CommitSummary[];
      readonly filesChanged: readonly string[];
      readonly notes?: string;
      /** The agent said `STATUS: PARTIAL`: what it says remains (its NOTES), for a follow-up item. */
      readonly partial?: string;
    }
  | {
      readonly kind: "failure";
      readonly outcome: Exclude<AttemptOutcome, "accepted" | "conflict">;
      readonly reason: string;
      readonly details?: string;
      /** The criteria the review found unmet, quoted verbatim with what was found. */
      readonly criteria?: readonly FailedCriterion[];
    };

/** Runs one attempt to its end and records it. */
export async function runAttempt(a: AttemptStart): Promise<AttemptResult> {
  const { ctx, item, n } = a;
  const laneDir = ctx.paths.laneDir(ctx.runId, item.id, n);
  const branch = names.laneBranch(ctx.runId, item.id, n);
  const logDir = ctx.paths.attemptDir(ctx.runId, item.id, n);
  mkdirSync(logDir, { recursive: true });
  const profile = ctx.plan.agents[item.agent];
  if (profile === undefined)
    throw new Error(`bug: item ${item.id} has unknown agent ${item.agent} after validation`);
  const feedbackText = a.feedback.map((f) => `Attempt ${f.attempt} (${f.outcome}): ${f.reason}`).join("\n");

  ctx.store.insertAttempt({
    runId: ctx.runId,
    itemId: item.id,
    n,
    agent: profile.name,
    laneDir,
    branch,
    baseCommit: a.startCommit,
    startedAt: new Date().toISOString(),
    feedback: feedbackText === "" ? undefined : feedbackText,
  });
  const started = Date.now();
  // Filled in once the agent has said what it cost; `finish` reports it with the attempt's end.
  const spent: { costUsd: number | undefined } = { costUsd: undefined };
  const finish = (
    result: AttemptResult,
    extra: { head?: string; violations?: string[] } = {},
  ): AttemptResult => {
    const outcome: AttemptOutcome = result.kind === "work" ? "accepted" : result.outcome;
    ctx.store.updateAttempt(ctx.runId, item.id, n, {
      endedAt: new Date().toISOString(),
      outcome,
      reason: result.kind === "work" ? undefined : result.reason,
      ...(extra.head === undefined ? {} : { headCommit: extra.head }),
      ...(extra.violations === undefined ? {} : { violations: extra.violations }),
    });
    ctx.emit({
      type: "attempt-ended",
      itemId: item.id,
      attempt: n,
      outcome,
      ...(result.kind === "work" ? {} : { reason: result.reason }),
      ...(spent.costUsd === undefined ? {} : { costUsd: spent.costUsd }),
      durationMs: Date.now() - started,
    });
    return result;
  };

  const opened = await openLane({ ctx, laneDir, branch, startCommit: a.startCommit });
  if (!opened.ok) return finish({ kind: "failure", outcome: "failed", reason: opened.error });
  ctx.emit({
    type: "attempt-started",
    itemId: item.id,
    attempt: n,
    agent: profile.name,
    lane: laneDir,
    branch,
  });

  const promptFile = join(logDir, "prompt.md");
  const feedbackFile = join(logDir, "feedback.md");
  const prompt = buildPrompt({
    runId: ctx.runId,
    item,
    attempt: n,
    branch,
    laneDir,
    relay: a.relay,
    feedback: a.feedback,
    gates: [
      ...ctx.plan.gates.preMerge,
      ...item.acceptance.flatMap((c) => (c.check === undefined ? [] : [c.check])),
    ],
  });
  writeFileSync(promptFile, prompt);
  writeFileSync(feedbackFile, feedbackText);
  const env = agentEnv({
    base: ctx.baseEnv,
    run: ctx.runId,
    item: item.id,
    attempt: n,
    worktree: laneDir,
    promptFile,
    feedbackFile: a.feedback.length === 0 ? undefined : feedbackFile,
    baseCommit: a.startCommit,
    port: ctx.options.portBase + a.slot * ctx.options.portStride,
    depth: Number(ctx.baseEnv["FLOTILLA_DEPTH"] ?? "0"),
    role: "agent",
  });

  const setup = await provisionLane({ ctx, laneDir, env, logDir });
  if (!setup.ok) return finish({ kind: "failure", outcome: "failed", reason: setup.error.message });

  const checks = item.acceptance.flatMap((c) => (c.check === undefined ? [] : [c.check]));
  const ran = await runAgentSession({
    ctx,
    profile,
    item,
    prompt,
    promptFile,
    laneDir,
    env,
    logDir,
    allowedTools: defaultAllowedTools({ gates: ctx.plan.gates.preMerge, checks }),
    watch: { itemId: item.id, attempt: n },
    ...(a.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: a.maxBudgetUsd }),
    onStart: (files) => ctx.store.updateAttempt(ctx.runId, item.id, n, files),
    onSpawn: (who) =>
      ctx.store.updateAttempt(ctx.runId, item.id, n, { pid: who.pid, pidStartTime: who.startTime }),
  });
  if (!ran.ok) {
    return finish({
      kind: "failure",
      outcome: "failed",
      reason: `the agent could not be started: ${ran.error.reason}`,
    });
  }
  const session = ran.value;
  const { proc, said, changes } = session;
  ctx.emit({
    type: "agent-exited",
    itemId: item.id,
    attempt: n,
    exitCode: proc.exitCode,
    signal: proc.signal,
    timedOut: proc.timedOut,
    durationMs: proc.durationMs,
  });
  spent.costUsd = said.costUsd;
  ctx.store.updateAttempt(ctx.runId, item.id, n, {
    exitCode: proc.exitCode ?? undefined,
    signal: proc.signal ?? undefined,
    costUsd: said.costUsd,
    tokensIn: said.tokensIn,
    tokensOut: said.tokensOut,
    numTurns: said.numTurns,
    sessionId: said.sessionId,
    permissionDenials: said.permissionDenials,
    agentStatus: said.report.status,
    agentNotes: said.report.notes,
  });

  // Whatever happened, the lane's commits are kept by a ref before anything else is decided.
  const facts = await readLaneFacts({ repoDir: ctx.repoDir, laneDir, branch, startCommit: a.startCommit });
  const violations = [
    ...facts.violations,
    ...changes.map((c) => checkoutViolation(c, { itemId: item.id, attempt: n })),
  ];
  if (facts.head !== undefined && facts.head !== a.startCommit) {
    await git.updateRef({
      cwd: ctx.repoDir,
      ref: names.attemptRef(ctx.runId, item.id, n),
      newValue: facts.head,
    });
  }
  for (const v of violations) ctx.emit({ type: "warning", itemId: item.id, message: v });
  const end = (r: AttemptResult) =>
    finish(r, { ...(facts.head === undefined ? {} : { head: facts.head }), violations });
  const stopped = sessionFailure({ session, ctx, who: "the agent" });
  if (stopped !== undefined) return end({ kind: "failure", ...stopped });
  if (facts.commits.length === 0) {
    return end({
      kind: "failure",
      outcome: "no-work",
      reason: "the agent made no commits and left no changes",
    });
  }

  const judged = await judgeWork({
    ctx,
    item,
    n,
    laneDir,
    env,
    logDir,
    startCommit: a.startCommit,
    facts: { ...facts, head: facts.head! },
    said,
  });
  if (judged.costUsd !== undefined) spent.costUsd = judged.costUsd;
  return end(judged.result);
}

/** The violation text: certain when this agent was the only one running, a suspicion otherwise. */
export function checkoutViolation(change: CheckoutChange, me: WatchedAttempt): string {
  const others = change.suspects.filter((s) => s.itemId !== me.itemId || s.attempt !== me.attempt);
  const who =
    others.length === 0
      ? "while the agent ran"
      : `while this agent and ${others.map((o) => `${o.itemId} #${o.attempt}`).join(", ")} ran`;
  return `files in the user's checkout changed ${who} (left as they are): ${change.paths.join(", ")}`;
}

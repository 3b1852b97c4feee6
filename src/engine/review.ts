// The review of an attempt after its pre-merge gates passed: each criterion's `check:` runs in the
// lane (a failing check fails the review without asking anyone), then the reviewer agent, read-only,
// judges the criteria from the bounded diff and the check evidence. The verdict is stored with its
// evidence; core/review.ts decides.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentEnv } from "../adapters/agents/agent-env.js";
import { profileKind } from "../adapters/agents/index.js";
import { decideFromChecks, decideReview, type CheckEvidence, type ReviewDecision } from "../core/review.js";
import type { ReviewerAnswer } from "../core/review.js";
import { buildReviewPrompt } from "../core/review-prompt.js";
import type { ReviewCriterion } from "../core/state-types.js";
import { parseVerdict } from "../core/verdict.js";
import type { AgentProfile, Item } from "../plan/types.js";
import { runAgentSession, sessionFailure } from "./agent-session.js";
import { boundedDiff } from "./bounded-diff.js";
import type { EngineContext } from "./context.js";
import { runGate } from "./gates.js";

/** Tools a claude reviewer may use: reading, searching and git's read commands; no edits. */
export const READ_ONLY_TOOLS: readonly string[] = [
  "Read",
  "Grep",
  "Glob",
  "Bash(git diff:*)",
  "Bash(git log:*)",
  "Bash(git show:*)",
  "Bash(git status:*)",
];

/** What a review is started with. */
export interface ReviewStart {
  readonly ctx: EngineContext;
  readonly item: Item;
  readonly n: number;
  readonly laneDir: string;
  /** The attempt's start and head: the diff the reviewer judges. */
  readonly startCommit: string;
  readonly head: string;
  /** The attempt's environment (FLOTILLA_* set); each process gets its own role. */
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  readonly agentNotes?: string;
  /** The agent said `STATUS: PARTIAL`: what remains. */
  readonly partial?: string;
}

/** How a review ended, and what the reviewer spent (for the budget). */
export interface ReviewOutcome {
  readonly decision: ReviewDecision;
  readonly spent: { readonly costUsd: number; readonly tokensIn: number; readonly tokensOut: number };
}

/** Runs the checks, then the reviewer if the plan names one; records and returns the verdict. */
export async function reviewAttempt(r: ReviewStart): Promise<ReviewOutcome> {
  const { ctx, item, n } = r;
  const checks = await runChecks(r);
  const spent = { costUsd: 0, tokensIn: 0, tokensOut: 0 };
  const reviewerName = ctx.plan.review.reviewer;
  const early = decideFromChecks(checks);
  if (early !== undefined || reviewerName === undefined) {
    const decision = early ?? decideReview({ criteria: item.acceptance, checks });
    record(r, { decision, checks, asks: 0 });
    return { decision, spent };
  }
  const profile = ctx.plan.agents[reviewerName];
  if (profile === undefined)
    throw new Error(`bug: reviewer profile ${reviewerName} unknown after validation`);
  const dir = join(r.logDir, "review");
  mkdirSync(dir, { recursive: true });
  const diff = await boundedDiff({ cwd: ctx.repoDir, from: r.startCommit, to: r.head });
  let answer: ReviewerAnswer | undefined;
  let unreadable: string | undefined;
  let asks = 0;
  let sessionId: string | undefined;
  let lastText = "";
  // An answer that cannot be read is asked for once more, then counts as no verdict.
  while (answer === undefined) {
    asks += 1;
    const prompt = buildReviewPrompt({
      item,
      attempt: n,
      laneDir: r.laneDir,
      diff,
      checks,
      ...(r.agentNotes === undefined ? {} : { agentNotes: r.agentNotes }),
      ...(unreadable === undefined ? {} : { unreadable }),
      ...(r.partial === undefined ? {} : { partial: r.partial }),
    });
    const askDir = join(dir, `ask-${asks}`);
    mkdirSync(askDir, { recursive: true });
    const promptFile = join(askDir, "prompt.md");
    writeFileSync(promptFile, prompt);
    const ran = await runAgentSession({
      ctx,
      profile: readOnly(profile),
      item,
      prompt,
      promptFile,
      laneDir: r.laneDir,
      env: reviewerEnv(r, promptFile),
      logDir: askDir,
      allowedTools: READ_ONLY_TOOLS,
      watch: { itemId: item.id, attempt: n },
    });
    if (!ran.ok) {
      answer = { kind: "failed", reason: `the reviewer could not be started: ${ran.error.reason}` };
      break;
    }
    const { said } = ran.value;
    spent.costUsd += said.costUsd ?? 0;
    spent.tokensIn += said.tokensIn ?? 0;
    spent.tokensOut += said.tokensOut ?? 0;
    sessionId = said.sessionId ?? sessionId;
    lastText = said.lastMessage;
    const stopped = sessionFailure({ session: ran.value, ctx, who: "the reviewer" });
    if (stopped !== undefined && stopped.outcome !== "blocked") {
      answer = { kind: "failed", reason: stopped.reason };
      break;
    }
    const parsed = parseVerdict(said.lastMessage);
    if (parsed.ok) answer = { kind: "verdict", verdict: parsed.value };
    else if (asks >= 2) answer = { kind: "no-verdict", detail: parsed.error.detail };
    else unreadable = parsed.error.detail;
  }
  const decision = decideReview({ criteria: item.acceptance, checks, answer });
  record(r, {
    decision,
    checks,
    asks,
    reviewer: profile.name,
    answer: lastText,
    ...(sessionId === undefined ? {} : { sessionId }),
    costUsd: spent.costUsd,
  });
  return { decision, spent };
}

async function runChecks(r: ReviewStart): Promise<CheckEvidence[]> {
  const out: CheckEvidence[] = [];
  for (const [i, criterion] of r.item.acceptance.entries()) {
    if (criterion.check === undefined) continue;
    const run = await runGate(
      {
        ctx: r.ctx,
        stage: "pre_merge",
        commands: [criterion.check],
        cwd: r.laneDir,
        env: { ...r.env, FLOTILLA_ROLE: "gate" },
        logDir: join(r.logDir, `check-${i + 1}`),
        itemId: r.item.id,
        attempt: r.n,
      },
      criterion.check,
      0,
    );
    out.push({
      criterion: criterion.text,
      command: criterion.check,
      passed: run.passed,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: run.durationMs,
      outputTail: run.outputTail,
    });
  }
  return out;
}

/** The reviewer judges; it never edits: claude runs in plan mode with read-only tools. */
export function readOnly(profile: AgentProfile): AgentProfile {
  if (profileKind(profile) !== "claude") return profile;
  return { ...profile, permissionMode: "plan", allowedTools: READ_ONLY_TOOLS };
}

function reviewerEnv(r: ReviewStart, promptFile: string): NodeJS.ProcessEnv {
  return agentEnv({
    base: r.ctx.baseEnv,
    run: r.ctx.runId,
    item: r.item.id,
    attempt: r.n,
    worktree: r.laneDir,
    promptFile,
    feedbackFile: undefined,
    baseCommit: r.startCommit,
    port: Number(r.env["FLOTILLA_PORT"] ?? r.ctx.options.portBase),
    depth: Number(r.ctx.baseEnv["FLOTILLA_DEPTH"] ?? "0"),
    role: "reviewer",
  });
}

function record(
  r: ReviewStart,
  e: {
    decision: ReviewDecision;
    checks: readonly CheckEvidence[];
    asks: number;
    reviewer?: string;
    sessionId?: string;
    costUsd?: number;
    answer?: string;
  },
): void {
  const { ctx, item, n } = r;
  const { decision } = e;
  const criteria: ReviewCriterion[] = [...decision.judged];
  ctx.store.recordReview({
    runId: ctx.runId,
    itemId: item.id,
    attempt: n,
    verdict: decision.verdict,
    reason: decision.reason,
    criteria,
    checks: e.checks,
    reviewer: e.reviewer,
    reviewerSessionId: e.sessionId,
    reviewerCostUsd: e.costUsd,
    reviewerAsks: e.asks,
    reviewerAnswer: e.answer === undefined ? undefined : e.answer.slice(-4000),
    reviewedAt: new Date().toISOString(),
  });
  ctx.emit({
    type: "review-ended",
    itemId: item.id,
    attempt: n,
    verdict: decision.verdict,
    reason: decision.reason,
    specDefects: decision.specDefects.map((d) => ({ criterion: d.criterion, evidence: d.evidence })),
  });
}

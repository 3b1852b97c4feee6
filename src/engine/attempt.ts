// One attempt of one item: a fresh lane, the agent in its own process group, facts from git, then
// the pre-merge gates and acceptance checks. Every ending is a value; no commit is ever dropped.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as git from "../adapters/git/index.js";
import { runProcess } from "../adapters/process/run-process.js";
import { agentEnv } from "../adapters/agents/agent-env.js";
import { agentInvocation, readAgentOutcome } from "../adapters/agents/index.js";
import { defaultAllowedTools } from "../adapters/agents/claude.js";
import { buildPrompt, type FeedbackEntry, type RelayEntry } from "../core/prompt.js";
import type { AttemptOutcome, CommitSummary } from "../core/state-types.js";
import type { Item } from "../plan/types.js";
import type { EngineContext } from "./context.js";
import type { CheckoutChange, WatchedAttempt } from "./checkout-watch.js";
import { readLaneFacts } from "./git-facts.js";
import { lastLines, runGates } from "./gates.js";
import { setupLane } from "./lane-setup.js";
import { names } from "./paths.js";

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
}

/** How an attempt ended. `work` goes to the merge queue; everything else is a failure. */
export type AttemptResult =
  | {
      readonly kind: "work";
      readonly head: string;
      readonly commits: readonly CommitSummary[];
      readonly filesChanged: readonly string[];
      readonly notes?: string;
    }
  | {
      readonly kind: "failure";
      readonly outcome: Exclude<AttemptOutcome, "accepted" | "conflict">;
      readonly reason: string;
      readonly details?: string;
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

  // Registration one at a time (fast, --no-checkout); the files are checked out in parallel.
  const added = await ctx.worktreeMutex(() =>
    git.worktreeAdd({ cwd: ctx.repoDir, path: laneDir, branch, startPoint: a.startCommit, checkout: false }),
  );
  if (!added.ok) {
    return finish({
      kind: "failure",
      outcome: "failed",
      reason: `could not create the lane: ${added.error.message}`,
    });
  }
  const populated = await git.git({ cwd: laneDir, args: ["reset", "--hard", "--quiet"] });
  if (!populated.ok) {
    return finish({
      kind: "failure",
      outcome: "failed",
      reason: `could not check out the lane: ${populated.error.message}`,
    });
  }
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

  const setup = await setupLane({
    repoDir: ctx.repoDir,
    commonDir: ctx.commonDir,
    laneDir,
    link: ctx.plan.setup.link,
    copy: ctx.plan.setup.copy,
    run: ctx.plan.setup.run,
    env,
    logDir,
    timeoutMs: ctx.plan.timeoutSeconds * 1000,
    signal: ctx.hardStop,
  });
  if (!setup.ok) return finish({ kind: "failure", outcome: "failed", reason: setup.error.message });

  const checks = item.acceptance.flatMap((c) => (c.check === undefined ? [] : [c.check]));
  const invoked = agentInvocation({
    profile,
    item,
    prompt,
    promptFile,
    worktree: laneDir,
    allowedTools: profile.allowedTools ?? defaultAllowedTools({ gates: ctx.plan.gates.preMerge, checks }),
  });
  if (!invoked.ok) {
    return finish({
      kind: "failure",
      outcome: "failed",
      reason: `the agent could not be started: ${invoked.error.reason}`,
    });
  }
  const invocation = invoked.value;
  await ctx.checkoutWatch.begin({ itemId: item.id, attempt: n });
  const stdoutFile = join(logDir, "agent.out");
  const stderrFile = join(logDir, "agent.err");
  ctx.store.updateAttempt(ctx.runId, item.id, n, { stdoutFile, stderrFile });
  const proc = await runProcess({
    argv: invocation.argv,
    cwd: laneDir,
    env,
    stdoutFile,
    stderrFile,
    capBytes: ctx.options.logCapBytes,
    timeoutMs: ctx.plan.timeoutSeconds * 1000,
    killGraceMs: ctx.options.killGraceMs,
    signal: ctx.hardStop,
    onSpawn: (pid) => ctx.store.updateAttempt(ctx.runId, item.id, n, { pid }),
  });
  ctx.emit({
    type: "agent-exited",
    itemId: item.id,
    attempt: n,
    exitCode: proc.exitCode,
    signal: proc.signal,
    timedOut: proc.timedOut,
    durationMs: proc.durationMs,
  });
  const changes = await ctx.checkoutWatch.end({ itemId: item.id, attempt: n });

  const stdout = proc.truncated.stdout ? proc.stdoutTail : safeRead(stdoutFile);
  const said = readAgentOutcome({ output: invocation.output, stdout });
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
  const logTail = lastLines(`${proc.stdoutTail}\n${proc.stderrTail}`, 30);

  if (ctx.hardStop.aborted || proc.cancelled)
    return end({ kind: "failure", outcome: "cancelled", reason: "the run was stopped" });
  if (proc.timedOut) {
    return end({
      kind: "failure",
      outcome: "timeout",
      reason: `the agent did not finish within ${ctx.plan.timeoutSeconds}s and was stopped`,
      details: logTail,
    });
  }
  if (proc.spawnError !== undefined) {
    return end({
      kind: "failure",
      outcome: "failed",
      reason: `the agent could not start: ${proc.spawnError.message}`,
    });
  }
  if (proc.exitCode !== 0) {
    const how = proc.exitCode === null ? `signal ${proc.signal ?? "?"}` : `code ${proc.exitCode}`;
    // An agent that said what went wrong (claude's `is_error` result) is quoted; others are not.
    const quoted = said.isError && said.parseError === undefined && said.lastMessage.trim() !== "";
    return end({
      kind: "failure",
      outcome: "failed",
      reason: quoted
        ? `the agent exited with ${how} and reported an error: ${said.lastMessage.trim().slice(0, 500)}`
        : `the agent exited with ${how}`,
      details: logTail,
    });
  }
  if (said.isError) {
    return end({
      kind: "failure",
      outcome: "failed",
      reason: `the agent reported an error: ${said.lastMessage.slice(0, 500)}`,
      details: logTail,
    });
  }
  if (said.report.status === "BLOCKED") {
    return end({
      kind: "failure",
      outcome: "blocked",
      reason: `the agent said it is blocked${said.report.notes === undefined ? "" : `: ${said.report.notes}`}`,
    });
  }
  if (facts.commits.length === 0) {
    return end({
      kind: "failure",
      outcome: "no-work",
      reason: "the agent made no commits and left no changes",
    });
  }

  ctx.store.updateItem(ctx.runId, item.id, { status: "verifying" });
  ctx.emit({ type: "item-state", itemId: item.id, state: "verifying" });
  const gateEnv = { ...env, FLOTILLA_ROLE: "gate" };
  const gate = await runGates({
    ctx,
    stage: "pre_merge",
    commands: ctx.plan.gates.preMerge,
    cwd: laneDir,
    env: gateEnv,
    logDir,
    itemId: item.id,
    attempt: n,
  });
  if (gate !== undefined) {
    return end({ kind: "failure", outcome: "rejected", reason: gate.summary, details: gate.outputTail });
  }
  for (const [i, criterion] of item.acceptance.entries()) {
    if (criterion.check === undefined) continue;
    const failed = await runGates({
      ctx,
      stage: "pre_merge",
      commands: [criterion.check],
      cwd: laneDir,
      env: gateEnv,
      logDir: join(logDir, `check-${i + 1}`),
      itemId: item.id,
      attempt: n,
    });
    if (failed !== undefined) {
      return end({
        kind: "failure",
        outcome: "rejected",
        reason: `acceptance criterion not met: "${criterion.text}" (check \`${criterion.check}\` ${failed.timedOut ? "timed out" : `exited ${failed.exitCode ?? "by signal"}`})`,
        details: failed.outputTail,
      });
    }
  }
  return end({
    kind: "work",
    head: facts.head!,
    commits: facts.commits,
    filesChanged: facts.filesChanged,
    ...(said.report.notes === undefined ? {} : { notes: said.report.notes }),
  });
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

// The violation text: certain when this agent was the only one running, a suspicion otherwise.
function checkoutViolation(change: CheckoutChange, me: WatchedAttempt): string {
  const others = change.suspects.filter((s) => s.itemId !== me.itemId || s.attempt !== me.attempt);
  const who =
    others.length === 0
      ? "while the agent ran"
      : `while this agent and ${others.map((o) => `${o.itemId} #${o.attempt}`).join(", ")} ran`;
  return `files in the user's checkout changed ${who} (left as they are): ${change.paths.join(", ")}`;
}

// Continuing an unfinished run: the facts `planResume` decides from (merges on the integration
// branch, agents still alive), and the re-attachment of an attempt whose orchestrator died — wait
// for its agent if it still runs, then judge what it left from git, as a fresh attempt would.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as git from "../adapters/git/index.js";
import { agentEnv } from "../adapters/agents/agent-env.js";
import { detachedAlive, ownedBy, readPidFile, type DetachedIdentity } from "../adapters/process/detached.js";
import { processStartTime } from "../adapters/process/group.js";
import type { FeedbackEntry } from "../core/prompt.js";
import { parseItemMerge, planResume, type MergeOnBranch, type ResumeItem } from "../core/resume-plan.js";
import type { AttemptOutcome, AttemptRecord, StateStore } from "../core/state-types.js";
import type { Item } from "../plan/types.js";
import { AGENT_EXIT, awaitAgentSession, sessionFailure, type AgentSession } from "./agent-session.js";
import type { AttemptResult } from "./attempt.js";
import type { EngineContext } from "./context.js";
import { readLaneFacts } from "./git-facts.js";
import { names } from "./paths.js";
import { judgeWork } from "./verify-lane.js";

/** The merges of `runId`'s items on the integration branch since `from` (first parents only). */
export async function itemMergesOnBranch(opts: {
  cwd: string;
  branch: string;
  from: string;
  runId: string;
}): Promise<MergeOnBranch[]> {
  const out = await git.git({
    cwd: opts.cwd,
    args: [
      "log",
      "--first-parent",
      "--no-show-signature",
      "-z",
      "--format=%H%x1f%s%x1f%b",
      "--end-of-options",
      `${opts.from}..refs/heads/${opts.branch}`,
      "--",
    ],
  });
  if (!out.ok) return [];
  const merges: MergeOnBranch[] = [];
  for (const record of out.value.stdout.split("\0")) {
    const [commit, subject, body] = record.split("\x1f");
    if (commit === undefined || subject === undefined) continue;
    const m = parseItemMerge({ subject, body: body ?? "", runId: opts.runId });
    // Newest first: the first merge seen of an item is its last.
    if (m !== undefined && !merges.some((x) => x.itemId === m.itemId))
      merges.push({ ...m, commit: commit.trim() });
  }
  return merges;
}

/** What resume does with each item of the run, from the store and git. */
export async function resumeSteps(opts: {
  store: StateStore;
  runId: string;
  repoDir: string;
  integrationBranch: string;
  baseCommit: string;
  itemIds: readonly string[];
}): Promise<ResumeItem[]> {
  const merges = await itemMergesOnBranch({
    cwd: opts.repoDir,
    branch: opts.integrationBranch,
    from: opts.baseCommit,
    runId: opts.runId,
  });
  return planResume({
    itemIds: opts.itemIds,
    items: opts.store.listItems(opts.runId),
    attempts: opts.store.listAttempts(opts.runId),
    merges,
    alive: (a) => a.pid !== undefined && detachedAlive({ pid: a.pid, startTime: a.pidStartTime }),
  });
}

/** The feedback earlier attempts left, rebuilt from their rows (the next attempt's prompt). */
export function feedbackFromAttempts(attempts: readonly AttemptRecord[]): FeedbackEntry[] {
  return attempts.flatMap((a) =>
    a.outcome === undefined || a.outcome === "accepted" || a.outcome === "lost"
      ? []
      : [{ attempt: a.n, outcome: a.outcome, reason: a.reason ?? a.outcome }],
  );
}

/**
 * Re-attaches to attempt `a` of `item`: waits for its agent if alive, then judges the lane. Work
 * goes on to the pre-merge checks; no work at all is `lost` (the run starts a new attempt that does
 * not count as a retry). An agent whose exit status is unknown (it died with the machine) is
 * judged from git alone.
 */
export async function adoptAttempt(opts: {
  ctx: EngineContext;
  item: Item;
  a: AttemptRecord;
  slot: number;
}): Promise<AttemptResult> {
  const { ctx, item, a } = opts;
  const logDir = ctx.paths.attemptDir(ctx.runId, item.id, a.n);
  const profile = ctx.plan.agents[item.agent];
  if (profile === undefined) throw new Error(`bug: item ${item.id} has unknown agent ${item.agent}`);
  const promptFile = join(logDir, "prompt.md");
  ctx.emit({
    type: "attempt-started",
    itemId: item.id,
    attempt: a.n,
    agent: profile.name,
    lane: a.laneDir,
    branch: a.branch,
  });
  const who = agentIdentity({ ctx, item, a, logDir });
  let session: AgentSession | undefined;
  if (who !== "never-started") {
    session = await awaitAgentSession({
      ctx,
      profile,
      item,
      promptFile,
      laneDir: a.laneDir,
      logDir,
      who,
      startedAt: a.startedAt,
    });
  }
  const finish = (r: AttemptResult, extra: { head?: string; violations?: string[] } = {}) => {
    const outcome: AttemptOutcome = r.kind === "work" ? "accepted" : r.outcome;
    ctx.store.updateAttempt(ctx.runId, item.id, a.n, {
      endedAt: new Date().toISOString(),
      outcome,
      reason: r.kind === "work" ? undefined : r.reason,
      ...(session?.proc.exitCode == null ? {} : { exitCode: session.proc.exitCode }),
      ...(extra.head === undefined ? {} : { headCommit: extra.head }),
      ...(extra.violations === undefined ? {} : { violations: extra.violations }),
    });
    ctx.emit({
      type: "attempt-ended",
      itemId: item.id,
      attempt: a.n,
      outcome,
      ...(r.kind === "work" ? {} : { reason: r.reason }),
      durationMs: Date.now() - Date.parse(a.startedAt),
    });
    return r;
  };
  // The agent never started (the orchestrator died while opening its lane): there is no work, and
  // a half-made lane must not be read as the agent's (a lane not yet checked out looks emptied).
  if (who === "never-started")
    return finish({
      kind: "failure",
      outcome: "lost",
      reason: "the orchestrator stopped before the agent started",
    });
  if (ctx.hardStop.aborted)
    return finish({ kind: "failure", outcome: "cancelled", reason: "the run was stopped" });
  if (!existsSync(a.laneDir) && (await git.revParse(ctx.repoDir, `refs/heads/${a.branch}`)) === undefined) {
    return finish({
      kind: "failure",
      outcome: "lost",
      reason: "the agent is gone and its lane is gone (no work)",
    });
  }
  const facts = await readLaneFacts({
    repoDir: ctx.repoDir,
    laneDir: a.laneDir,
    branch: a.branch,
    startCommit: a.baseCommit,
  });
  if (facts.head !== undefined && facts.head !== a.baseCommit) {
    await git.updateRef({
      cwd: ctx.repoDir,
      ref: names.attemptRef(ctx.runId, item.id, a.n),
      newValue: facts.head,
    });
  }
  const violations = [...facts.violations];
  for (const v of violations) ctx.emit({ type: "warning", itemId: item.id, message: v });
  const end = (r: AttemptResult) =>
    finish(r, { ...(facts.head === undefined ? {} : { head: facts.head }), violations });
  // The agent's own ending counts only when it is known (the wrapper wrote it).
  const known = session !== undefined && existsSync(join(logDir, AGENT_EXIT));
  const failed = known ? sessionFailure({ session: session!, ctx, who: "the agent" }) : undefined;
  if (failed !== undefined) return end({ kind: "failure", ...failed });
  if (facts.commits.length === 0) {
    return end({
      kind: "failure",
      outcome: known ? "no-work" : "lost",
      reason: known
        ? "the agent made no commits and left no changes"
        : "the agent is gone after a crash and left no work",
    });
  }
  const env = agentEnv({
    base: ctx.baseEnv,
    run: ctx.runId,
    item: item.id,
    attempt: a.n,
    worktree: a.laneDir,
    promptFile,
    feedbackFile: undefined,
    baseCommit: a.baseCommit,
    port: ctx.options.portBase + opts.slot * ctx.options.portStride,
    depth: Number(ctx.baseEnv["FLOTILLA_DEPTH"] ?? "0"),
    role: "agent",
  });
  const judged = await judgeWork({
    ctx,
    item,
    n: a.n,
    laneDir: a.laneDir,
    env,
    logDir,
    startCommit: a.baseCommit,
    facts: { ...facts, head: facts.head! },
    said: session?.said,
  });
  return end(judged.result);
}

/**
 * The run's gate worktree may be half made or locked by a git the crash killed; it holds nothing
 * but a checkout of merged commits, so resume removes it and the next gate makes it afresh.
 */
export async function resetGateWorktree(ctx: EngineContext): Promise<void> {
  const dir = ctx.paths.gateWorktree(ctx.runId);
  if (!existsSync(dir)) return;
  await git.worktreeRemove({ cwd: ctx.repoDir, path: dir, force: true });
  rmSync(dir, { recursive: true, force: true });
  await git.worktreePrune(ctx.repoDir);
}

/**
 * Who attempt `a`'s agent is: the recorded pid and start time, or — when the orchestrator died
 * between starting the agent and recording it — the pid its wrapper wrote before the agent began.
 * A pid from the file that is no longer our wrapper gets a start time no process has, so it is
 * never taken for alive (nor signalled) while its exit file and output are still read.
 * "never-started": no wrapper ever ran, so the lane holds nothing of the agent's.
 */
function agentIdentity(opts: {
  ctx: EngineContext;
  item: Item;
  a: AttemptRecord;
  logDir: string;
}): DetachedIdentity | "never-started" {
  const { ctx, item, a } = opts;
  if (a.pid !== undefined) return { pid: a.pid, startTime: a.pidStartTime };
  const pid = readPidFile(join(opts.logDir, AGENT_EXIT));
  if (pid === undefined) return "never-started";
  if (!ownedBy(pid, a.laneDir)) return { pid, startTime: "gone" };
  const startTime = processStartTime(pid);
  ctx.store.updateAttempt(ctx.runId, item.id, a.n, {
    pid,
    ...(startTime === undefined ? {} : { pidStartTime: startTime }),
  });
  return { pid, startTime: startTime ?? "gone" };
}

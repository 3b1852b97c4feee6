// One agent session in a lane, whatever it is for (an attempt, a resolver): the profile's argv, the
// process in its own group with capped logs and the plan's timeout, the checkout watch around it,
// and what its stdout says. The caller decides what the session's ending means.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { agentInvocation, readAgentOutcome, type AgentOutcome } from "../adapters/agents/index.js";
import type { InvocationError } from "../adapters/agents/index.js";
import { awaitDetached, runDetached, type DetachedIdentity } from "../adapters/process/detached.js";
import type { ProcessOutcome } from "../adapters/process/run-process.js";
import type { AgentProfile, Item } from "../plan/types.js";
import { err, ok, type Result } from "../util/result.js";
import type { CheckoutChange, WatchedAttempt } from "./checkout-watch.js";
import type { EngineContext } from "./context.js";
import { lastLines } from "./gates.js";

/** The file names of a session's output in its log folder. */
export const AGENT_STDOUT = "agent.out";
export const AGENT_STDERR = "agent.err";
/** Written by the agent's wrapper when it ends: its exit status, for an orchestrator that restarted. */
export const AGENT_EXIT = "agent.exit";

/** What a session is started with. */
export interface AgentSessionStart {
  readonly ctx: EngineContext;
  readonly profile: AgentProfile;
  readonly item: Item;
  readonly prompt: string;
  /** The prompt, already written to this file. */
  readonly promptFile: string;
  readonly laneDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** agent.out and agent.err go here. */
  readonly logDir: string;
  /** claude: the allow-list when the profile has none. */
  readonly allowedTools: readonly string[];
  /** The item's budget in dollars, for agents that take one (claude). */
  readonly maxBudgetUsd?: number;
  /** Who is blamed for changes to the user's checkout while the session runs. */
  readonly watch: WatchedAttempt;
  /** Called once the invocation is known to be valid, just before the process starts. */
  readonly onStart?: (files: { readonly stdoutFile: string; readonly stderrFile: string }) => void;
  /** The agent's identity, recorded so a restarted orchestrator can re-attach to it. */
  readonly onSpawn?: (who: DetachedIdentity) => void;
}

/** How a session ended. */
export interface AgentSession {
  readonly proc: ProcessOutcome;
  readonly said: AgentOutcome;
  /** Changes to the user's checkout seen while it ran. */
  readonly changes: readonly CheckoutChange[];
  readonly stdoutFile: string;
  readonly stderrFile: string;
}

/** Runs the profile in the lane to its end; an error only when the profile cannot be started at all. */
export async function runAgentSession(s: AgentSessionStart): Promise<Result<AgentSession, InvocationError>> {
  const { ctx } = s;
  const invoked = agentInvocation({
    profile: s.profile,
    item: s.item,
    prompt: s.prompt,
    promptFile: s.promptFile,
    worktree: s.laneDir,
    allowedTools: s.profile.allowedTools ?? s.allowedTools,
    ...(s.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: s.maxBudgetUsd }),
  });
  if (!invoked.ok) return err(invoked.error);
  const invocation = invoked.value;
  const stdoutFile = join(s.logDir, AGENT_STDOUT);
  const stderrFile = join(s.logDir, AGENT_STDERR);
  s.onStart?.({ stdoutFile, stderrFile });
  await ctx.checkoutWatch.begin(s.watch);
  // Detached: a killed orchestrator does not take the agent with it (`flotilla resume` re-attaches).
  const proc = await runDetached({
    argv: invocation.argv,
    cwd: s.laneDir,
    env: s.env,
    stdoutFile,
    stderrFile,
    exitFile: join(s.logDir, AGENT_EXIT),
    capBytes: ctx.options.logCapBytes,
    timeoutMs: ctx.plan.timeoutSeconds * 1000,
    killGraceMs: ctx.options.killGraceMs,
    signal: ctx.hardStop,
    ...(s.onSpawn === undefined ? {} : { onSpawn: s.onSpawn }),
  });
  const changes = await ctx.checkoutWatch.end(s.watch);
  return ok({ proc, said: readSaid(invocation.output, proc, stdoutFile), changes, stdoutFile, stderrFile });
}

/**
 * Re-attaches to an agent an earlier orchestrator started (after a crash): waits for it within what
 * is left of the timeout, then reads what it said. Changes to the user's checkout made while nobody
 * watched cannot be told apart from the user's own, so none are reported.
 */
export async function awaitAgentSession(s: {
  readonly ctx: EngineContext;
  readonly profile: AgentProfile;
  readonly item: Item;
  readonly promptFile: string;
  readonly laneDir: string;
  readonly logDir: string;
  readonly who: DetachedIdentity;
  /** When the agent started, to keep its timeout. */
  readonly startedAt: string;
}): Promise<AgentSession> {
  const { ctx } = s;
  const prompt = safeRead(s.promptFile);
  const invoked = agentInvocation({
    profile: s.profile,
    item: s.item,
    prompt,
    promptFile: s.promptFile,
    worktree: s.laneDir,
    allowedTools: s.profile.allowedTools ?? [],
  });
  const stdoutFile = join(s.logDir, AGENT_STDOUT);
  const stderrFile = join(s.logDir, AGENT_STDERR);
  const elapsed = Date.now() - Date.parse(s.startedAt);
  const proc = await awaitDetached({
    ...s.who,
    stdoutFile,
    stderrFile,
    exitFile: join(s.logDir, AGENT_EXIT),
    capBytes: ctx.options.logCapBytes,
    timeoutMs: Math.max(0, ctx.plan.timeoutSeconds * 1000 - (Number.isFinite(elapsed) ? elapsed : 0)),
    killGraceMs: ctx.options.killGraceMs,
    signal: ctx.hardStop,
  });
  const output = invoked.ok ? invoked.value.output : "text";
  return { proc, said: readSaid(output, proc, stdoutFile), changes: [], stdoutFile, stderrFile };
}

function readSaid(
  output: Parameters<typeof readAgentOutcome>[0]["output"],
  proc: ProcessOutcome,
  file: string,
) {
  const stdout = proc.truncated.stdout ? proc.stdoutTail : safeRead(file);
  return readAgentOutcome({ output, stdout });
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Why a session's work does not count, before anything about its commits is looked at. */
export interface SessionFailure {
  readonly outcome: "cancelled" | "timeout" | "failed" | "blocked";
  readonly reason: string;
  readonly details?: string;
}

/**
 * The session's own failure, if any: stopped, timed out, could not start, a non-zero exit, an error
 * the agent reported, or `STATUS: BLOCKED`. `who` names the process in the reason ("the agent").
 */
export function sessionFailure(opts: {
  session: AgentSession;
  ctx: EngineContext;
  who: string;
}): SessionFailure | undefined {
  const { proc, said } = opts.session;
  const { who } = opts;
  const logTail = lastLines(`${proc.stdoutTail}\n${proc.stderrTail}`, 30);
  if (opts.ctx.hardStop.aborted || proc.cancelled)
    return { outcome: "cancelled", reason: "the run was stopped" };
  if (proc.timedOut) {
    return {
      outcome: "timeout",
      reason: `${who} did not finish within ${opts.ctx.plan.timeoutSeconds}s and was stopped`,
      details: logTail,
    };
  }
  if (proc.spawnError !== undefined) {
    return { outcome: "failed", reason: `${who} could not start: ${proc.spawnError.message}` };
  }
  if (proc.exitCode !== 0) {
    const how = proc.exitCode === null ? `signal ${proc.signal ?? "?"}` : `code ${proc.exitCode}`;
    // An agent that said what went wrong (claude's `is_error` result) is quoted; others are not.
    const quoted = said.isError && said.parseError === undefined && said.lastMessage.trim() !== "";
    return {
      outcome: "failed",
      reason: quoted
        ? `${who} exited with ${how} and reported an error: ${said.lastMessage.trim().slice(0, 500)}`
        : `${who} exited with ${how}`,
      details: logTail,
    };
  }
  if (said.isError) {
    return {
      outcome: "failed",
      reason: `${who} reported an error: ${said.lastMessage.slice(0, 500)}`,
      details: logTail,
    };
  }
  if (said.report.status === "BLOCKED") {
    const why = said.report.statusDetail ?? said.report.notes;
    return { outcome: "blocked", reason: `${who} said it is blocked${why === undefined ? "" : `: ${why}`}` };
  }
  return undefined;
}

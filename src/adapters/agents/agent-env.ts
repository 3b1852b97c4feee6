// The environment of every process flotilla starts for a run (DESIGN.md): the FLOTILLA_* variables,
// and none of git's repository-locating variables, so a lane's git works on the lane.

/** Which part a process plays in a run (FLOTILLA_ROLE). */
export type AgentRole = "agent" | "reviewer" | "resolver" | "gate";

/** Options of agentEnv. */
export interface AgentEnvOptions {
  /** The environment to start from (usually process.env); never modified. */
  readonly base: NodeJS.ProcessEnv;
  readonly run: string;
  readonly item: string;
  readonly attempt: number;
  readonly worktree: string;
  readonly promptFile: string;
  /** Absent (or empty) on a first attempt. */
  readonly feedbackFile: string | undefined;
  /** The commit the lane started from. */
  readonly baseCommit: string;
  /** The start of this lane's own port range. */
  readonly port: number;
  /** The orchestrator's own depth (0 at the top); the child gets depth + 1. */
  readonly depth: number;
  readonly role: AgentRole;
}

import { withoutGitRepoEnv } from "../git/git.js";

/** Re-exported: the variables dropped from every agent's environment (see the git adapter). */
export { GIT_REPO_ENV_VARS } from "../git/git.js";

/** Reads the recursion depth flotilla was started with (0 when absent or not a number). */
export function currentDepth(env: NodeJS.ProcessEnv): number {
  const d = Number.parseInt(env["FLOTILLA_DEPTH"] ?? "", 10);
  return Number.isFinite(d) && d >= 0 ? d : 0;
}

/** The environment of one process of a run: base minus git's repo variables, plus FLOTILLA_*. */
export function agentEnv(options: AgentEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = withoutGitRepoEnv(options.base);
  Object.assign(env, {
    FLOTILLA_RUN: options.run,
    FLOTILLA_ITEM: options.item,
    FLOTILLA_ATTEMPT: String(options.attempt),
    FLOTILLA_WORKTREE: options.worktree,
    FLOTILLA_PROMPT_FILE: options.promptFile,
    FLOTILLA_FEEDBACK_FILE: options.feedbackFile ?? "",
    FLOTILLA_BASE_COMMIT: options.baseCommit,
    FLOTILLA_PORT: String(options.port),
    FLOTILLA_DEPTH: String(options.depth + 1),
    FLOTILLA_ROLE: options.role,
  });
  return env;
}

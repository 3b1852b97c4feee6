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

/**
 * Variables git reads to find a repository (`git rev-parse --local-env-vars`, minus the config
 * ones): inherited from a hook or an outer git, they would point a lane's git at another repo.
 */
export const GIT_REPO_ENV_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_IMPLICIT_WORK_TREE",
  "GIT_PREFIX",
  "GIT_GRAFT_FILE",
  "GIT_SHALLOW_FILE",
  "GIT_NO_REPLACE_OBJECTS",
  "GIT_REPLACE_REF_BASE",
  "GIT_INTERNAL_SUPER_PREFIX",
] as const;

/** Reads the recursion depth flotilla was started with (0 when absent or not a number). */
export function currentDepth(env: NodeJS.ProcessEnv): number {
  const d = Number.parseInt(env["FLOTILLA_DEPTH"] ?? "", 10);
  return Number.isFinite(d) && d >= 0 ? d : 0;
}

/** The environment of one process of a run: base minus git's repo variables, plus FLOTILLA_*. */
export function agentEnv(options: AgentEnvOptions): NodeJS.ProcessEnv {
  const stripped = new Set<string>(GIT_REPO_ENV_VARS);
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(options.base).filter(([key]) => !stripped.has(key)),
  );
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

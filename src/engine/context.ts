// What every engine step needs, passed explicitly (no globals, no process.chdir).
import type { StateStore } from "../core/state-types.js";
import type { EventSink } from "../core/events.js";
import type { Plan } from "../plan/types.js";
import type { Mutex } from "../util/mutex.js";
import type { CheckoutWatch } from "./checkout-watch.js";
import type { AcceptedCheck } from "./criteria-gates.js";
import type { FlotillaPaths } from "./paths.js";

/** Tunables of the engine that are not plan keys (tests shorten them). */
export interface EngineOptions {
  readonly gateTimeoutSeconds: number;
  /** SIGTERM → SIGKILL grace when an agent or gate is stopped. */
  readonly killGraceMs: number;
  /** Per-stream cap of agent logs. */
  readonly logCapBytes: number;
  /** First port of the range handed to lane k is portBase + k * portStride. */
  readonly portBase: number;
  readonly portStride: number;
  /** Add a follow-up item for what a `STATUS: PARTIAL` attempt left (`run --no-followups` turns it off). */
  readonly followUps: boolean;
  /** Stop running agents when the budget is spent (`run --hard-budget`), not only new attempts. */
  readonly hardBudget: boolean;
}

/** Defaults for EngineOptions. */
export const defaultEngineOptions: EngineOptions = {
  gateTimeoutSeconds: 30 * 60,
  killGraceMs: 5000,
  logCapBytes: 50 * 1024 * 1024,
  portBase: 41000,
  portStride: 10,
  followUps: true,
  hardBudget: false,
};

/** The context of one run, shared by its steps. */
export interface EngineContext {
  readonly runId: string;
  readonly plan: Plan;
  /** The user's checkout where flotilla was started (read only: never checked out, reset or stashed). */
  readonly repoDir: string;
  readonly commonDir: string;
  readonly paths: FlotillaPaths;
  readonly store: StateStore;
  readonly emit: EventSink;
  readonly options: EngineOptions;
  /** Aborted on the second Ctrl-C or SIGTERM: running agents and gates are stopped. */
  readonly hardStop: AbortSignal;
  /** The environment processes start from (secrets stay in it, never in logs). */
  readonly baseEnv: NodeJS.ProcessEnv;
  readonly base: string;
  readonly integrationBranch: string;
  /** Notices agents writing into the user's checkout. */
  readonly checkoutWatch: CheckoutWatch;
  /**
   * Serializes worktree registrations: git 2.39's `worktree add` reads every other worktree's
   * registration and fails ("failed to read .../commondir") when one is being written at that moment.
   */
  readonly worktreeMutex: Mutex;
  /** The checks of items merged so far: they run again with the post-merge and land gates. */
  readonly acceptedChecks?: () => readonly AcceptedCheck[];
}

// What the engine tells the world. The engine emits these; reporters (terminal, database) print
// or store them. Nothing in the engine prints.

import type { AttemptOutcome, GateStage, ItemStatus, RunStatus } from "./state-types.js";

/** Every event of a run, tagged by `type`. */
export type RunEvent =
  | {
      readonly type: "run-started";
      readonly runId: string;
      readonly plan: string;
      readonly base: string;
      readonly integrationBranch: string;
      readonly items: number;
    }
  | {
      readonly type: "item-state";
      readonly itemId: string;
      readonly state: ItemStatus;
      readonly reason?: string;
    }
  | {
      readonly type: "attempt-started";
      readonly itemId: string;
      readonly attempt: number;
      readonly agent: string;
      readonly lane: string;
      readonly branch: string;
    }
  | {
      readonly type: "attempt-ended";
      readonly itemId: string;
      readonly attempt: number;
      readonly outcome: AttemptOutcome;
      readonly reason?: string;
      readonly costUsd?: number;
      readonly durationMs: number;
    }
  | {
      readonly type: "agent-exited";
      readonly itemId: string;
      readonly attempt: number;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly timedOut: boolean;
      /** The agent process alone, from spawn to exit (lane setup and gates excluded). */
      readonly durationMs: number;
    }
  | {
      readonly type: "gate-ended";
      readonly stage: GateStage;
      readonly itemId?: string;
      readonly attempt?: number;
      readonly command: string;
      readonly passed: boolean;
      readonly exitCode: number | null;
      readonly timedOut: boolean;
      readonly durationMs: number;
    }
  | { readonly type: "merged"; readonly itemId: string; readonly attempt: number; readonly commit: string }
  | {
      readonly type: "conflicts-predicted";
      /** Every conflict the latest probe predicts (empty: none any more). */
      readonly pairs: readonly PredictedPair[];
    }
  | {
      readonly type: "merge-conflict";
      readonly itemId: string;
      readonly attempt: number;
      readonly files: readonly string[];
    }
  | {
      readonly type: "resolver-started";
      readonly itemId: string;
      /** The attempt whose merge conflict is being resolved. */
      readonly attempt: number;
      readonly agent: string;
      readonly lane: string;
      readonly branch: string;
      /** The files with conflict markers. */
      readonly files: readonly string[];
      readonly promptFile: string;
      readonly stdoutFile: string;
    }
  | {
      readonly type: "resolver-ended";
      readonly itemId: string;
      readonly attempt: number;
      /** `resolved`: committed, no markers left; its merge goes through the merge queue next. */
      readonly outcome: ResolverOutcome;
      readonly reason?: string;
      /** The resolver's last commit (kept by its branch and a ref under refs/flotilla/resolutions/). */
      readonly head?: string;
      readonly exitCode?: number | null;
      readonly costUsd?: number;
      readonly tokensIn?: number;
      readonly tokensOut?: number;
      readonly durationMs: number;
    }
  | {
      /** A resolved merge did not make it: the post-merge gates failed, or it conflicted again. */
      readonly type: "resolution-rejected";
      readonly itemId: string;
      readonly attempt: number;
      readonly reason: string;
    }
  | {
      /** The acceptance review of an attempt (checks, then the reviewer) ended. */
      readonly type: "review-ended";
      readonly itemId: string;
      readonly attempt: number;
      readonly verdict: "PASS" | "FAIL";
      readonly reason: string;
      /** Criteria judged impossible as written (with evidence) and override-accepted. */
      readonly specDefects: readonly { readonly criterion: string; readonly evidence: string }[];
    }
  | {
      /** A follow-up item was added to the run for what a PARTIAL attempt left to do. */
      readonly type: "item-added";
      readonly itemId: string;
      /** The item whose PARTIAL work it continues. */
      readonly parent: string;
      readonly title: string;
      readonly remaining: string;
    }
  | {
      /** A newcomer's merge broke an accepted item's check, and both cannot hold. */
      readonly type: "contradiction";
      readonly itemId: string;
      readonly attempt: number;
      /** The earlier (landed or merged) item and its criterion that the newcomer breaks. */
      readonly other: string;
      readonly criterion: string;
    }
  | {
      /** The run's budget is spent: no new attempt starts. */
      readonly type: "budget-reached";
      readonly costUsd: number;
      readonly tokens: number;
      readonly budgetUsd: number | null;
      readonly budgetTokens: number | null;
      /** Whether running agents are stopped (`--hard-budget`) or left to finish. */
      readonly hard: boolean;
    }
  | { readonly type: "landed"; readonly base: string; readonly commit: string }
  | { readonly type: "land-skipped"; readonly reason: string }
  | { readonly type: "warning"; readonly message: string; readonly itemId?: string }
  | { readonly type: "run-ended"; readonly status: RunStatus; readonly exitCode: number };

/** How a resolver's session ended (the merge queue decides the rest). */
export type ResolverOutcome = "resolved" | "failed" | "cancelled";

/** A conflict predicted between a running lane and another lane or the integration branch. */
// A type, not an interface, so events stay assignable to the JSON the state store keeps.
export type PredictedPair = {
  readonly a: string;
  /** Another item's id, or "integration". */
  readonly b: string;
  readonly against: "lane" | "integration";
  readonly files: readonly string[];
};

/** Where events go; the engine calls it synchronously and never waits on it. */
export type EventSink = (event: RunEvent) => void;

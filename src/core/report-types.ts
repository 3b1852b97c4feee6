// The shapes `flotilla report --json` and `flotilla status --json` print. The keys are snake_case
// and part of the contract (DESIGN.md "report --json"): keys are only ever added, never renamed or
// removed, and an absent value is `null`, never a missing key.
import type {
  AgentReportedStatus,
  AttemptOutcome,
  ConflictClass,
  GateStage,
  ItemStatus,
  RunStatus,
} from "./state-types.js";

/** The run part of a report. */
export interface ReportRun {
  readonly id: string;
  /** The plan file as given to `flotilla run`. */
  readonly plan: string;
  readonly status: RunStatus;
  readonly base: string;
  readonly integration_branch: string;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly landed_commit: string | null;
  // Extras.
  readonly plan_name: string;
  readonly base_commit: string;
  readonly host: string;
  readonly pid: number;
}

/** One attempt (agent session) of an item. */
export interface ReportAttempt {
  readonly n: number;
  readonly agent: string;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly exit_code: number | null;
  /** null while the attempt runs. */
  readonly outcome: AttemptOutcome | null;
  readonly cost_usd: number | null;
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
  /** The feedback this attempt was given from earlier attempts. */
  readonly feedback: string | null;
  // Extras.
  readonly reason: string | null;
  readonly signal: string | null;
  /** The attempt's worktree folder. */
  readonly lane: string;
  readonly branch: string;
  readonly base_commit: string;
  readonly head_commit: string | null;
  /** Seconds from start to end; null while it runs. */
  readonly duration_seconds: number | null;
  readonly num_turns: number | null;
  readonly session_id: string | null;
  readonly permission_denials: readonly string[];
  readonly violations: readonly string[];
  readonly agent_status: AgentReportedStatus | null;
  readonly agent_notes: string | null;
  readonly stdout_file: string | null;
  readonly stderr_file: string | null;
  /** The acceptance review of this attempt with its evidence; null when none ran. */
  readonly review: ReportReview | null;
}

/** One attempt's review: the verdict, each criterion with evidence, the checks that ran. */
export interface ReportReview {
  readonly verdict: "PASS" | "FAIL";
  readonly reason: string;
  readonly criteria: readonly {
    readonly criterion: string;
    readonly status: "met" | "unmet" | "spec_defect";
    readonly evidence: string;
  }[];
  readonly checks: readonly {
    readonly criterion: string;
    readonly command: string;
    readonly passed: boolean;
    readonly exit_code: number | null;
    readonly timed_out: boolean;
    readonly duration_ms: number;
    readonly output_tail: string;
  }[];
  readonly reviewer: string | null;
  readonly reviewer_session_id: string | null;
  readonly reviewer_asks: number;
  readonly reviewer_cost_usd: number | null;
  readonly reviewed_at: string;
}

/** A criterion judged impossible as written, override-accepted. */
export interface ReportSpecDefect {
  readonly item: string;
  readonly attempt: number;
  readonly criterion: string;
  readonly evidence: string;
}

/** An item added for what a PARTIAL attempt left. */
export interface ReportFollowUp {
  readonly item: string;
  readonly parent: string;
  readonly title: string;
  readonly remaining: string;
  readonly status: ItemStatus | null;
}

/** A newcomer whose criteria cannot hold together with an earlier item's. */
export interface ReportContradiction {
  readonly item: string;
  readonly attempt: number;
  readonly other: string;
  readonly criterion: string;
}

/** The run's budgets and what was spent against them. */
export interface ReportBudget {
  readonly budget_usd: number | null;
  readonly budget_tokens: number | null;
  readonly spent_usd: number | null;
  readonly spent_tokens: number | null;
  /** The budget was spent: no new attempts started after that. */
  readonly reached: boolean;
  /** Running agents were stopped too (`--hard-budget`). */
  readonly hard: boolean;
}

/** How an item's merge met the integration branch. */
export interface ReportConflict {
  readonly class: ConflictClass | null;
  readonly files: readonly string[];
  // Extras.
  /**
   * How the item's work got onto the integration branch: merged cleanly, trivial conflicts resolved
   * by flotilla, a medium conflict resolved by a resolver agent, or a fresh attempt after a conflict
   * (fix-forward); null while it is not merged.
   */
  readonly resolution: ConflictResolution | null;
  /** Every resolver session of the item, in the order they started. */
  readonly resolvers: readonly ReportResolver[];
}

/** The path an item's work took onto the integration branch. */
export type ConflictResolution = "clean" | "trivial" | "resolver" | "fix-forward";

/**
 * Where a resolver session ended: `resolved` (committed, no markers; its merge waits for the gates),
 * `merged`, `rejected` (its merge failed the post-merge gates or conflicted again), `failed` (no
 * commit, markers left, an agent error), `cancelled`.
 */
export type ResolverReportOutcome = "resolved" | "merged" | "rejected" | "failed" | "cancelled";

/** One resolver agent session on an item's medium conflict. */
export interface ReportResolver {
  /** The attempt whose merge conflicted. */
  readonly attempt: number;
  readonly agent: string;
  /** The files it was given with conflict markers. */
  readonly files: readonly string[];
  /** null while it runs. */
  readonly outcome: ResolverReportOutcome | null;
  readonly reason: string | null;
  readonly lane: string;
  readonly branch: string;
  /** The prompt it was given and its output, for a look afterwards. */
  readonly prompt_file: string | null;
  readonly stdout_file: string | null;
  /** The resolver's last commit (kept by its branch and refs/flotilla/resolutions/). */
  readonly head_commit: string | null;
  /** The item's merge commit, when its resolution merged. */
  readonly merged_commit: string | null;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly duration_seconds: number | null;
  readonly exit_code: number | null;
  readonly cost_usd: number | null;
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
}

/** One commit of an item's work. */
export interface ReportCommit {
  readonly sha: string;
  readonly subject: string;
}

/** One item of the run. */
export interface ReportItem {
  readonly id: string;
  readonly status: ItemStatus;
  readonly attempts: readonly ReportAttempt[];
  readonly merged_commit: string | null;
  readonly conflict: ReportConflict;
  readonly files_changed: readonly string[];
  readonly commits: readonly ReportCommit[];
  // Extras.
  /** From the plan the run started with; null when the plan is not readable. */
  readonly title: string | null;
  readonly last_reason: string | null;
  readonly retries_used: number;
  readonly fix_forwards_used: number;
  /** What the agent handed on to later items (the relay). */
  readonly notes: string | null;
  /** The sum over attempts that reported a cost; null when none did. */
  readonly cost_usd: number | null;
}

/** One gate command's execution, with the evidence. */
export interface ReportGateRun {
  readonly stage: GateStage;
  readonly item: string | null;
  readonly attempt: number | null;
  readonly command: string;
  readonly passed: boolean;
  readonly exit_code: number | null;
  readonly timed_out: boolean;
  readonly duration_seconds: number;
  readonly started_at: string;
  readonly output_file: string | null;
  readonly output_tail: string;
}

/** How many items are in each state. */
export type StatusCounts = { readonly [S in ItemStatus]: number };

/** Sums over the run. */
export interface ReportTotals {
  /** The sum of the costs the agents reported; null when none reported one. */
  readonly cost_usd: number | null;
  /** Agent session time, summed over attempts (running ones up to now). */
  readonly agent_seconds: number;
  /** From the run's start to its end (or to now while it runs). */
  readonly wall_seconds: number;
  readonly gate_runs: number;
  /** Items merged into the integration branch. */
  readonly merges: number;
  // Extras.
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
  readonly attempts: number;
  readonly gate_failures: number;
  readonly items: number;
  readonly items_by_status: StatusCounts;
}

/** The whole `report --json` object. */
export interface Report {
  readonly run: ReportRun;
  readonly items: readonly ReportItem[];
  readonly totals: ReportTotals;
  // Extras.
  readonly gates: readonly ReportGateRun[];
  /** Commands and places worth looking at next, for people. */
  readonly next_steps: readonly string[];
  /** When the report was made. */
  readonly spec_defects: readonly ReportSpecDefect[];
  readonly follow_ups: readonly ReportFollowUp[];
  readonly contradictions: readonly ReportContradiction[];
  readonly budget: ReportBudget;
  readonly generated_at: string;
}

/** One item as `status` shows it: where it stands and its current (newest) attempt. */
export interface StatusItem {
  readonly id: string;
  readonly title: string | null;
  readonly status: ItemStatus;
  /** How many attempts were started. */
  readonly attempts: number;
  /** The newest attempt's number; null before the first. */
  readonly attempt: number | null;
  readonly agent: string | null;
  readonly lane: string | null;
  readonly attempt_started_at: string | null;
  /** The newest attempt's time so far (or its duration once it ended). */
  readonly attempt_seconds: number | null;
  readonly attempt_outcome: AttemptOutcome | null;
  /** Over all attempts of the item; null when none reported a cost. */
  readonly cost_usd: number | null;
  readonly merged_commit: string | null;
  readonly last_reason: string | null;
  /** The resolver working on the item's merge conflict now (the item is `queued` meanwhile). */
  readonly resolving: { readonly agent: string; readonly started_at: string } | null;
}

/** What `flotilla status` shows (and prints with `--json`). */
export interface StatusView {
  readonly run: ReportRun & {
    readonly elapsed_seconds: number;
    /** Whether the orchestrator process still lives; null when it cannot be told from here. */
    readonly owner_alive: boolean | null;
  };
  readonly counts: StatusCounts;
  readonly items: readonly StatusItem[];
  readonly cost_usd: number | null;
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
  /** Conflicts the latest probe of the running lanes predicts (empty when none or none known). */
  readonly predicted_conflicts: readonly {
    readonly a: string;
    readonly b: string;
    readonly against: "lane" | "integration";
    readonly files: readonly string[];
  }[];
  readonly generated_at: string;
}

// The column of every record field, per table. The compiler checks each map against its record
// type, so a field added to a record without a column here does not build.
import type {
  AttemptRecord,
  EventRecord,
  GateRunRecord,
  ItemRecord,
  ReviewRecord,
  RunRecord,
} from "../../core/state-types.js";
import { columns, type TableColumns } from "./columns.js";

/** The `runs` table. */
export const runColumns = columns<RunRecord>({
  id: ["id", "text"],
  planFile: ["plan_file", "text"],
  planName: ["plan_name", "text"],
  planJson: ["plan_json", "text"],
  base: ["base", "text"],
  baseCommit: ["base_commit", "text"],
  integrationBranch: ["integration_branch", "text"],
  status: ["status", "text"],
  startedAt: ["started_at", "text"],
  endedAt: ["ended_at", "text?"],
  landedCommit: ["landed_commit", "text?"],
  pid: ["pid", "int"],
  pidStartTime: ["pid_start_time", "text?"],
  host: ["host", "text"],
  optionsJson: ["options_json", "text"],
});

/** The `items` table. */
export const itemColumns = columns<ItemRecord>({
  runId: ["run_id", "text"],
  id: ["id", "text"],
  status: ["status", "text"],
  retriesUsed: ["retries_used", "int"],
  fixForwardsUsed: ["fix_forwards_used", "int"],
  mergedCommit: ["merged_commit", "text?"],
  conflictClass: ["conflict_class", "text?"],
  conflictFiles: ["conflict_files", "json"],
  filesChanged: ["files_changed", "json"],
  commits: ["commits", "json"],
  notes: ["notes", "text?"],
  lastReason: ["last_reason", "text?"],
  updatedAt: ["updated_at", "text"],
});

/** The `attempts` table. */
export const attemptColumns = columns<AttemptRecord>({
  runId: ["run_id", "text"],
  itemId: ["item_id", "text"],
  n: ["n", "int"],
  agent: ["agent", "text"],
  laneDir: ["lane_dir", "text"],
  branch: ["branch", "text"],
  baseCommit: ["base_commit", "text"],
  headCommit: ["head_commit", "text?"],
  startedAt: ["started_at", "text"],
  endedAt: ["ended_at", "text?"],
  exitCode: ["exit_code", "int?"],
  signal: ["signal", "text?"],
  outcome: ["outcome", "text?"],
  reason: ["reason", "text?"],
  feedback: ["feedback", "text?"],
  costUsd: ["cost_usd", "real?"],
  tokensIn: ["tokens_in", "int?"],
  tokensOut: ["tokens_out", "int?"],
  numTurns: ["num_turns", "int?"],
  sessionId: ["session_id", "text?"],
  permissionDenials: ["permission_denials", "json"],
  agentStatus: ["agent_status", "text?"],
  agentNotes: ["agent_notes", "text?"],
  pid: ["pid", "int?"],
  pidStartTime: ["pid_start_time", "text?"],
  stdoutFile: ["stdout_file", "text?"],
  stderrFile: ["stderr_file", "text?"],
  violations: ["violations", "json"],
});

/** A table whose id the database assigns: all columns to read, all but `id` to insert. */
export interface AutoIdTable<T> {
  readonly all: TableColumns<T>;
  readonly withoutId: TableColumns<Omit<T, "id">>;
}

function autoId<T>(all: TableColumns<T>): AutoIdTable<T> {
  return { all, withoutId: { all: all.all.filter((c) => c.prop !== "id"), byProp: all.byProp } };
}

/** The `gate_runs` table. */
export const gateRunColumns = autoId(
  columns<GateRunRecord>({
    id: ["id", "int"],
    runId: ["run_id", "text"],
    itemId: ["item_id", "text?"],
    attempt: ["attempt", "int?"],
    stage: ["stage", "text"],
    command: ["command", "text"],
    exitCode: ["exit_code", "int?"],
    timedOut: ["timed_out", "bool"],
    durationMs: ["duration_ms", "int"],
    outputFile: ["output_file", "text?"],
    outputTail: ["output_tail", "text"],
    startedAt: ["started_at", "text"],
  }),
);

/** The `events` table. */
export const eventColumns = autoId(
  columns<EventRecord>({
    id: ["id", "int"],
    runId: ["run_id", "text"],
    at: ["at", "text"],
    type: ["type", "text"],
    itemId: ["item_id", "text?"],
    attempt: ["attempt", "int?"],
    data: ["data", "json"],
  }),
);

/** The `reviews` table (schema version 2). */
export const reviewColumns = columns<ReviewRecord>({
  runId: ["run_id", "text"],
  itemId: ["item_id", "text"],
  attempt: ["attempt", "int"],
  verdict: ["verdict", "text"],
  reason: ["reason", "text"],
  criteria: ["criteria", "json"],
  checks: ["checks", "json"],
  reviewer: ["reviewer", "text?"],
  reviewerSessionId: ["reviewer_session_id", "text?"],
  reviewerCostUsd: ["reviewer_cost_usd", "real?"],
  reviewerAsks: ["reviewer_asks", "int"],
  reviewerAnswer: ["reviewer_answer", "text?"],
  reviewedAt: ["reviewed_at", "text"],
});

// The report model: the run's records turned into the `report --json` object and the `status`
// view. Pure: the records and the clock come in, a plain object goes out; reporters print it.
import { reviewSections } from "./report-review.js";
import { resolverSessions } from "./resolver-sessions.js";
import type {
  ConflictResolution,
  Report,
  ReportAttempt,
  ReportGateRun,
  ReportItem,
  ReportReview,
  ReportRun,
  ReportTotals,
  StatusCounts,
  StatusItem,
  StatusView,
} from "./report-types.js";
import type {
  AttemptRecord,
  EventRecord,
  GateRunRecord,
  ItemRecord,
  ItemStatus,
  ReviewRecord,
  RunRecord,
  StateStore,
} from "./state-types.js";
import { unreachable } from "../util/result.js";

/** Every item state in the order of DESIGN.md "Item states", so counts print in a stable order. */
export const ITEM_STATUSES: readonly ItemStatus[] = [
  "pending",
  "ready",
  "running",
  "verifying",
  "queued",
  "merged",
  "landed",
  "failed",
  "blocked",
  "cancelled",
];

/** The item states whose work is on the integration branch (and so safe to clean up). */
export const MERGED_STATUSES: ReadonlySet<ItemStatus> = new Set(["merged", "landed"]);

/** The item states in which an agent or the merge queue is working on the item. */
export const ACTIVE_STATUSES: ReadonlySet<ItemStatus> = new Set(["running", "verifying", "queued"]);

/** What buildReport reads: a run's records as the state store lists them. */
export interface ReportInput {
  readonly run: RunRecord;
  readonly items: readonly ItemRecord[];
  readonly attempts: readonly AttemptRecord[];
  readonly gateRuns: readonly GateRunRecord[];
  /** The run's events (resolver sessions are read from them); default none. */
  readonly events?: readonly EventRecord[];
  /** The attempts' acceptance reviews; default none. */
  readonly reviews?: readonly ReviewRecord[];
  /** The clock for running attempts and runs; default the current time. */
  readonly now?: Date;
}

/** Builds the `report --json` object from a run's records. */
export function buildReport(input: ReportInput): Report {
  const now = input.now ?? new Date();
  const { run } = input;
  const titles = planTitles(run.planJson);
  const byItem = attemptsByItem(input.attempts);
  const resolvers = resolverSessions(input.events ?? []);
  const review = reviewSections({
    reviews: input.reviews ?? [],
    events: input.events ?? [],
    items: input.items,
    planJson: run.planJson,
  });
  for (const f of review.followUps) if (!titles.has(f.item)) titles.set(f.item, f.title);
  const items: ReportItem[] = input.items.map((item) => {
    const attempts = (byItem.get(item.id) ?? []).map((a) =>
      reportAttempt(a, review.reviews.get(`${a.itemId}#${a.n}`) ?? null),
    );
    const sessions = resolvers.get(item.id) ?? [];
    return {
      id: item.id,
      status: item.status,
      attempts,
      merged_commit: item.mergedCommit ?? null,
      conflict: {
        class: item.conflictClass ?? null,
        files: [...item.conflictFiles],
        resolution: resolutionOf(item, sessions),
        resolvers: sessions,
      },
      files_changed: [...item.filesChanged],
      commits: item.commits.map((c) => ({ sha: c.sha, subject: c.subject })),
      title: titles.get(item.id) ?? null,
      last_reason: item.lastReason ?? null,
      retries_used: item.retriesUsed,
      fix_forwards_used: item.fixForwardsUsed,
      notes: item.notes ?? null,
      cost_usd: sumOrNull(
        [...attempts, ...sessions].map((a) => a.cost_usd),
        6,
      ),
    };
  });
  const gates = input.gateRuns.map(reportGate);
  const allAttempts = items.flatMap((i) => i.attempts);
  // Resolvers are agent sessions too: their cost, tokens and time count with the attempts'.
  const sessions = [...allAttempts, ...items.flatMap((i) => i.conflict.resolvers)];
  const totals: ReportTotals = {
    cost_usd: sumOrNull(
      sessions.map((a) => a.cost_usd),
      6,
    ),
    agent_seconds: round(
      sessions.reduce((s, a) => s + secondsBetween(a.started_at, a.ended_at ?? now.toISOString()), 0),
      3,
    ),
    wall_seconds: secondsBetween(run.startedAt, run.endedAt ?? now.toISOString()),
    gate_runs: gates.length,
    merges: items.filter((i) => i.merged_commit !== null).length,
    tokens_in: sumOrNull(
      sessions.map((a) => a.tokens_in),
      0,
    ),
    tokens_out: sumOrNull(
      sessions.map((a) => a.tokens_out),
      0,
    ),
    attempts: allAttempts.length,
    gate_failures: gates.filter((g) => !g.passed).length,
    items: items.length,
    items_by_status: countByStatus(input.items),
  };
  const reportRunPart = reportRun(run);
  return {
    run: reportRunPart,
    items,
    totals,
    gates,
    next_steps: nextSteps(reportRunPart, items),
    spec_defects: review.specDefects,
    follow_ups: review.followUps,
    contradictions: review.contradictions,
    budget: {
      ...review.budget,
      spent_usd: totals.cost_usd,
      spent_tokens:
        totals.tokens_in === null && totals.tokens_out === null
          ? null
          : (totals.tokens_in ?? 0) + (totals.tokens_out ?? 0),
    },
    generated_at: now.toISOString(),
  };
}

// How the item's work reached the integration branch (null while it has not).
function resolutionOf(
  item: ItemRecord,
  resolvers: readonly { readonly outcome: string | null }[],
): ConflictResolution | null {
  if (item.mergedCommit === undefined) return null;
  if (resolvers.some((r) => r.outcome === "merged")) return "resolver";
  if (item.fixForwardsUsed > 0) return "fix-forward";
  switch (item.conflictClass) {
    case "clean":
    case "trivial":
      return item.conflictClass;
    case "medium":
    case "heavy":
    case undefined:
      return null;
    default:
      return unreachable(item.conflictClass, "conflict class");
  }
}

/** What buildStatusView reads. */
export interface StatusInput {
  readonly run: RunRecord;
  readonly items: readonly ItemRecord[];
  readonly attempts: readonly AttemptRecord[];
  readonly now?: Date;
  /** Whether the run's orchestrator process lives (the caller can look; the core cannot). */
  readonly ownerAlive?: boolean;
  /** The run's events, newest last: the latest `conflicts-predicted` one and running resolvers are shown. */
  readonly events?: readonly EventRecord[];
}

/** Builds what `flotilla status` shows: each item with its newest attempt, counts and cost so far. */
export function buildStatusView(input: StatusInput): StatusView {
  const now = input.now ?? new Date();
  const nowIso = now.toISOString();
  const titles = planTitles(input.run.planJson);
  // Follow-ups are not in the plan: their titles come from the event that added them.
  for (const e of input.events ?? []) {
    const { itemId, title } = e.data;
    if (e.type === "item-added" && typeof itemId === "string" && typeof title === "string")
      titles.set(itemId, title);
  }
  const byItem = attemptsByItem(input.attempts);
  const running = input.run.status === "running";
  const resolvers = resolverSessions(running ? (input.events ?? []) : []);
  const items: StatusItem[] = input.items.map((item) => {
    const attempts = byItem.get(item.id) ?? [];
    const current = attempts[attempts.length - 1];
    const resolver = resolvers.get(item.id)?.findLast((r) => r.outcome === null);
    return {
      id: item.id,
      title: titles.get(item.id) ?? null,
      status: item.status,
      attempts: attempts.length,
      attempt: current?.n ?? null,
      agent: current?.agent ?? null,
      lane: current?.laneDir ?? null,
      attempt_started_at: current?.startedAt ?? null,
      attempt_seconds:
        current === undefined ? null : secondsBetween(current.startedAt, current.endedAt ?? nowIso),
      attempt_outcome: current?.outcome ?? null,
      cost_usd: sumOrNull(
        attempts.map((a) => a.costUsd ?? null),
        6,
      ),
      merged_commit: item.mergedCommit ?? null,
      last_reason: item.lastReason ?? null,
      resolving:
        resolver === undefined || item.status !== "queued"
          ? null
          : { agent: resolver.agent, started_at: resolver.started_at },
    };
  });
  return {
    run: {
      ...reportRun(input.run),
      elapsed_seconds: secondsBetween(input.run.startedAt, input.run.endedAt ?? nowIso),
      owner_alive: input.ownerAlive ?? null,
    },
    counts: countByStatus(input.items),
    items,
    cost_usd: sumOrNull(
      input.attempts.map((a) => a.costUsd ?? null),
      6,
    ),
    tokens_in: sumOrNull(
      input.attempts.map((a) => a.tokensIn ?? null),
      0,
    ),
    tokens_out: sumOrNull(
      input.attempts.map((a) => a.tokensOut ?? null),
      0,
    ),
    predicted_conflicts: running ? latestPrediction(input.events ?? []) : [],
    generated_at: nowIso,
  };
}

// The pairs of the newest `conflicts-predicted` event (as the engine stored it).
function latestPrediction(events: readonly EventRecord[]): StatusView["predicted_conflicts"] {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== "conflicts-predicted") continue;
    const pairs: unknown = e.data["pairs"];
    return Array.isArray(pairs) ? pairs.filter(isPredictedPair) : [];
  }
  return [];
}

// Event data is stored JSON: each pair is checked before it is shown.
function isPredictedPair(v: unknown): v is StatusView["predicted_conflicts"][number] {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p["a"] === "string" &&
    typeof p["b"] === "string" &&
    (p["against"] === "lane" || p["against"] === "integration") &&
    Array.isArray(p["files"]) &&
    p["files"].every((f) => typeof f === "string")
  );
}

/** Counts items by state, every state present (0 when none). */
export function countByStatus(items: readonly { readonly status: ItemStatus }[]): StatusCounts {
  const counts = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
  for (const i of items) counts[i.status] += 1;
  return counts;
}

function reportRun(run: RunRecord): ReportRun {
  return {
    id: run.id,
    plan: run.planFile,
    status: run.status,
    base: run.base,
    integration_branch: run.integrationBranch,
    started_at: run.startedAt,
    ended_at: run.endedAt ?? null,
    landed_commit: run.landedCommit ?? null,
    plan_name: run.planName,
    base_commit: run.baseCommit,
    host: run.host,
    pid: run.pid,
  };
}

function reportAttempt(a: AttemptRecord, review: ReportReview | null): ReportAttempt {
  return {
    n: a.n,
    agent: a.agent,
    started_at: a.startedAt,
    ended_at: a.endedAt ?? null,
    exit_code: a.exitCode ?? null,
    outcome: a.outcome ?? null,
    cost_usd: a.costUsd ?? null,
    tokens_in: a.tokensIn ?? null,
    tokens_out: a.tokensOut ?? null,
    feedback: a.feedback ?? null,
    reason: a.reason ?? null,
    signal: a.signal ?? null,
    lane: a.laneDir,
    branch: a.branch,
    base_commit: a.baseCommit,
    head_commit: a.headCommit ?? null,
    duration_seconds: a.endedAt === undefined ? null : secondsBetween(a.startedAt, a.endedAt),
    num_turns: a.numTurns ?? null,
    session_id: a.sessionId ?? null,
    permission_denials: [...a.permissionDenials],
    violations: [...a.violations],
    agent_status: a.agentStatus ?? null,
    agent_notes: a.agentNotes ?? null,
    stdout_file: a.stdoutFile ?? null,
    stderr_file: a.stderrFile ?? null,
    review,
  };
}

function reportGate(g: GateRunRecord): ReportGateRun {
  return {
    stage: g.stage,
    item: g.itemId ?? null,
    attempt: g.attempt ?? null,
    command: g.command,
    passed: g.exitCode === 0 && !g.timedOut,
    exit_code: g.exitCode ?? null,
    timed_out: g.timedOut,
    duration_seconds: round(g.durationMs / 1000, 3),
    started_at: g.startedAt,
    output_file: g.outputFile ?? null,
    output_tail: g.outputTail,
  };
}

/**
 * What a person would do next, given how the run went (the report's `next_steps`); a renderer that
 * lists the failed lanes on its own leaves them out with `failedLanes: false`.
 */
export function nextSteps(
  run: ReportRun,
  items: readonly ReportItem[],
  options: { readonly failedLanes?: boolean } = {},
): string[] {
  const steps: string[] = [];
  if (run.status === "running")
    steps.push(`the run is still going: \`flotilla status ${run.id}\` follows it`);
  if (run.status === "interrupted")
    steps.push(`\`flotilla resume ${run.id}\` continues the run where it stopped`);
  for (const item of options.failedLanes === false ? [] : items) {
    if (item.status !== "failed") continue;
    const last = item.attempts[item.attempts.length - 1];
    if (last === undefined) continue;
    const logs = last.stdout_file === null ? "" : `; agent output: ${last.stdout_file}`;
    steps.push(`${item.id} failed: its last lane is ${last.lane} (branch ${last.branch})${logs}`);
  }
  if (run.landed_commit !== null) {
    steps.push(`\`git log --oneline --first-parent ${run.base}\`: the landed work is on ${run.base}`);
  } else if (items.some((i) => i.merged_commit !== null)) {
    steps.push(
      `\`git log --oneline --first-parent ${run.integration_branch}\`: the merged work (not landed on ${run.base})`,
    );
  }
  // Matches what `flotilla cleanup` removes: lanes of merged items always, superseded ones once the run is over.
  const cleanable = items.some(
    (i) => MERGED_STATUSES.has(i.status) || (i.attempts.length > 1 && run.status !== "running"),
  );
  if (cleanable) {
    steps.push(
      `\`flotilla cleanup ${run.id}\` removes the lanes of merged items and superseded attempts; failed lanes stay until --force (branches and refs stay either way)`,
    );
  }
  return steps;
}

function attemptsByItem(attempts: readonly AttemptRecord[]): Map<string, AttemptRecord[]> {
  const map = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    const list = map.get(a.itemId);
    if (list === undefined) map.set(a.itemId, [a]);
    else list.push(a);
  }
  for (const list of map.values()) list.sort((x, y) => x.n - y.n);
  return map;
}

// Item titles from the plan JSON the run started with; tolerant of older or foreign shapes.
function planTitles(planJson: string): Map<string, string> {
  const titles = new Map<string, string>();
  let plan: unknown;
  try {
    plan = JSON.parse(planJson);
  } catch {
    return titles;
  }
  if (typeof plan !== "object" || plan === null || !("items" in plan) || !Array.isArray(plan.items))
    return titles;
  for (const item of plan.items as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { id, title } = item as { id?: unknown; title?: unknown };
    if (typeof id === "string" && typeof title === "string" && title !== "") titles.set(id, title);
  }
  return titles;
}

function sumOrNull(values: readonly (number | null)[], decimals: number): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  return round(
    present.reduce((s, v) => s + v, 0),
    decimals,
  );
}

function secondsBetween(fromIso: string, toIso: string): number {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  return Number.isFinite(ms) ? round(Math.max(0, ms) / 1000, 3) : 0;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** The report of one run as the state store holds it (the store is a port: no I/O here). */
export function reportFromStore(store: StateStore, run: RunRecord): Report {
  return buildReport({
    run,
    items: store.listItems(run.id),
    attempts: store.listAttempts(run.id),
    gateRuns: store.listGateRuns(run.id),
    events: store.listEvents(run.id),
    reviews: store.listReviews(run.id),
  });
}

// The review parts of the report: each attempt's verdict with its evidence, and the run-wide
// sections for spec defects, follow-ups, contradictions and the budget. Pure, read from the review
// records and the event log.
import type {
  ReportBudget,
  ReportContradiction,
  ReportFollowUp,
  ReportReview,
  ReportSpecDefect,
} from "./report-types.js";
import type { EventRecord, ItemRecord, ReviewRecord } from "./state-types.js";

/** What the report's review sections are built from. */
export interface ReviewSectionsInput {
  readonly reviews: readonly ReviewRecord[];
  readonly events: readonly EventRecord[];
  readonly items: readonly ItemRecord[];
  readonly planJson: string;
}

/** The review sections of a report. */
export interface ReviewSections {
  /** By `<item>#<attempt>`. */
  readonly reviews: ReadonlyMap<string, ReportReview>;
  readonly specDefects: readonly ReportSpecDefect[];
  readonly followUps: readonly ReportFollowUp[];
  readonly contradictions: readonly ReportContradiction[];
  readonly budget: ReportBudget;
}

/** Builds the review sections. */
export function reviewSections(input: ReviewSectionsInput): ReviewSections {
  const reviews = new Map<string, ReportReview>();
  const specDefects: ReportSpecDefect[] = [];
  for (const r of input.reviews) {
    reviews.set(`${r.itemId}#${r.attempt}`, reportReview(r));
    // Only an accepted attempt's defects were override-accepted.
    if (r.verdict !== "PASS") continue;
    for (const c of r.criteria) {
      if (c.status === "spec_defect")
        specDefects.push({
          item: r.itemId,
          attempt: r.attempt,
          criterion: c.criterion,
          evidence: c.evidence,
        });
    }
  }
  const status = new Map(input.items.map((i) => [i.id, i.status]));
  const followUps: ReportFollowUp[] = [];
  const contradictions: ReportContradiction[] = [];
  let reached = false;
  let hard = false;
  for (const e of input.events) {
    const d = e.data;
    if (e.type === "item-added") {
      const item = str(d["itemId"]);
      followUps.push({
        item,
        parent: str(d["parent"]),
        title: str(d["title"]),
        remaining: str(d["remaining"]),
        status: status.get(item) ?? null,
      });
    } else if (e.type === "contradiction") {
      contradictions.push({
        item: str(d["itemId"]),
        attempt: typeof d["attempt"] === "number" ? d["attempt"] : 0,
        other: str(d["other"]),
        criterion: str(d["criterion"]),
      });
    } else if (e.type === "budget-reached") {
      reached = true;
      hard = d["hard"] === true;
    }
  }
  const plan = planBudgets(input.planJson);
  return {
    reviews,
    specDefects,
    followUps,
    contradictions,
    budget: {
      budget_usd: plan.budgetUsd,
      budget_tokens: plan.budgetTokens,
      // Filled in by the report from its totals (resolvers count too).
      spent_usd: null,
      spent_tokens: null,
      reached,
      hard,
    },
  };
}

function reportReview(r: ReviewRecord): ReportReview {
  return {
    verdict: r.verdict,
    reason: r.reason,
    criteria: r.criteria.map((c) => ({ criterion: c.criterion, status: c.status, evidence: c.evidence })),
    checks: r.checks.map((c) => ({
      criterion: c.criterion,
      command: c.command,
      passed: c.passed,
      exit_code: c.exitCode,
      timed_out: c.timedOut,
      duration_ms: c.durationMs,
      output_tail: c.outputTail,
    })),
    reviewer: r.reviewer ?? null,
    reviewer_session_id: r.reviewerSessionId ?? null,
    reviewer_asks: r.reviewerAsks,
    reviewer_cost_usd: r.reviewerCostUsd ?? null,
    reviewed_at: r.reviewedAt,
  };
}

function planBudgets(planJson: string): { budgetUsd: number | null; budgetTokens: number | null } {
  try {
    const p = JSON.parse(planJson) as { budgetUsd?: unknown; budgetTokens?: unknown };
    return {
      budgetUsd: typeof p.budgetUsd === "number" ? p.budgetUsd : null,
      budgetTokens: typeof p.budgetTokens === "number" ? p.budgetTokens : null,
    };
  } catch {
    return { budgetUsd: null, budgetTokens: null };
  }
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

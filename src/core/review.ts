// The acceptance decision of one attempt, from the check evidence and the reviewer's verdict: PASS
// when every check passes and the reviewer (if any) says PASS, with spec defects override-accepted.
// Pure: the engine runs the checks and the reviewer, this decides and says why.
import type { AcceptanceCriterion } from "../plan/types.js";
import type { ReviewCheck } from "./state-types.js";
import { hasDefectEvidence, type CriterionJudgement, type ReviewerVerdict } from "./verdict.js";

/** One `check:` command's run in the lane: the evidence stored with the review. */
export type CheckEvidence = ReviewCheck;

/** What the reviewer session produced, as far as the decision cares. */
export type ReviewerAnswer =
  | { readonly kind: "verdict"; readonly verdict: ReviewerVerdict }
  | { readonly kind: "no-verdict"; readonly detail: string }
  | { readonly kind: "failed"; readonly reason: string };

/** The decision on one attempt. */
export interface ReviewDecision {
  readonly verdict: "PASS" | "FAIL";
  /** One line: why it failed, or what it passed with. */
  readonly reason: string;
  /** Criteria that are not met, each quoted verbatim with what was found (the retry's feedback). */
  readonly failed: readonly CriterionJudgement[];
  /** Criteria judged impossible with evidence: accepted anyway and reported. */
  readonly specDefects: readonly CriterionJudgement[];
  /** Every judgement with its evidence: the checks' and the reviewer's, for the report. */
  readonly judged: readonly CriterionJudgement[];
}

/** The answer when the reviewer gave nothing flotilla could read, twice. */
export const NO_VERDICT_REASON = "the reviewer gave no verdict";

/** Failing checks fail the review on their own (the reviewer is not asked). */
export function decideFromChecks(checks: readonly CheckEvidence[]): ReviewDecision | undefined {
  const bad = checks.filter((c) => !c.passed);
  if (bad.length === 0) return undefined;
  const failed = bad.map(checkJudgement);
  return {
    verdict: "FAIL",
    reason: `acceptance criterion not met: ${bad
      .map((c) => `"${c.criterion}" (check \`${c.command}\` ${howEnded(c)})`)
      .join(", ")}`,
    failed,
    specDefects: [],
    judged: checks.map(checkJudgement),
  };
}

/** The decision once the checks passed: the reviewer's answer (or none) decides. */
export function decideReview(opts: {
  readonly criteria: readonly AcceptanceCriterion[];
  readonly checks: readonly CheckEvidence[];
  readonly answer?: ReviewerAnswer;
}): ReviewDecision {
  const fromChecks = decideFromChecks(opts.checks);
  if (fromChecks !== undefined) return fromChecks;
  const passed = `${opts.checks.length} check(s) passed`;
  const fromChecksJudged = opts.checks.map(checkJudgement);
  const fail = (reason: string): ReviewDecision => ({
    verdict: "FAIL",
    reason,
    failed: [],
    specDefects: [],
    judged: fromChecksJudged,
  });
  const answer = opts.answer;
  if (answer === undefined)
    return {
      verdict: "PASS",
      reason: `${passed}; no reviewer`,
      failed: [],
      specDefects: [],
      judged: fromChecksJudged,
    };
  switch (answer.kind) {
    case "failed":
      return fail(`the reviewer did not finish: ${answer.reason}`);
    case "no-verdict":
      return fail(NO_VERDICT_REASON);
    case "verdict":
      return fromVerdict(opts.criteria, answer.verdict, passed, fromChecksJudged);
  }
}

function fromVerdict(
  criteria: readonly AcceptanceCriterion[],
  v: ReviewerVerdict,
  passed: string,
  checksJudged: readonly CriterionJudgement[],
): ReviewDecision {
  // The reviewer's judgements, each tied to the plan's own text when it names a criterion of the plan.
  const reviewed = v.criteria.map((j) => ({ ...j, criterion: planText(criteria, j.criterion) }));
  const judged = [...checksJudged, ...reviewed];
  const specDefects = reviewed.filter(hasDefectEvidence);
  const failed = reviewed.filter(
    (j) => j.status === "unmet" || (j.status === "spec_defect" && !hasDefectEvidence(j)),
  );
  if (failed.length > 0) {
    return {
      verdict: "FAIL",
      reason: `the reviewer found unmet criteria: ${failed.map((f) => `"${f.criterion}"`).join(", ")}`,
      failed,
      specDefects,
      judged,
    };
  }
  if (v.verdict === "FAIL" && specDefects.length === 0) {
    return { verdict: "FAIL", reason: "the reviewer said FAIL", failed: [], specDefects: [], judged };
  }
  const defects = specDefects.length === 0 ? "" : `; override-accepted ${specDefects.length} spec defect(s)`;
  return {
    verdict: "PASS",
    reason: `${passed}; the reviewer said ${v.verdict}${defects}`,
    failed: [],
    specDefects,
    judged,
  };
}

// The plan's criterion a reviewer's text names (exactly, or ignoring case, quotes and a list
// number), so feedback quotes the plan verbatim; the reviewer's text when none matches.
function planText(criteria: readonly AcceptanceCriterion[], said: string): string {
  const norm = (s: string) =>
    s
      .trim()
      .replace(/^\d+[.)]\s*/, "")
      .replace(/^["'`]|["'`]$/g, "")
      .trim()
      .toLowerCase();
  const n = norm(said);
  return criteria.find((c) => c.text === said || norm(c.text) === n)?.text ?? said;
}

function checkJudgement(c: CheckEvidence): CriterionJudgement {
  const tail = c.outputTail.trim();
  if (c.passed) return { criterion: c.criterion, status: "met", evidence: `check \`${c.command}\` exited 0` };
  return {
    criterion: c.criterion,
    status: "unmet",
    evidence: `check \`${c.command}\` ${howEnded(c)}${tail === "" ? "" : `; output ends:\n${tail}`}`,
  };
}

function howEnded(c: CheckEvidence): string {
  if (c.timedOut) return "timed out";
  return c.exitCode === null ? "was killed" : `exited ${c.exitCode}`;
}

// Reads a reviewer's answer: a fenced JSON block `{"verdict", "criteria": [...]}` (the last one that
// parses wins), else a plain `Final verdict: PASS|FAIL` line. Pure, so every shape an LLM may produce
// is unit-tested; the engine asks again once when nothing can be read.
import { err, ok, type Result } from "../util/result.js";
import type { ReviewCriterion } from "./state-types.js";

/** How a reviewer judged one criterion. */
export type CriterionStatus = ReviewCriterion["status"];

/** The reviewer's judgement of one acceptance criterion, with the evidence it cited. */
export type CriterionJudgement = ReviewCriterion;

/** A reviewer's verdict as flotilla read it. */
export interface ReviewerVerdict {
  readonly verdict: "PASS" | "FAIL";
  readonly criteria: readonly CriterionJudgement[];
  /** Which form it was read from. */
  readonly form: "json" | "line";
}

/** Why no verdict could be read. */
export interface VerdictParseError {
  readonly reason: "no-verdict";
  readonly detail: string;
}

const FENCE = /(`{3,}|~{3,})[ \t]*([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\1/g;
const FINAL_LINE = /^[\s>*_`#-]*final\s+verdict[*_`]*\s*:[\s*_`]*(PASS|FAIL)\b/im;

/** Parses a reviewer's last message. */
export function parseVerdict(text: string): Result<ReviewerVerdict, VerdictParseError> {
  const blocks = [...text.matchAll(FENCE)].map((m) => m[3] ?? "");
  // A bare JSON object (no fence) is read too: some models drop the fence when told "only JSON".
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) blocks.push(trimmed);
  let found: ReviewerVerdict | undefined;
  for (const block of blocks) {
    const v = verdictFromJson(block);
    if (v !== undefined) found = v;
  }
  if (found !== undefined) return ok(found);
  const lines = [...text.matchAll(new RegExp(FINAL_LINE.source, "gim"))];
  const last = lines.at(-1)?.[1];
  if (last !== undefined) {
    return ok({ verdict: last.toUpperCase() === "PASS" ? "PASS" : "FAIL", criteria: [], form: "line" });
  }
  const shown = trimmed.replace(/\s+/g, " ");
  return err({
    reason: "no-verdict",
    detail: shown === "" ? "(empty answer)" : shown.length > 200 ? `${shown.slice(0, 197)}...` : shown,
  });
}

function verdictFromJson(block: string): ReviewerVerdict | undefined {
  let value: unknown;
  try {
    value = JSON.parse(block.trim());
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const verdict = typeof obj["verdict"] === "string" ? obj["verdict"].trim().toUpperCase() : undefined;
  if (verdict !== "PASS" && verdict !== "FAIL") return undefined;
  const raw = Array.isArray(obj["criteria"]) ? (obj["criteria"] as unknown[]) : [];
  const criteria: CriterionJudgement[] = [];
  for (const c of raw) {
    const j = judgement(c);
    if (j !== undefined) criteria.push(j);
  }
  return { verdict, criteria, form: "json" };
}

function judgement(c: unknown): CriterionJudgement | undefined {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return undefined;
  const r = c as Record<string, unknown>;
  const criterion = typeof r["criterion"] === "string" ? r["criterion"] : undefined;
  const status = normalStatus(r["status"]);
  if (criterion === undefined || status === undefined) return undefined;
  const evidence = r["evidence"];
  return {
    criterion,
    status,
    evidence:
      typeof evidence === "string" ? evidence : evidence === undefined ? "" : JSON.stringify(evidence),
  };
}

function normalStatus(s: unknown): CriterionStatus | undefined {
  if (typeof s !== "string") return undefined;
  const k = s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (k === "met" || k === "pass" || k === "passed") return "met";
  if (k === "unmet" || k === "not_met" || k === "fail" || k === "failed") return "unmet";
  if (k === "spec_defect") return "spec_defect";
  return undefined;
}

/**
 * Whether a spec_defect judgement carries evidence enough to override-accept: it must say something
 * (a file, command or API that does not exist, or the criterion it contradicts), not be empty.
 */
export function hasDefectEvidence(j: CriterionJudgement): boolean {
  return j.status === "spec_defect" && j.evidence.trim().length >= 8;
}

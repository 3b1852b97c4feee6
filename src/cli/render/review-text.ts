// The review sections of `flotilla report` for people: verdicts with their evidence, spec defects,
// follow-ups, contradictions and the budget. Kept apart from report-text.ts, which calls it.
import type { Report } from "../../core/report-types.js";

/** Lines of the review sections (empty when there is nothing to say). */
export function reviewLines(r: Report): string[] {
  const lines: string[] = [];
  const reviewed = r.items.flatMap((item) =>
    item.attempts.flatMap((a) => (a.review === null ? [] : [{ item: item.id, n: a.n, review: a.review }])),
  );
  if (reviewed.length > 0) {
    lines.push("", "Verdicts");
    for (const { item, n, review } of reviewed) {
      lines.push(`  ${item} #${n}: ${review.verdict} — ${oneLine(review.reason)}`);
      for (const c of review.criteria) {
        lines.push(`    ${c.status.padEnd(11)} "${oneLine(c.criterion)}": ${oneLine(c.evidence, 160)}`);
      }
    }
  }
  if (r.spec_defects.length > 0) {
    lines.push("", "Spec defects (criteria that cannot hold as written; accepted anyway)");
    for (const d of r.spec_defects)
      lines.push(`  ${d.item} #${d.attempt}: "${oneLine(d.criterion)}": ${oneLine(d.evidence, 200)}`);
  }
  if (r.follow_ups.length > 0) {
    lines.push("", "Follow-ups (added for what a PARTIAL attempt left)");
    for (const f of r.follow_ups)
      lines.push(
        `  ${f.item} (after ${f.parent}): ${f.status ?? "not started"} — ${oneLine(f.remaining, 160)}`,
      );
  }
  if (r.contradictions.length > 0) {
    lines.push("", "Contradictions (both cannot hold; the later item failed)");
    for (const c of r.contradictions)
      lines.push(`  ${c.item} #${c.attempt} contradicts ${c.other}: "${oneLine(c.criterion)}"`);
  }
  const b = r.budget;
  if (b.budget_usd !== null || b.budget_tokens !== null) {
    const limit = [
      b.budget_usd === null ? undefined : `$${b.budget_usd}`,
      b.budget_tokens === null ? undefined : `${b.budget_tokens} tokens`,
    ]
      .filter((x) => x !== undefined)
      .join(", ");
    const spent = `$${(b.spent_usd ?? 0).toFixed(2)}, ${b.spent_tokens ?? 0} tokens`;
    const state = b.reached
      ? `reached: no new attempts started${b.hard ? " and running agents were stopped" : ""}`
      : "not reached";
    lines.push("", "Budget", `  ${spent} of ${limit}; ${state}`);
  }
  return lines;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

function oneLine(text: string, max = 120): string {
  const t = text.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

// `flotilla report` for people: each item with its attempts, the totals, the failed lanes and what
// to do next. Plain aligned text, readable without colour.
import type { Report, ReportAttempt, ReportItem, StatusCounts } from "../../core/report-types.js";
import { ITEM_STATUSES, nextSteps } from "../../core/report.js";
import { formatDuration } from "../../util/format-duration.js";
import { reviewLines } from "./review-text.js";

/** Renders a report as aligned plain text. */
export function renderReportText(r: Report): string {
  const { run, totals } = r;
  const lines: string[] = [];
  lines.push(`Run ${run.id}: ${run.status} (${run.plan})`);
  const landed =
    run.landed_commit === null ? "not landed" : `landed ${shortSha(run.landed_commit)} on ${run.base}`;
  lines.push(`  base ${run.base} → integration ${run.integration_branch}; ${landed}`);
  const ended = run.ended_at === null ? "still running" : `ended ${formatTime(run.ended_at)}`;
  lines.push(`  started ${formatTime(run.started_at)}, ${ended} (${formatDuration(totals.wall_seconds)})`);

  lines.push("", "Items");
  if (r.items.length === 0) lines.push("  none");
  else lines.push(...itemLines(r.items));

  lines.push("", "Totals");
  const tokens =
    totals.tokens_in === null && totals.tokens_out === null
      ? "no tokens reported"
      : `tokens ${formatCount(totals.tokens_in)} in / ${formatCount(totals.tokens_out)} out`;
  lines.push(`  cost ${formatUsd(totals.cost_usd)}, ${tokens}`);
  lines.push(
    `  agent time ${formatDuration(totals.agent_seconds)}, wall ${formatDuration(totals.wall_seconds)}, ` +
      `${plural(totals.attempts, "attempt")}, ${plural(totals.merges, "merge")}, ` +
      `${plural(totals.gate_runs, "gate run")} (${totals.gate_failures} failed)`,
  );
  lines.push(`  items: ${formatCounts(totals.items_by_status)}`);
  lines.push(...reviewLines(r));

  const failedGates = r.gates.filter((g) => !g.passed);
  if (failedGates.length > 0) {
    lines.push("", "Failed gates");
    lines.push(
      ...table(
        failedGates.map((g) => [
          g.stage,
          g.item === null ? "-" : g.attempt === null ? g.item : `${g.item} #${g.attempt}`,
          g.timed_out ? "timed out" : g.exit_code === null ? "killed" : `exit ${g.exit_code}`,
          formatDuration(g.duration_seconds),
          g.command,
        ]),
      ).map((l) => `  ${l}`),
    );
  }

  const failedLanes = r.items.flatMap((item) => {
    const last = item.attempts[item.attempts.length - 1];
    return item.status === "failed" && last !== undefined ? [{ item, last }] : [];
  });
  if (failedLanes.length > 0) {
    lines.push(
      "",
      "Failed lanes (kept until `flotilla cleanup --force`; their branches and refs always stay)",
    );
    for (const { item, last } of failedLanes) {
      lines.push(`  ${item.id} #${last.n}  ${last.lane}`);
      lines.push(`    branch ${last.branch}`);
      if (item.last_reason !== null) lines.push(`    last reason: ${oneLine(item.last_reason)}`);
      if (last.stdout_file !== null) lines.push(`    agent output: ${last.stdout_file}`);
    }
  }

  // The failed lanes are listed above; the rest of the next steps follow.
  const steps = nextSteps(run, r.items, { failedLanes: false });
  if (steps.length > 0) {
    lines.push("", "Next");
    for (const step of steps) lines.push(`  - ${step}`);
  }
  return `${lines.join("\n")}\n`;
}

// The item table with each item's attempts under it; attempt rows are aligned among themselves.
function itemLines(items: readonly ReportItem[]): string[] {
  const itemRows = table([
    ["id", "status", "attempts", "cost", "merged", "files", "title"],
    ...items.map((i) => [
      i.id,
      i.status,
      String(i.attempts.length),
      formatUsd(i.cost_usd),
      i.merged_commit === null ? "-" : shortSha(i.merged_commit),
      String(i.files_changed.length),
      i.title ?? "",
    ]),
  ]);
  const attemptRows = table(items.flatMap((i) => i.attempts.map(attemptCells)));
  const out = [`  ${itemRows[0] ?? ""}`];
  let next = 0;
  items.forEach((item, k) => {
    out.push(`  ${itemRows[k + 1] ?? ""}`);
    for (const a of item.attempts) {
      out.push(`      ${attemptRows[next++] ?? ""}`);
      // What the agent was refused, and what it did that it must not: the user has to see both.
      if (a.permission_denials.length > 0) {
        out.push(`          denied: ${clip(a.permission_denials.map(oneLine).join("; "), 200)}`);
      }
      for (const v of a.violations) out.push(`          violation: ${clip(oneLine(v), 200)}`);
    }
    if (item.attempts.length === 0 && item.last_reason !== null)
      out.push(`      ${oneLine(item.last_reason)}`);
    out.push(...conflictLines(item));
  });
  return out;
}

// The item's conflict, if it had one: its class and files, how it was resolved, and each resolver.
function conflictLines(item: ReportItem): string[] {
  const c = item.conflict;
  if (c.class === null || c.class === "clean") return [];
  const how =
    c.resolution === null
      ? ""
      : c.resolution === "fix-forward"
        ? "; redone from the integration branch (fix-forward)"
        : `; resolved by ${c.resolution === "trivial" ? "flotilla (trivial)" : "a resolver"}`;
  const out = [`      conflict: ${c.class} in ${clip(c.files.join(", "), 120)}${how}`];
  for (const r of c.resolvers) {
    const took = r.duration_seconds === null ? "" : ` after ${formatDuration(r.duration_seconds)}`;
    const why = r.reason === null ? "" : `: ${clip(oneLine(r.reason), 120)}`;
    out.push(`          resolver of #${r.attempt} (${r.agent}) ${r.outcome ?? "running"}${took}${why}`);
  }
  return out;
}

function attemptCells(a: ReportAttempt): string[] {
  return [
    `#${a.n}`,
    a.agent,
    a.outcome ?? "running",
    a.duration_seconds === null ? "-" : formatDuration(a.duration_seconds),
    formatUsd(a.cost_usd),
    a.reason === null ? "" : clip(oneLine(a.reason), 120),
  ];
}

/** Aligns rows of cells into columns two spaces apart; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** Dollars as people read them: `$0.42`, `<$0.01` for a fraction of a cent, `-` when unknown. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return "-";
  if (usd > 0 && usd < 0.005) return "<$0.01";
  return `$${usd.toFixed(2)}`;
}

/** The 7-character abbreviation of a commit id, as git prints it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The non-zero item counts in state order, e.g. `2 landed, 1 failed`; `none` for no items. */
export function formatCounts(counts: StatusCounts): string {
  const parts = ITEM_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length === 0 ? "none" : parts.join(", ");
}

/** An ISO timestamp as `2025-01-02 03:04:05 UTC`; other text unchanged. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m === null ? iso : `${m[1] ?? ""} ${m[2] ?? ""} UTC`;
}

/** Text from an agent or a gate squeezed onto one line (newlines and runs of spaces become one space). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Cuts text to at most `max` characters, ending in `…` when cut (full text stays in --json). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatCount(n: number | null): string {
  return n === null ? "-" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

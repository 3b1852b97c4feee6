// `flotilla check` for people: items, edges, critical path, conflict groups, waves.
import type { PlanSummary } from "../../core/plan-summary-types.js";
import { formatDuration } from "../../util/format-duration.js";

/** Renders a plan summary as aligned plain text. */
export function renderCheckText(s: PlanSummary): string {
  const lines: string[] = [];
  const itemWord = s.items.length === 1 ? "item" : "items";
  const edgeWord = s.edges.length === 1 ? "edge" : "edges";
  lines.push(
    `${s.plan}: valid plan "${s.name}" (${s.format} format): ${s.items.length} ${itemWord}, ${s.edges.length} ${edgeWord}`,
  );
  for (const note of s.notes) lines.push(`note: ${note}`);

  lines.push("", "Items");
  lines.push(
    ...table([
      ["id", "agent", "priority", "estimate", "depends on", "title"],
      ...s.items.map((i) => [
        i.id,
        i.agent,
        String(i.priority),
        i.estimate_seconds === null ? "-" : formatDuration(i.estimate_seconds),
        i.depends_on.length === 0 ? "-" : i.depends_on.join(", "),
        i.title,
      ]),
    ]).map((l) => `  ${l}`),
  );

  lines.push("", "Edges (dependency → dependent)");
  if (s.edges.length === 0) lines.push("  none");
  for (const e of s.edges) lines.push(`  ${e.from} → ${e.to}`);

  const cp = s.critical_path;
  const missing = s.items.some((i) => i.estimate_seconds === null);
  lines.push(
    "",
    `Critical path (${formatDuration(cp.length_seconds)}${
      missing ? `; items without an estimate count ${formatDuration(cp.default_estimate_seconds)}` : ""
    })`,
    `  ${cp.items.join(" → ")}`,
  );

  lines.push("", "Conflict groups (items whose touches can match a common path)");
  if (s.conflict_groups.length === 0) lines.push("  none");
  s.conflict_groups.forEach((g, n) => {
    lines.push(`  ${n + 1}. ${g.items.join(", ")}`);
    for (const o of g.overlaps) lines.push(`     ${o.a} ${o.glob_a}  ∩  ${o.b} ${o.glob_b}`);
  });

  lines.push("", "Waves (a wave-by-wave run)");
  s.waves.forEach((w, n) => lines.push(`  ${n + 1}. ${w.join(", ")}`));
  return `${lines.join("\n")}\n`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

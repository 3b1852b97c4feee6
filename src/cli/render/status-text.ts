// `flotilla status` for people: where the run stands, each item's newest attempt, counts and cost.
import type { StatusItem, StatusView } from "../../core/report-types.js";
import { formatDuration } from "../../util/format-duration.js";
import { clip, formatCounts, formatUsd, oneLine, shortSha, table } from "./report-text.js";

/** Renders a status view as aligned plain text. */
export function renderStatusText(v: StatusView): string {
  const { run } = v;
  const lines: string[] = [];
  const how =
    run.status === "running"
      ? `running for ${formatDuration(run.elapsed_seconds)}`
      : `${run.status} after ${formatDuration(run.elapsed_seconds)}`;
  lines.push(`${run.id}: ${how} (${run.plan})`);
  lines.push(`  base ${run.base} → integration ${run.integration_branch}`);
  lines.push(`  items: ${formatCounts(v.counts)}; cost so far ${formatUsd(v.cost_usd)}`);
  if (run.status === "running" && run.owner_alive === false) {
    lines.push(
      `  the orchestrator (pid ${run.pid} on ${run.host}) is gone: \`flotilla resume ${run.id}\` continues the run`,
    );
  }
  if (run.status === "interrupted") lines.push(`  \`flotilla resume ${run.id}\` continues the run`);
  if (v.items.length > 0) {
    lines.push("");
    lines.push(
      ...table([
        ["id", "status", "attempt", "agent", "time", "cost", "note"],
        ...v.items.map((i) => [
          i.id,
          i.resolving === null ? i.status : "resolving",
          i.attempt === null ? "-" : `#${i.attempt}`,
          i.resolving?.agent ?? i.agent ?? "-",
          i.attempt_seconds === null ? "-" : formatDuration(i.attempt_seconds),
          formatUsd(i.cost_usd),
          note(i),
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

// The one thing worth knowing about an item beyond its state.
function note(i: StatusItem): string {
  if (i.merged_commit !== null) return `merged ${shortSha(i.merged_commit)}`;
  if (i.last_reason !== null && i.status !== "running") return clip(oneLine(i.last_reason), 100);
  return i.title ?? "";
}

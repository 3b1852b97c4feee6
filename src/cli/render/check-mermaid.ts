// `flotilla check --mermaid`: the DAG as a mermaid `graph TD`, pasteable into Markdown.
import type { PlanSummary } from "../../core/plan-summary-types.js";

/** Renders the plan's DAG as mermaid; critical-path nodes get a class so they stand out. */
export function renderCheckMermaid(s: PlanSummary): string {
  const lines = ["graph TD"];
  for (const item of s.items)
    lines.push(`  ${nodeId(item.id)}["${label(item.id)}<br/>${label(item.title)}"]`);
  for (const e of s.edges) lines.push(`  ${nodeId(e.from)} --> ${nodeId(e.to)}`);
  if (s.critical_path.items.length > 0) {
    lines.push("  classDef critical stroke-width:3px;");
    lines.push(`  class ${s.critical_path.items.map(nodeId).join(",")} critical;`);
  }
  return `${lines.join("\n")}\n`;
}

// Ids are [a-z0-9-]; mermaid node ids may not be keywords like `end`, so prefix them.
function nodeId(id: string): string {
  return `n_${id.replaceAll("-", "_")}`;
}

// Mermaid labels are quoted; quotes and markup characters become entity codes.
function label(text: string): string {
  return text.replace(/["<>&#]/g, (c) => `#${c.charCodeAt(0)};`);
}

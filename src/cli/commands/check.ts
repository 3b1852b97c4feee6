// `flotilla check PLAN`: validate, then show the DAG, critical path, conflict groups and waves.
import { summarizePlan } from "../../core/plan-summary.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { loadPlanForCli } from "../load-plan-for-cli.js";
import { renderCheckMermaid } from "../render/check-mermaid.js";
import { renderCheckText } from "../render/check-text.js";

/** Runs `check`; exit 0 when valid, 2 with diagnostics when not. */
export function checkCommand(opts: {
  io: CliIO;
  planFile: string;
  format: "text" | "json" | "mermaid";
}): number {
  const plan = loadPlanForCli(opts.io, opts.planFile);
  if (plan === undefined) return ExitCode.usage;
  const summary = summarizePlan(plan);
  switch (opts.format) {
    case "json":
      opts.io.out(`${JSON.stringify(summary, null, 2)}\n`);
      break;
    case "mermaid":
      opts.io.out(renderCheckMermaid(summary));
      break;
    case "text":
      opts.io.out(renderCheckText(summary));
      break;
  }
  return ExitCode.ok;
}

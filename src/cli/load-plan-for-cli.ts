// Reads and validates a plan for a command, printing diagnostics when it is not valid.
import { readFileSync } from "node:fs";
import { loadPlan } from "../plan/load.js";
import { formatDiagnostics } from "../plan/diagnostics.js";
import type { Plan } from "../plan/types.js";
import type { CliIO } from "./io.js";
import { resolve } from "node:path";

/** The plan, or undefined after the problems were printed to stderr (the caller exits 2). */
export function loadPlanForCli(io: CliIO, planFile: string): Plan | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, planFile), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(e);
    io.err(`${planFile}: error: cannot read the plan: ${why}\n`);
    return undefined;
  }
  const result = loadPlan({ file: planFile, text });
  if (!result.ok) {
    const n = result.error.filter((d) => d.severity === "error").length;
    io.err(formatDiagnostics(result.error, text));
    io.err(`\n${n} error${n === 1 ? "" : "s"} in ${planFile}; nothing was started.\n`);
    return undefined;
  }
  return result.value;
}

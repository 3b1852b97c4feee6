// Reads a plan from its text in any supported source format into the one internal Plan. Pure: the caller
// reads the file (see read-plan-file.ts). The format is told by the top-level keys.

import { err, unreachable, type Result } from "../util/result.js";
import { loadDag } from "./load-dag.js";
import { isRaw, loadFlotilla } from "./load-flotilla.js";
import { loadMilestone } from "./load-milestone.js";
import { sortDiagnostics } from "./diagnostics.js";
import type { Diagnostic, Plan, PlanFormat } from "./types.js";
import { diagnostic, parseYaml, valueSpan } from "./yaml-source.js";

/** What loadPlan reads: the file name (for messages and the dag.yaml name) and its text. */
export interface LoadPlanInput {
  readonly file: string;
  readonly text: string;
}

/** Parses and validates a plan, returning it with every default filled in, or every problem found. */
export function loadPlan(input: LoadPlanInput): Result<Plan, Diagnostic[]> {
  const parsed = parseYaml(input.file, input.text);
  if (!parsed.ok) return parsed;
  const src = parsed.value;
  const data: unknown = src.doc.toJS({ maxAliasCount: 1000 });
  if (!isRaw(data)) {
    const got =
      data === null || data === undefined
        ? "the file is empty"
        : Array.isArray(data)
          ? "got a list"
          : "got a single value";
    return err([
      diagnostic(
        valueSpan(src, []),
        `a plan is a YAML mapping with "version", "name" and "items" (or a dispatch plan, or a dag.yaml); ${got}`,
      ),
    ]);
  }
  const result = load(detectFormat(data), src, data);
  return result.ok ? result : err(sortDiagnostics(result.error));
}

/** Tells the source format from the top-level keys: `epics` → dag, `milestone`/`waves` → milestone. */
export function detectFormat(data: Readonly<Record<string, unknown>>): PlanFormat {
  if ("epics" in data) return "dag";
  if ("milestone" in data || "waves" in data) return "milestone";
  return "flotilla";
}

function load(format: PlanFormat, ...args: Parameters<typeof loadFlotilla>): Result<Plan, Diagnostic[]> {
  switch (format) {
    case "flotilla":
      return loadFlotilla(...args);
    case "milestone":
      return loadMilestone(...args);
    case "dag":
      return loadDag(...args);
    default:
      return unreachable(format, "plan format");
  }
}

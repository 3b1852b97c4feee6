// The public face of src/plan/: read a plan in any supported format into a Plan, or diagnostics to print.

export type * from "./types.js";
export { loadPlan, detectFormat, type LoadPlanInput } from "./load.js";
export { readPlanFile } from "./read-plan-file.js";
export { formatDiagnostics, sortDiagnostics } from "./diagnostics.js";
export { validateId, validateBranchName, ID_PATTERN, MAX_ID_LENGTH, type IdCheck } from "./ids.js";
export { parseDuration, type DurationCheck } from "./duration.js";
export { BUILTIN_AGENTS, BUILTIN_OUTPUT, DEFAULT_AGENT, builtinProfiles, isBuiltinAgent } from "./agents.js";
export { DEFAULTS } from "./load-flotilla.js";
export { DAG_MAX_PARALLEL, nameFromPath } from "./load-dag.js";
export { MILESTONE_STATUSES } from "./load-milestone.js";

// Reads a dispatching-teammates `dag.yaml` (specs/<spec-id>/dag.yaml, written by arc-planning): one item per
// epic, its features listed in the description. Completed epics are skipped with a note; the source caps a
// team at 5, so max_parallel is 5.

import * as z from "zod";
import { err, ok, type Result } from "../util/result.js";
import { builtinProfiles, DEFAULT_AGENT } from "./agents.js";
import { checkItemGraph, type ItemRef } from "./check-items.js";
import { MAX_ID_LENGTH } from "./ids.js";
import { issuesToDiagnostics, q, type MappingInfo } from "./issues.js";
import { DEFAULTS, defaultMergeOptions, isRaw } from "./load-flotilla.js";
import { idString } from "./schema.js";
import { suggest } from "./suggest.js";
import type { Diagnostic, Item, Plan } from "./types.js";
import { diagnostic, note, valueSpan, type Path, type PlanSource } from "./yaml-source.js";

/** The most epics the dispatching-teammates skill runs at once. */
export const DAG_MAX_PARALLEL = 5;

const STATUS = z.enum(["pending", "in_progress", "completed", "blocked"]);
const text = z.string().min(1);

const featureSchema = z.strictObject({
  id: text,
  name: text,
  status: STATUS.nullish(),
  depends_on: z.array(z.string()).nullish(),
  source_requirement: z.string().nullish(),
});
const epicSchema = z.strictObject({
  id: idString,
  name: text,
  status: STATUS.nullish(),
  spec_path: text,
  worktree: z.string().nullish(),
  depends_on: z.array(z.string()).nullish(),
  features: z.array(featureSchema).nullish(),
});
const attemptSchema = z.strictObject({
  attempt_at: z.string().nullish(),
  action: z.string().nullish(),
  result: z.string().nullish(),
});
const blockedSchema = z.strictObject({
  task_id: text,
  reason: text,
  blocked_at: text,
  attempts: z.array(attemptSchema).nullish(),
});
const dagSchema = z.strictObject({
  epics: z.array(epicSchema).min(1),
  blocked: z.array(blockedSchema).nullish(),
});
type Dag = z.output<typeof dagSchema>;

function mapping(path: Path): MappingInfo {
  const [a, , c] = path;
  if (path.length === 0) return { noun: "dag", keys: Object.keys(dagSchema.shape) };
  if (a === "epics" && c === "features") return { noun: "feature", keys: Object.keys(featureSchema.shape) };
  if (a === "epics") return { noun: "epic", keys: Object.keys(epicSchema.shape) };
  if (a === "blocked" && c === "attempts") return { noun: "attempt", keys: Object.keys(attemptSchema.shape) };
  if (a === "blocked") return { noun: "blocked entry", keys: Object.keys(blockedSchema.shape) };
  return { noun: "dag", keys: [] };
}

function special(src: PlanSource, code: string, path: Path, value: unknown): Diagnostic | undefined {
  if (
    path.length === 1 &&
    path[0] === "epics" &&
    (value === null || (code === "too_small" && Array.isArray(value)))
  ) {
    return diagnostic(valueSpan(src, path), '"epics" is empty; a dag needs at least one epic');
  }
  return undefined;
}

/** Validates a parsed dag.yaml and converts it to a Plan named after the spec folder. */
export function loadDag(src: PlanSource, data: unknown): Result<Plan, Diagnostic[]> {
  const diags: Diagnostic[] = [];
  const parsed = dagSchema.safeParse(data);
  if (!parsed.success) {
    diags.push(
      ...issuesToDiagnostics(
        {
          src,
          data,
          mapping,
          snakeOnly: true,
          special: (issue, path, value) => special(src, issue.code, path, value),
        },
        parsed.error.issues,
      ),
    );
  }
  const top = isRaw(data) ? data : {};
  const epics = Array.isArray(top.epics) ? (top.epics as unknown[]) : [];
  const completed = new Set<string>();
  for (const e of epics)
    if (isRaw(e) && typeof e.id === "string" && e.status === "completed") completed.add(e.id);
  const refs: ItemRef[] = [];
  epics.forEach((epic, i) => {
    if (!isRaw(epic) || typeof epic.id !== "string") return;
    const deps =
      epic.status !== "completed" && Array.isArray(epic.depends_on) ? (epic.depends_on as unknown[]) : [];
    refs.push({
      id: epic.id,
      idSpan: () => valueSpan(src, ["epics", i, "id"]),
      deps: deps.flatMap((d, k) =>
        typeof d === "string" && (!completed.has(d) || d === epic.id)
          ? [{ id: d, span: () => valueSpan(src, ["epics", i, "depends_on", k]) }]
          : [],
      ),
    });
    diags.push(...checkFeatures(src, epic, ["epics", i]));
  });
  diags.push(...checkItemGraph(refs));
  if (parsed.success && parsed.data.epics.every((e) => e.status === "completed")) {
    diags.push(
      diagnostic(valueSpan(src, ["epics"]), "every epic of the dag is completed; there is nothing to run"),
    );
  }
  if (diags.length > 0 || !parsed.success) return err(diags);
  return ok(buildPlan(src, parsed.data));
}

/** Feature ids within an epic: unique, and dependencies that name a feature of the same epic. */
function checkFeatures(src: PlanSource, epic: Record<string, unknown>, at: Path): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!Array.isArray(epic.features)) return out;
  const features = epic.features as unknown[];
  const first = new Map<string, number>();
  features.forEach((f, j) => {
    if (!isRaw(f) || typeof f.id !== "string") return;
    const earlier = first.get(f.id);
    if (earlier === undefined) first.set(f.id, j);
    else
      out.push(
        diagnostic(valueSpan(src, [...at, "features", j, "id"]), `duplicate feature id ${q(f.id)}`, [
          note(valueSpan(src, [...at, "features", earlier, "id"]), `${q(f.id)} is first defined here`),
        ]),
      );
  });
  features.forEach((f, j) => {
    if (!isRaw(f) || !Array.isArray(f.depends_on)) return;
    (f.depends_on as unknown[]).forEach((dep, k) => {
      if (typeof dep !== "string" || first.has(dep)) return;
      const hint = suggest(dep, first.keys());
      const tail =
        hint !== undefined ? `; did you mean ${q(hint)}?` : ": no feature of this epic has this id";
      out.push(
        diagnostic(
          valueSpan(src, [...at, "features", j, "depends_on", k]),
          `unknown feature dependency ${q(dep)}${tail}`,
        ),
      );
    });
  });
  return out;
}

function buildPlan(src: PlanSource, dag: Dag): Plan {
  const name = nameFromPath(src.file);
  const completed = new Set(dag.epics.filter((e) => e.status === "completed").map((e) => e.id));
  const notes: string[] = [];
  const items: Item[] = [];
  dag.epics.forEach((epic, i) => {
    if (epic.status === "completed") {
      notes.push(`epic ${q(epic.id)} is skipped: it is completed`);
      return;
    }
    if (epic.status === "in_progress") {
      const where = epic.worktree != null ? ` (worktree ${q(epic.worktree)})` : "";
      notes.push(`epic ${q(epic.id)} was in progress${where}; it starts again from the integration branch`);
    }
    if (epic.status === "blocked")
      notes.push(`epic ${q(epic.id)} was marked blocked in the dag; it runs again`);
    const featureIds = new Set((epic.features ?? []).map((f) => f.id));
    const blocked = (dag.blocked ?? []).filter((b) => b.task_id === epic.id || featureIds.has(b.task_id));
    items.push({
      id: epic.id,
      title: epic.name,
      description: describe(epic, blocked),
      acceptance: [],
      dependsOn: [...new Set((epic.depends_on ?? []).filter((d) => !completed.has(d)))],
      touches: [],
      priority: DEFAULTS.priority,
      agent: DEFAULT_AGENT,
      loc: valueSpan(src, ["epics", i]).loc,
    });
  });
  return {
    version: 1,
    format: "dag",
    file: src.file,
    name,
    integrationBranch: `flotilla/${name}`,
    land: DEFAULTS.land,
    maxParallel: DAG_MAX_PARALLEL,
    schedule: DEFAULTS.schedule,
    agent: DEFAULT_AGENT,
    retries: DEFAULTS.retries,
    timeoutSeconds: DEFAULTS.timeoutSeconds,
    conflicts: DEFAULTS.conflicts,
    landPartial: DEFAULTS.landPartial,
    merge: defaultMergeOptions(),
    setup: { link: [], copy: [], run: [] },
    gates: { preMerge: [], postMerge: [], land: [] },
    review: {},
    agents: builtinProfiles(),
    items,
    notes,
  };
}

function describe(epic: Dag["epics"][number], blocked: Dag["blocked"] & object): string {
  const lines = [`Spec: ${epic.spec_path}`];
  const features = epic.features ?? [];
  if (features.length > 0) {
    lines.push("", "Features:");
    for (const f of features) {
      const deps =
        f.depends_on != null && f.depends_on.length > 0 ? ` (after ${f.depends_on.join(", ")})` : "";
      const req = f.source_requirement != null ? ` [${f.source_requirement}]` : "";
      const status = f.status != null && f.status !== "pending" ? ` — ${f.status}` : "";
      lines.push(`- ${f.id}: ${f.name}${req}${deps}${status}`);
    }
  }
  if (blocked.length > 0) {
    lines.push("", "Recorded blockers:");
    for (const b of blocked) lines.push(`- ${b.task_id}: ${b.reason} (since ${b.blocked_at})`);
  }
  return lines.join("\n");
}

/** The plan name for a dag.yaml: its folder (specs/<spec-id>/dag.yaml → <spec-id>) made a valid id, else `dag`. */
export function nameFromPath(file: string): string {
  const parts = file.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  const folder = parts.length >= 2 ? parts[parts.length - 2]! : "";
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_ID_LENGTH)
    .replace(/-+$/, "");
  return name === "" || name === ".." ? "dag" : name;
}

// Reads a work-milestone dispatch plan (plan/milestone-<N>-dispatch.yaml, written by /groom-milestone):
// `milestone`, `conflict-groups`, `waves`, `quality-gates`, with keys in kebab-case or snake_case. Items
// become `issue-<n>`; a conflict group becomes a shared synthetic touch so the graph serialises its
// members; items already done are skipped with a note.

import * as z from "zod";
import { err, ok, type Result } from "../util/result.js";
import { builtinProfiles, DEFAULT_AGENT } from "./agents.js";
import { checkItemGraph, type GraphWords, type ItemRef } from "./check-items.js";
import { issuesToDiagnostics, q, type MappingInfo } from "./issues.js";
import { DEFAULTS, defaultMergeOptions, isRaw } from "./load-flotilla.js";
import { branchString, idString, whole } from "./schema.js";
import { suggest } from "./suggest.js";
import type { Diagnostic, Item, Plan } from "./types.js";
import { diagnostic, note, valueSpan, type Path, type PlanSource } from "./yaml-source.js";

/** Statuses of a dispatch plan item; the first four mean the item is finished and is skipped. */
export const MILESTONE_STATUSES = [
  "done",
  "completed",
  "closed",
  "merged",
  "open",
  "pending",
  "todo",
  "ready",
  "in_progress",
  "in-progress",
  "blocked",
  "partial",
] as const;
const FINISHED = new Set<string>(["done", "completed", "closed", "merged"]);

const text = z.string().min(1);
const groupId = z.union([whole().min(0), idString]);

const milestoneItemSchema = z.strictObject({
  title: text,
  issue: whole().min(1),
  priority: z.enum(["P0", "P1", "P2", "P3"]).nullish(),
  conflict_group: groupId.nullish(),
  depends_on: z.array(whole().min(1)).nullish(),
  status: z.enum(MILESTONE_STATUSES).nullish(),
});
const waveSchema = z.strictObject({
  wave: whole().min(0),
  parallel: z.boolean().nullish(),
  items: z.array(milestoneItemSchema).nullish(),
});
const groupSchema = z.strictObject({
  group_id: groupId,
  reason: z.string().nullish(),
  items: z.array(text).nullish(),
});
const headerSchema = z.strictObject({
  number: whole().min(0),
  title: z.string().nullish(),
  integration_branch: branchString.nullish(),
});
const gatesSchema = z.strictObject({
  pre_merge: z.array(text).nullish(),
  post_merge: z.array(text).nullish(),
});
const dispatchSchema = z.strictObject({
  milestone: headerSchema,
  conflict_groups: z.array(groupSchema).nullish(),
  waves: z.array(waveSchema),
  quality_gates: gatesSchema.nullish(),
});
type Dispatch = z.output<typeof dispatchSchema>;

function mapping(path: Path): MappingInfo {
  const [a] = path;
  if (path.length === 0) return { noun: "dispatch plan", keys: Object.keys(dispatchSchema.shape) };
  if (a === "milestone") return { noun: '"milestone"', keys: Object.keys(headerSchema.shape) };
  if (a === "conflict_groups") return { noun: "conflict group", keys: Object.keys(groupSchema.shape) };
  if (a === "quality_gates") return { noun: "quality gates", keys: Object.keys(gatesSchema.shape) };
  if (a === "waves" && path.length === 2) return { noun: "wave", keys: Object.keys(waveSchema.shape) };
  if (a === "waves") return { noun: "wave item", keys: Object.keys(milestoneItemSchema.shape) };
  return { noun: "dispatch plan", keys: [] };
}

const WORDS: GraphWords = {
  show: (id) => id,
  duplicate: (id) => `issue #${num(id)} is listed twice`,
  firstDefined: (id) => `issue #${num(id)} is first listed here`,
  unknown: (dep) => `unknown dependency #${num(dep)}: no item in this plan is issue #${num(dep)}`,
  self: (id) => `issue #${num(id)} depends on itself`,
};

/** One wave item as found in the raw data, with where it is. */
interface Entry {
  readonly issue: number;
  readonly raw: Record<string, unknown>;
  readonly path: Path;
  readonly wave: number;
}

/** Validates a parsed dispatch plan and converts it to a Plan. */
export function loadMilestone(original: PlanSource, raw: unknown): Result<Plan, Diagnostic[]> {
  const src: PlanSource = { ...original, foldKey: (k) => k.replaceAll("-", "_") };
  const diags: Diagnostic[] = [];
  const data = normalizeKeys(src, raw, [], diags);
  const parsed = dispatchSchema.safeParse(data);
  if (!parsed.success) {
    diags.push(...issuesToDiagnostics({ src, data, mapping, snakeOnly: false }, parsed.error.issues));
  }

  // Cross checks on the raw data, so they are reported together with schema problems.
  const entries: Entry[] = [];
  const top = isRaw(data) ? data : {};
  const waves = Array.isArray(top.waves) ? (top.waves as unknown[]) : [];
  waves.forEach((wave, w) => {
    if (!isRaw(wave) || !Array.isArray(wave.items)) return;
    (wave.items as unknown[]).forEach((item, j) => {
      if (isRaw(item) && Number.isInteger(item.issue)) {
        entries.push({ issue: item.issue as number, raw: item, path: ["waves", w, "items", j], wave: w });
      }
    });
  });
  const finished = new Set(entries.filter((e) => FINISHED.has(String(e.raw.status))).map((e) => e.issue));
  const refs: ItemRef[] = entries.map((e) => {
    const deps =
      !finished.has(e.issue) && Array.isArray(e.raw.depends_on) ? (e.raw.depends_on as unknown[]) : [];
    return {
      id: issueId(e.issue),
      idSpan: () => valueSpan(src, [...e.path, "issue"]),
      deps: deps.flatMap((d, k) =>
        Number.isInteger(d) && !finished.has(d as number)
          ? [{ id: issueId(d as number), span: () => valueSpan(src, [...e.path, "depends_on", k]) }]
          : [],
      ),
    };
  });
  diags.push(...checkItemGraph(refs, WORDS));
  const groups = checkGroups(src, top, entries, diags);

  if (parsed.success && entries.length > 0 && entries.every((e) => finished.has(e.issue))) {
    diags.push(
      diagnostic(
        valueSpan(src, ["waves"]),
        "every item of the dispatch plan is already done; there is nothing to run",
      ),
    );
  } else if (parsed.success && entries.length === 0) {
    diags.push(diagnostic(valueSpan(src, ["waves"]), 'the dispatch plan has no items in "waves"'));
  }
  if (diags.length > 0 || !parsed.success) return err(diags);
  return ok(buildPlan(src, parsed.data, groups, finished));
}

/** Conflict group ids, and which issues belong to each (by an item's `conflict-group` or by title). */
function checkGroups(
  src: PlanSource,
  top: Record<string, unknown>,
  entries: readonly Entry[],
  diags: Diagnostic[],
): Map<string, Set<number>> {
  const groups = new Map<string, Set<number>>();
  const firstAt = new Map<string, Path>();
  const list = Array.isArray(top.conflict_groups) ? (top.conflict_groups as unknown[]) : [];
  const byTitle = new Map<string, number>();
  for (const e of entries)
    if (typeof e.raw.title === "string" && !byTitle.has(e.raw.title)) byTitle.set(e.raw.title, e.issue);
  list.forEach((group, g) => {
    if (!isRaw(group) || (typeof group.group_id !== "number" && typeof group.group_id !== "string")) return;
    const id = String(group.group_id);
    const at: Path = ["conflict_groups", g, "group_id"];
    const earlier = firstAt.get(id);
    if (earlier !== undefined) {
      diags.push(
        diagnostic(valueSpan(src, at), `conflict group ${id} is defined twice`, [
          note(valueSpan(src, earlier), `conflict group ${id} is first defined here`),
        ]),
      );
      return;
    }
    firstAt.set(id, at);
    const members = new Set<number>();
    groups.set(id, members);
    if (!Array.isArray(group.items)) return;
    (group.items as unknown[]).forEach((title, t) => {
      if (typeof title !== "string") return;
      const issue = byTitle.get(title);
      if (issue !== undefined) {
        members.add(issue);
        return;
      }
      const hint = suggest(title, byTitle.keys());
      const tail = hint !== undefined ? `; did you mean ${q(hint)}?` : "";
      diags.push(
        diagnostic(
          valueSpan(src, ["conflict_groups", g, "items", t]),
          `conflict group ${id} lists ${q(title)}, which is the title of no item${tail}`,
        ),
      );
    });
  });
  for (const e of entries) {
    const ref = e.raw.conflict_group;
    if (typeof ref !== "number" && typeof ref !== "string") continue;
    const members = groups.get(String(ref));
    if (members !== undefined) {
      members.add(e.issue);
      continue;
    }
    const known = [...groups.keys()];
    const tail =
      known.length === 0 ? "no conflict groups are defined" : `the groups are: ${known.join(", ")}`;
    diags.push(
      diagnostic(
        valueSpan(src, [...e.path, "conflict_group"]),
        `unknown conflict group ${String(ref)}; ${tail}`,
      ),
    );
  }
  return groups;
}

function buildPlan(
  src: PlanSource,
  d: Dispatch,
  groups: ReadonlyMap<string, ReadonlySet<number>>,
  finished: ReadonlySet<number>,
): Plan {
  const n = d.milestone.number;
  const name = `milestone-${n}`;
  const groupOf = new Map<number, string[]>();
  for (const [id, members] of groups)
    for (const issue of members) groupOf.set(issue, [...(groupOf.get(issue) ?? []), id]);
  const reasons = new Map((d.conflict_groups ?? []).map((g) => [String(g.group_id), g.reason ?? ""]));
  const notes: string[] = [];
  const items: Item[] = [];
  d.waves.forEach((wave, w) => {
    (wave.items ?? []).forEach((item, j) => {
      if (finished.has(item.issue)) {
        notes.push(`issue #${item.issue} ${q(item.title)} is skipped: its status is ${q(item.status ?? "")}`);
        return;
      }
      const memberOf = groupOf.get(item.issue) ?? [];
      const touches = memberOf.map((g) => `.flotilla/conflict-group/${g}`);
      const lines = [
        `Issue #${item.issue} of milestone ${n}${d.milestone.title != null ? ` (${d.milestone.title})` : ""}.`,
        `Dispatch plan: wave ${wave.wave}${item.priority != null ? `, priority ${item.priority}` : ""}.`,
      ];
      for (const g of memberOf) {
        const reason = reasons.get(g);
        lines.push(`Conflict group ${g}${reason ? `: ${reason}` : ""} (its items run one at a time).`);
      }
      if (wave.parallel === false) {
        touches.push(`.flotilla/wave/${wave.wave}`);
        lines.push(`Wave ${wave.wave} is not parallel: its items run one at a time.`);
      }
      items.push({
        id: issueId(item.issue),
        title: item.title,
        description: lines.join("\n"),
        acceptance: [],
        dependsOn: [...new Set((item.depends_on ?? []).filter((dep) => !finished.has(dep)).map(issueId))],
        touches,
        priority: item.priority != null ? Number(item.priority.slice(1)) : DEFAULTS.priority,
        agent: DEFAULT_AGENT,
        loc: valueSpan(src, ["waves", w, "items", j]).loc,
      });
    });
  });
  const pre = d.quality_gates?.pre_merge ?? [];
  const post = d.quality_gates?.post_merge ?? [];
  return {
    version: 1,
    format: "milestone",
    file: src.file,
    name,
    integrationBranch: d.milestone.integration_branch ?? `flotilla/${name}`,
    land: DEFAULTS.land,
    maxParallel: DEFAULTS.maxParallel,
    schedule: DEFAULTS.schedule,
    agent: DEFAULT_AGENT,
    retries: DEFAULTS.retries,
    timeoutSeconds: DEFAULTS.timeoutSeconds,
    conflicts: DEFAULTS.conflicts,
    landPartial: DEFAULTS.landPartial,
    merge: defaultMergeOptions(),
    setup: { link: [], copy: [], run: [] },
    gates: { preMerge: pre, postMerge: post, land: [...new Set([...pre, ...post])] },
    review: {},
    agents: builtinProfiles(),
    items,
    notes,
  };
}

/** Copies the data with every mapping key in snake_case; a key given in both spellings is an error. */
function normalizeKeys(src: PlanSource, value: unknown, path: Path, diags: Diagnostic[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => normalizeKeys(src, v, [...path, i], diags));
  if (!isRaw(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const k = key.replaceAll("-", "_");
    if (k in out) {
      diags.push(
        diagnostic(
          valueSpan(src, path),
          `key ${q(k)} is given twice in this mapping (in kebab-case and snake_case)`,
        ),
      );
      continue;
    }
    out[k] = normalizeKeys(src, v, [...path, k], diags);
  }
  return out;
}

function issueId(issue: number): string {
  return `issue-${issue}`;
}

function num(id: string): string {
  return id.replace(/^issue-/, "");
}

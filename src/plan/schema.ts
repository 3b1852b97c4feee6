// The shape of a flotilla plan file (version 1), as zod schemas: types, enums, ids, durations and unknown
// keys are all checked here, in one pass that reports every problem. Cross-references (dependencies,
// agent names) are checked afterwards, in check-items.ts and load-flotilla.ts.

import * as z from "zod";
import { BUILTIN_AGENTS } from "./agents.js";
import { parseDuration } from "./duration.js";
import { validateBranchName, validateId } from "./ids.js";

/** A string that must satisfy the id rule (item ids, plan names, epic ids). */
export const idString = z.string().superRefine((value, ctx) => {
  const r = validateId(value);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.reason, params: { kind: "id", reason: r.reason } });
});

/** A string that must be a safe git branch name. */
export const branchString = z.string().superRefine((value, ctx) => {
  const r = validateBranchName(value);
  if (!r.ok)
    ctx.addIssue({ code: "custom", message: r.reason, params: { kind: "branch", reason: r.reason } });
});

/** A duration string (`90s`, `20m`, `2h`, `1h30m`), read into seconds. */
export const durationString = z.string().transform((value, ctx) => {
  const r = parseDuration(value);
  if (r.ok) return r.seconds;
  ctx.addIssue({ code: "custom", message: r.reason, params: { kind: "duration", reason: r.reason } });
  return z.NEVER;
});

const text = z.string().min(1);

/** The message zod carries for a whole-number schema, so a type error can say "a whole number". */
export const WHOLE_NUMBER = "a whole number";
/** A whole number (zod reports a string given here as "expected number"; the message tells them apart). */
export const whole = (): z.ZodInt => z.int({ error: WHOLE_NUMBER });
const strings = z.array(z.string());
const commands = z.array(text);

/** One acceptance criterion: plain text, or text with a shell check. */
export const criterionSchema = z.union([text, z.strictObject({ text, check: text.nullish() })]);

/** One item of a flotilla plan. */
export const itemSchema = z.strictObject({
  id: idString,
  title: text,
  description: z.string().nullish(),
  acceptance: z.array(criterionSchema).nullish(),
  depends_on: strings.nullish(),
  touches: z.array(text).nullish(),
  priority: whole().min(0).nullish(),
  estimate: durationString.nullish(),
  agent: text.nullish(),
  run: text.nullish(),
  budget_usd: z.number().positive().nullish(),
  budget_tokens: whole().positive().nullish(),
});

/** A plan's own agent profile: a built-in with options, or a command. */
export const profileSchema = z.strictObject({
  use: z.enum(BUILTIN_AGENTS as [string, ...string[]]).nullish(),
  command: z.array(text).min(1).nullish(),
  output: z.enum(["claude-json", "codex-jsonl", "text"]).nullish(),
  model: text.nullish(),
  permission_mode: text.nullish(),
  allowed_tools: z.array(text).nullish(),
});

/** The `merge:` section. */
export const mergeSchema = z.strictObject({
  batch: whole().min(1).nullish(),
  retry_flaky: z.boolean().nullish(),
  probe_interval: durationString.nullish(),
  resolver: text.nullish(),
  fix_forward: whole().min(0).nullish(),
  medium_max_files: whole().min(1).nullish(),
  rewrite_ratio: z.number().gt(0).max(1).nullish(),
});

/** The `setup:` section. */
export const setupSchema = z.strictObject({
  link: strings.nullish(),
  copy: strings.nullish(),
  run: commands.nullish(),
});

/** The `gates:` section. */
export const gatesSchema = z.strictObject({
  pre_merge: commands.nullish(),
  post_merge: commands.nullish(),
  land: commands.nullish(),
});

/** The `review:` section. */
export const reviewSchema = z.strictObject({ reviewer: text.nullish() });

/** A whole flotilla plan file (version 1). */
export const planSchema = z.strictObject({
  version: z.literal(1),
  name: idString,
  base: branchString.nullish(),
  integration_branch: branchString.nullish(),
  land: z.enum(["merge", "ff", "none"]).nullish(),
  max_parallel: whole().min(1).nullish(),
  schedule: z.enum(["continuous", "waves"]).nullish(),
  agent: text.nullish(),
  retries: whole().min(0).nullish(),
  timeout: durationString.nullish(),
  conflicts: z.enum(["avoid", "allow"]).nullish(),
  land_partial: z.boolean().nullish(),
  budget_usd: z.number().positive().nullish(),
  budget_tokens: whole().positive().nullish(),
  merge: mergeSchema.nullish(),
  setup: setupSchema.nullish(),
  gates: gatesSchema.nullish(),
  review: reviewSchema.nullish(),
  agents: z.record(z.string(), profileSchema).nullish(),
  items: z.array(itemSchema).min(1),
});

/** A flotilla plan file as validated, before defaults are filled in. */
export type PlanFile = z.output<typeof planSchema>;
/** One item as validated. */
export type ItemFile = z.output<typeof itemSchema>;
/** One agent profile as validated. */
export type ProfileFile = z.output<typeof profileSchema>;

/** The keys each mapping of a flotilla plan takes, for unknown-key messages. */
export const FLOTILLA_KEYS = {
  plan: Object.keys(planSchema.shape),
  item: Object.keys(itemSchema.shape),
  profile: Object.keys(profileSchema.shape),
  merge: Object.keys(mergeSchema.shape),
  setup: Object.keys(setupSchema.shape),
  gates: Object.keys(gatesSchema.shape),
  review: Object.keys(reviewSchema.shape),
  criterion: ["text", "check"],
} as const;

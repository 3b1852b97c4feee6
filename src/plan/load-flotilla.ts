// Reads a plan in flotilla's own format (DESIGN.md, "The plan format"): schema first, then the checks that
// need the whole plan (dependencies, cycles, agent names, `run:` for shell items). Every problem is
// reported at once; a plan is returned only when there is none.

import { err, ok, type Result } from "../util/result.js";
import { BUILTIN_AGENTS, builtinProfiles, DEFAULT_AGENT, isBuiltinAgent } from "./agents.js";
import { checkItemGraph, type ItemRef } from "./check-items.js";
import { validateId } from "./ids.js";
import { issuesToDiagnostics, q, show, valueAt, type MappingInfo } from "./issues.js";
import { FLOTILLA_KEYS, planSchema, type ItemFile, type PlanFile, type ProfileFile } from "./schema.js";
import { suggest } from "./suggest.js";
import type {
  AcceptanceCriterion,
  AgentOutputFormat,
  AgentProfile,
  Diagnostic,
  Item,
  MergeOptions,
  Plan,
} from "./types.js";
import { diagnostic, keySpan, valueSpan, type Path, type PlanSource } from "./yaml-source.js";

/** Plan defaults from DESIGN.md, used by every source format. */
export const DEFAULTS = {
  maxParallel: 4,
  retries: 3,
  timeoutSeconds: 30 * 60,
  land: "merge",
  schedule: "continuous",
  conflicts: "avoid",
  landPartial: true,
  mergeBatch: 4,
  retryFlaky: true,
  probeIntervalSeconds: 30,
  fixForward: 2,
  mediumMaxFiles: 2,
  rewriteRatio: 0.5,
  priority: 2,
} as const;

/** The merge options of a plan that sets none (the source formats have no `merge:` keys). */
export function defaultMergeOptions(): MergeOptions {
  return {
    batch: DEFAULTS.mergeBatch,
    retryFlaky: DEFAULTS.retryFlaky,
    probeIntervalSeconds: DEFAULTS.probeIntervalSeconds,
    fixForward: DEFAULTS.fixForward,
    mediumMaxFiles: DEFAULTS.mediumMaxFiles,
    rewriteRatio: DEFAULTS.rewriteRatio,
  };
}

type Raw = Record<string, unknown>;

/** Validates a parsed flotilla plan and fills in its defaults. */
export function loadFlotilla(src: PlanSource, data: unknown): Result<Plan, Diagnostic[]> {
  const diags: Diagnostic[] = [];
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    diags.push(
      ...issuesToDiagnostics(
        {
          src,
          data,
          mapping: flotillaMapping,
          snakeOnly: true,
          special: (issue, path, value) => special(src, issue.code, path, value),
        },
        parsed.error.issues,
      ),
    );
  }
  diags.push(...crossChecks(src, data as Raw));
  if (diags.length > 0 || !parsed.success) return err(diags);
  return ok(buildPlan(src, parsed.data));
}

/** Names each mapping of a flotilla plan and lists its keys. */
function flotillaMapping(path: Path): MappingInfo {
  const [a, b, c] = path;
  if (path.length === 0) return { noun: "plan", keys: FLOTILLA_KEYS.plan };
  if (a === "items" && path.length === 2) return { noun: "item", keys: FLOTILLA_KEYS.item };
  if (a === "items" && c === "acceptance")
    return { noun: "acceptance criterion", keys: FLOTILLA_KEYS.criterion };
  if (a === "agents" && typeof b === "string")
    return { noun: `agent profile ${q(b)}`, keys: FLOTILLA_KEYS.profile };
  if (a === "merge") return { noun: '"merge"', keys: FLOTILLA_KEYS.merge };
  if (a === "setup") return { noun: '"setup"', keys: FLOTILLA_KEYS.setup };
  if (a === "gates") return { noun: '"gates"', keys: FLOTILLA_KEYS.gates };
  if (a === "review") return { noun: '"review"', keys: FLOTILLA_KEYS.review };
  return { noun: "plan", keys: [] };
}

function special(src: PlanSource, code: string, path: Path, value: unknown): Diagnostic | undefined {
  if (path.length !== 1) return undefined;
  if (path[0] === "version") {
    if (value === undefined)
      return diagnostic(valueSpan(src, []), 'missing required key "version" in plan; add "version: 1"');
    return diagnostic(
      valueSpan(src, path),
      `unsupported plan version ${show(value)}; this flotilla reads version 1`,
    );
  }
  if (path[0] === "items") {
    if (value === undefined)
      return diagnostic(valueSpan(src, []), 'the plan has no items; add an "items:" list');
    if (value === null || (code === "too_small" && Array.isArray(value))) {
      return diagnostic(valueSpan(src, path), '"items" is empty; a plan needs at least one item');
    }
  }
  return undefined;
}

/** Checks that need more than one part of the plan; tolerant of shapes the schema already rejected. */
function crossChecks(src: PlanSource, data: Raw): Diagnostic[] {
  const out: Diagnostic[] = [];
  const items = Array.isArray(data.items) ? (data.items as unknown[]) : [];
  const refs: ItemRef[] = [];
  items.forEach((item, i) => {
    if (!isRaw(item) || typeof item.id !== "string") return;
    const deps = Array.isArray(item.depends_on) ? (item.depends_on as unknown[]) : [];
    refs.push({
      id: item.id,
      idSpan: () => valueSpan(src, ["items", i, "id"]),
      deps: deps.flatMap((d, k) =>
        typeof d === "string" ? [{ id: d, span: () => valueSpan(src, ["items", i, "depends_on", k]) }] : [],
      ),
    });
  });
  out.push(...checkItemGraph(refs));

  const agents = isRaw(data.agents) ? data.agents : {};
  out.push(...checkProfiles(src, agents));
  const profileNames = [...BUILTIN_AGENTS, ...Object.keys(agents).filter((n) => !isBuiltinAgent(n))];
  const known = new Set(profileNames);
  const checkRef = (path: Path): void => {
    const name = valueAt(data, path);
    if (typeof name !== "string" || name === "" || known.has(name)) return;
    const hint = suggest(name, profileNames);
    const tail =
      hint !== undefined ? `did you mean ${q(hint)}?` : `the profiles are: ${profileNames.join(", ")}`;
    out.push(diagnostic(valueSpan(src, path), `unknown agent profile ${q(name)}; ${tail}`));
  };
  checkRef(["agent"]);
  checkRef(["review", "reviewer"]);
  checkRef(["merge", "resolver"]);
  const notShell = (path: Path, cannot: string): void => {
    const name = valueAt(data, path);
    if (typeof name !== "string" || !known.has(name) || adapterOf(name, agents) !== "shell") return;
    const what = name === "shell" ? `"shell" is` : `${q(name)} uses`;
    out.push(
      diagnostic(
        valueSpan(src, path),
        `${what} the shell agent, which only runs an item's "run:" command and cannot ${cannot}; name another agent profile`,
      ),
    );
  };
  notShell(["merge", "resolver"], "resolve conflicts");
  notShell(["review", "reviewer"], "review work");

  const planAgent = typeof data.agent === "string" ? data.agent : DEFAULT_AGENT;
  items.forEach((item, i) => {
    if (!isRaw(item)) return;
    checkRef(["items", i, "agent"]);
    const own = typeof item.agent === "string" ? item.agent : undefined;
    const agent = own ?? planAgent;
    if (!known.has(agent)) return;
    const shell = adapterOf(agent, agents) === "shell";
    const id = typeof item.id === "string" ? q(item.id) : `#${i + 1}`;
    if (shell && item.run === undefined) {
      const where = own !== undefined ? valueSpan(src, ["items", i, "agent"]) : valueSpan(src, ["items", i]);
      const why = agent === "shell" ? `its agent is "shell"` : `its agent ${q(agent)} uses the shell agent`;
      out.push(diagnostic(where, `item ${id} needs a "run:" command: ${why}`));
    } else if (!shell && item.run !== undefined) {
      out.push(
        diagnostic(
          keySpan(src, ["items", i, "run"]),
          `"run" is only used by the shell agent; item ${id} runs ${q(agent)}`,
        ),
      );
    }
  });
  return out;
}

function checkProfiles(src: PlanSource, agents: Raw): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, profile] of Object.entries(agents)) {
    const at: Path = ["agents", name];
    const idCheck = validateId(name);
    if (!idCheck.ok)
      out.push(diagnostic(keySpan(src, at), `invalid agent profile name ${q(name)}: ${idCheck.reason}`));
    if (!isRaw(profile)) continue;
    const hasUse = profile.use !== undefined && profile.use !== null;
    const hasCommand = profile.command !== undefined && profile.command !== null;
    if (hasUse && hasCommand) {
      out.push(
        diagnostic(
          keySpan(src, [...at, "command"]),
          `agent profile ${q(name)} has both "use:" and "command:"; give one`,
        ),
      );
    } else if (!hasUse && !hasCommand && !isBuiltinAgent(name)) {
      out.push(
        diagnostic(
          keySpan(src, at),
          `agent profile ${q(name)} needs "use:" (one of ${BUILTIN_AGENTS.join(", ")}) or "command:" (a program and its arguments)`,
        ),
      );
    }
    if (hasCommand && !hasUse) {
      for (const key of ["model", "permission_mode", "allowed_tools"]) {
        if (profile[key] !== undefined) {
          out.push(diagnostic(keySpan(src, [...at, key]), `${q(key)} only applies to a profile with "use:"`));
        }
      }
    }
  }
  return out;
}

/** The built-in adapter behind a profile name, or undefined for a command profile. */
function adapterOf(name: string, agents: Raw): string | undefined {
  const p = agents[name];
  if (isRaw(p)) {
    if (typeof p.use === "string") return p.use;
    if (p.command !== undefined && p.command !== null) return undefined;
  }
  return isBuiltinAgent(name) ? name : undefined;
}

function buildPlan(src: PlanSource, p: PlanFile): Plan {
  const agents = builtinProfiles();
  for (const [name, profile] of Object.entries(p.agents ?? {})) agents[name] = toProfile(name, profile);
  const planAgent = p.agent ?? DEFAULT_AGENT;
  const items = p.items.map((item, i) => toItem(item, planAgent, valueSpan(src, ["items", i]).loc));
  return {
    version: 1,
    format: "flotilla",
    file: src.file,
    name: p.name,
    ...(p.base != null ? { base: p.base } : {}),
    integrationBranch: p.integration_branch ?? `flotilla/${p.name}`,
    land: p.land ?? DEFAULTS.land,
    maxParallel: p.max_parallel ?? DEFAULTS.maxParallel,
    schedule: p.schedule ?? DEFAULTS.schedule,
    agent: planAgent,
    retries: p.retries ?? DEFAULTS.retries,
    timeoutSeconds: p.timeout ?? DEFAULTS.timeoutSeconds,
    conflicts: p.conflicts ?? DEFAULTS.conflicts,
    landPartial: p.land_partial ?? DEFAULTS.landPartial,
    ...(p.budget_usd != null ? { budgetUsd: p.budget_usd } : {}),
    ...(p.budget_tokens != null ? { budgetTokens: p.budget_tokens } : {}),
    merge: {
      batch: p.merge?.batch ?? DEFAULTS.mergeBatch,
      retryFlaky: p.merge?.retry_flaky ?? DEFAULTS.retryFlaky,
      probeIntervalSeconds: p.merge?.probe_interval ?? DEFAULTS.probeIntervalSeconds,
      ...(p.merge?.resolver != null ? { resolver: p.merge.resolver } : {}),
      fixForward: p.merge?.fix_forward ?? DEFAULTS.fixForward,
      mediumMaxFiles: p.merge?.medium_max_files ?? DEFAULTS.mediumMaxFiles,
      rewriteRatio: p.merge?.rewrite_ratio ?? DEFAULTS.rewriteRatio,
    },
    setup: { link: p.setup?.link ?? [], copy: p.setup?.copy ?? [], run: p.setup?.run ?? [] },
    gates: {
      preMerge: p.gates?.pre_merge ?? [],
      postMerge: p.gates?.post_merge ?? [],
      land: p.gates?.land ?? [],
    },
    review: p.review?.reviewer != null ? { reviewer: p.review.reviewer } : {},
    agents,
    items,
    notes: [],
  };
}

function toItem(item: ItemFile, planAgent: string, loc: Item["loc"]): Item {
  const acceptance = (item.acceptance ?? []).map((c): AcceptanceCriterion =>
    typeof c === "string" ? { text: c } : { text: c.text, ...(c.check != null ? { check: c.check } : {}) },
  );
  return {
    id: item.id,
    title: item.title,
    description: item.description ?? "",
    acceptance,
    dependsOn: [...new Set(item.depends_on ?? [])],
    touches: item.touches ?? [],
    priority: item.priority ?? DEFAULTS.priority,
    ...(item.estimate != null ? { estimateSeconds: item.estimate } : {}),
    agent: item.agent ?? planAgent,
    ...(item.run != null ? { run: item.run } : {}),
    ...(item.budget_usd != null ? { budgetUsd: item.budget_usd } : {}),
    ...(item.budget_tokens != null ? { budgetTokens: item.budget_tokens } : {}),
    loc,
  };
}

function toProfile(name: string, p: ProfileFile): AgentProfile {
  const use = p.use ?? (p.command == null && isBuiltinAgent(name) ? name : undefined);
  const output: AgentOutputFormat =
    p.output ?? (use !== undefined && isBuiltinAgent(use) ? builtinProfiles()[use]!.output : "text");
  return {
    name,
    ...(use !== undefined && isBuiltinAgent(use) ? { use } : {}),
    ...(p.command != null ? { command: p.command } : {}),
    output,
    ...(p.model != null ? { model: p.model } : {}),
    ...(p.permission_mode != null ? { permissionMode: p.permission_mode } : {}),
    ...(p.allowed_tools != null ? { allowedTools: p.allowed_tools } : {}),
  };
}

/** True for a YAML mapping read as plain data. */
export function isRaw(v: unknown): v is Raw {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

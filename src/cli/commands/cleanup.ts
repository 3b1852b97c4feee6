// `flotilla cleanup [RUN] [--force] [--dry-run]`: removes lane folders whose work is safe, and their
// branches once the commits are in the base or integration branch (with --force also when a ref
// keeps them, or after writing one under refs/flotilla/archive/); refs under refs/flotilla/ stay,
// so every commit an agent made stays reachable (DESIGN.md invariant 1).
import { existsSync, realpathSync, rmdirSync } from "node:fs";
import { resolve, sep } from "node:path";
import * as git from "../../adapters/git/index.js";
import { MERGED_STATUSES } from "../../core/report.js";
import { resolverSessions } from "../../core/resolver-sessions.js";
import type { AttemptRecord, ItemRecord, RunRecord } from "../../core/state-types.js";
import { flotillaPaths, names } from "../../engine/paths.js";
import { branchLine, findOrphans, settleLaneBranch, type BranchOutcome } from "./cleanup-extras.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { openStateForCli, pickRun } from "../open-state.js";
import { table } from "../render/report-text.js";
import { unreachable } from "../../util/result.js";

/** What cleanup decides for one folder, before looking at the disk. */
export interface LaneDecision {
  /** `attempt` for a lane, `resolver` for a resolver's lane, `gate` for the run's gate worktree. */
  readonly kind: "attempt" | "resolver" | "gate";
  readonly itemId?: string;
  readonly attempt?: number;
  /** A resolver's branch, as its session recorded it. */
  readonly branch?: string;
  readonly path: string;
  readonly action: "remove" | "keep";
  readonly why: string;
}

/**
 * Decides, for each lane of a run, whether cleanup may remove it: lanes of merged or landed items,
 * and (once the run is not running) lanes of attempts a later attempt superseded; lanes of failed,
 * blocked or cancelled items only with `force`; nothing else of a running or interrupted run. The
 * lane of a resolver of attempt n goes with the lane of attempt n.
 */
export function planCleanup(opts: {
  run: RunRecord;
  items: readonly ItemRecord[];
  attempts: readonly AttemptRecord[];
  /** Resolver lanes: the attempt whose conflict each resolved, and its folder. */
  resolvers?: readonly {
    readonly itemId: string;
    readonly attempt: number;
    readonly lane: string;
    readonly branch?: string;
  }[];
  force: boolean;
  gateWorktree?: string;
}): LaneDecision[] {
  const { run, force } = opts;
  const items = new Map(opts.items.map((i) => [i.id, i]));
  const newest = new Map<string, number>();
  for (const a of opts.attempts) newest.set(a.itemId, Math.max(newest.get(a.itemId) ?? 0, a.n));
  const decide = (a: {
    kind: "attempt" | "resolver";
    itemId: string;
    n: number;
    laneDir: string;
    branch?: string;
  }): LaneDecision => {
    const item = items.get(a.itemId);
    const status = item?.status;
    const lane = {
      kind: a.kind,
      itemId: a.itemId,
      attempt: a.n,
      path: a.laneDir,
      ...(a.branch === undefined || a.branch === "" ? {} : { branch: a.branch }),
    };
    const remove = (why: string): LaneDecision => ({ ...lane, action: "remove", why });
    const keep = (why: string): LaneDecision => ({ ...lane, action: "keep", why });
    if (status !== undefined && MERGED_STATUSES.has(status)) return remove(`${a.itemId} is ${status}`);
    if (run.status === "running") return keep("the run is still running");
    const last = newest.get(a.itemId) ?? a.n;
    if (a.n < last) return remove(`superseded by attempt ${last}`);
    switch (status) {
      case "failed":
      case "blocked":
      case "cancelled":
        return force
          ? remove(`${a.itemId} is ${status} (--force)`)
          : keep(`${a.itemId} is ${status}: look at it there; \`flotilla cleanup --force\` removes it`);
      case undefined:
        return force ? remove("its item is not in the run (--force)") : keep("its item is not in the run");
      case "pending":
      case "ready":
      case "running":
      case "verifying":
      case "queued":
        return run.status === "interrupted"
          ? keep(
              `the run was interrupted with ${a.itemId} ${status}; \`flotilla resume ${run.id}\` may need it`,
            )
          : force
            ? remove(`${a.itemId} was left ${status} (--force)`)
            : keep(`${a.itemId} was left ${status}; \`flotilla cleanup --force\` removes it`);
      case "merged":
      case "landed":
        return remove(`${a.itemId} is ${status}`);
      default:
        return unreachable(status, "item status");
    }
  };
  const decisions: LaneDecision[] = [
    ...opts.attempts.map((a) => decide({ kind: "attempt", itemId: a.itemId, n: a.n, laneDir: a.laneDir })),
    ...(opts.resolvers ?? []).map((r) =>
      decide({
        kind: "resolver",
        itemId: r.itemId,
        n: r.attempt,
        laneDir: r.lane,
        ...(r.branch === undefined ? {} : { branch: r.branch }),
      }),
    ),
  ];
  if (opts.gateWorktree !== undefined) {
    const over = run.status !== "running" && run.status !== "interrupted";
    decisions.push({
      kind: "gate",
      path: opts.gateWorktree,
      action: over ? "remove" : "keep",
      why: over ? "the run is over" : `the run is ${run.status}`,
    });
  }
  return decisions;
}

/** What happened to one folder. */
interface Outcome {
  readonly decision: LaneDecision;
  readonly removed: boolean;
  readonly why: string;
}

/** Runs `cleanup`; exit 0 (what could not be removed is printed, with why); 2 when there is nothing to read. */
export async function cleanupCommand(opts: {
  io: CliIO;
  runId: string | undefined;
  force: boolean;
  /** List what would be done; change nothing. */
  dryRun?: boolean;
}): Promise<number> {
  const dryRun = opts.dryRun === true;
  const { io } = opts;
  const opened = await openStateForCli(io);
  if (opened === undefined) return ExitCode.usage;
  const { store, commonDir } = opened;
  const paths = flotillaPaths(commonDir, io.env);
  let runs: RunRecord[];
  const plans: { run: RunRecord; decisions: LaneDecision[] }[] = [];
  try {
    if (opts.runId === undefined) {
      runs = store.listRuns();
      if (runs.length === 0) {
        io.out("Nothing to clean up: no flotilla run in this repository yet.\n");
        return ExitCode.ok;
      }
    } else {
      const run = pickRun(io, store, opts.runId);
      if (run === undefined) return ExitCode.usage;
      runs = [run];
    }
    for (const run of runs) {
      const gate = paths.gateWorktree(run.id);
      plans.push({
        run,
        decisions: planCleanup({
          run,
          items: store.listItems(run.id),
          attempts: store.listAttempts(run.id),
          resolvers: [...resolverSessions(store.listEvents(run.id))].flatMap(([itemId, sessions]) =>
            sessions.map((r) => ({ itemId, attempt: r.attempt, lane: r.lane, branch: r.branch })),
          ),
          force: opts.force,
          ...(existsSync(gate) ? { gateWorktree: gate } : {}),
        }),
      });
    }
  } finally {
    store.close();
  }

  // git runs in the common dir: the user's own folder may be one of the lanes going away.
  const registered = new Set((await git.worktreeList(commonDir)).map((w) => canonical(w.path)));
  const here = canonical(io.cwd);
  let removed = 0;
  let kept = 0;
  let gone = 0;
  const branches: BranchOutcome[] = [];
  const lines: string[] = [];
  for (const { run, decisions } of plans) {
    const outcomes: Outcome[] = [];
    const branchLines: string[] = [];
    for (const d of decisions) {
      const there = existsSync(d.path);
      let outcome: Outcome | undefined;
      if (!there) gone += 1;
      else {
        outcome = dryRun
          ? { decision: d, removed: d.action === "remove", why: d.why }
          : await apply({ d, commonDir, registered, here, force: opts.force });
        outcomes.push(outcome);
        if (outcome.removed) removed += 1;
        else kept += 1;
      }
      // A lane branch is settled once its folder is gone (or going), never under a live worktree.
      if (d.action !== "remove" || d.kind === "gate" || (there && outcome?.removed !== true)) continue;
      const b = await settleLaneBranch({
        cwd: commonDir,
        run,
        branch: laneBranchOf(run.id, d),
        archive: `refs/flotilla/archive/${d.kind === "attempt" ? "attempts" : "resolutions"}/${run.id}/${d.itemId ?? "_"}/${d.attempt ?? 0}`,
        force: opts.force,
        dryRun,
      });
      if (b !== undefined) {
        branches.push(b);
        branchLines.push(branchLine(b, dryRun));
      }
    }
    if (!dryRun) removeIfEmpty(resolve(paths.lanesRoot, run.id));
    if (outcomes.length === 0 && branchLines.length === 0) continue;
    lines.push(`${run.id} (${run.status})`);
    const rows = table(
      outcomes.map((o) => [
        o.removed ? (dryRun ? "would remove" : "removed") : "kept",
        label(o.decision),
        o.why,
      ]),
    );
    outcomes.forEach((o, k) => {
      lines.push(`  ${rows[k] ?? ""}`);
      lines.push(`      ${o.decision.path}`);
    });
    lines.push(...branchLines);
  }
  const orphans = findOrphans({
    lanesRoot: paths.lanesRoot,
    runs,
    known: new Map(plans.map(({ run, decisions }) => [run.id, new Set(decisions.map((d) => d.path))])),
    unfinishedLanes: plans.flatMap(({ run, decisions }) =>
      run.status === "running" || run.status === "interrupted"
        ? decisions
            .filter((d) => d.kind !== "gate" && d.action === "keep")
            .map((d) => ({ runId: run.id, path: d.path, label: label(d) }))
        : [],
    ),
    ...(opts.runId === undefined ? {} : { only: opts.runId }),
  });
  if (orphans.length > 0) lines.push("Not accounted for:", ...orphans);
  if (dryRun) {
    io.out(
      `${lines.length === 0 ? "Nothing to clean up." : lines.join("\n")}\n\nDry run: nothing was changed.\n`,
    );
    return ExitCode.ok;
  }
  const pruned = await git.worktreePrune(commonDir);
  if (lines.length === 0) lines.push("Nothing to clean up: no lane folders are left.");
  const summary = [
    `Removed ${removed} folder${removed === 1 ? "" : "s"}, kept ${kept}`,
    ...(gone > 0 ? [`${gone} already gone`] : []),
  ].join(", ");
  const deleted = branches.filter((b) => b.kind !== "kept").length;
  const archived = branches.filter((b) => b.kind === "archived").length;
  lines.push(
    "",
    deleted === 0
      ? `${summary}. Lane branches and refs/flotilla/ refs were not touched: every commit stays reachable.`
      : `${summary}. Removed ${deleted} lane branch${deleted === 1 ? "" : "es"} whose commits are safe${archived > 0 ? ` (${archived} kept under refs/flotilla/archive/)` : ""}; refs/flotilla/ refs stay: every commit stays reachable.`,
    pruned.ok ? "Ran git worktree prune." : `git worktree prune failed: ${pruned.error.message}`,
  );
  io.out(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}

// Removes one folder when the decision and the disk allow it; says why not otherwise.
async function apply(opts: {
  d: LaneDecision;
  commonDir: string;
  registered: ReadonlySet<string>;
  here: string;
  force: boolean;
}): Promise<Outcome> {
  const { d } = opts;
  if (d.action === "keep") return { decision: d, removed: false, why: d.why };
  const path = canonical(d.path);
  if (!opts.registered.has(path)) {
    return {
      decision: d,
      removed: false,
      why: "not a git worktree of this repository: left alone (remove it by hand if it is not needed)",
    };
  }
  if (opts.here === path || opts.here.startsWith(path + sep)) {
    return { decision: d, removed: false, why: `${d.why}, but you are in it: run cleanup from elsewhere` };
  }
  // The gate worktree holds nothing but a checkout of merged commits; a lane is removed gently first.
  const first = await git.worktreeRemove({ cwd: opts.commonDir, path, force: d.kind === "gate" });
  if (first.ok) return { decision: d, removed: true, why: d.why };
  if (opts.force) {
    const again = await git.worktreeRemove({ cwd: opts.commonDir, path, force: true });
    if (again.ok)
      return { decision: d, removed: true, why: `${d.why}; it had changes or was locked (--force)` };
    return { decision: d, removed: false, why: `git could not remove it: ${again.error.message}` };
  }
  return {
    decision: d,
    removed: false,
    why: `${d.why}, but git refused (uncommitted changes, untracked files or a lock): \`flotilla cleanup --force\` removes it anyway`,
  };
}

function laneBranchOf(runId: string, d: LaneDecision): string {
  return d.kind === "resolver"
    ? (d.branch ?? names.resolverBranch(runId, d.itemId ?? "_", d.attempt ?? 0))
    : names.laneBranch(runId, d.itemId ?? "_", d.attempt ?? 0);
}

function label(d: LaneDecision): string {
  if (d.kind === "gate") return "gate worktree";
  return `${d.itemId ?? "?"} #${d.attempt ?? 0}${d.kind === "resolver" ? " resolver" : ""}`;
}

// The same folder spelled the same way (git prints real paths; /tmp may be a symlink).
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

// The run's lanes folder, once its last lane went; anything still in it stays.
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty, or not there: both fine.
  }
}

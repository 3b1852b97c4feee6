// What `cleanup` does beyond lane folders: lane branches go only when their commits are safe (in
// the base or integration branch; with --force also when another ref keeps them, or after an
// archive ref is written for them), and lane folders nobody accounts for are listed.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as git from "../../adapters/git/index.js";
import type { RunRecord } from "../../core/state-types.js";
import { unreachable } from "../../util/result.js";

/** What happened (or, with --dry-run, would happen) to one lane branch. */
export type BranchOutcome =
  | { readonly kind: "deleted"; readonly branch: string; readonly why: string }
  | { readonly kind: "archived"; readonly branch: string; readonly archive: string }
  | { readonly kind: "kept"; readonly branch: string; readonly why: string };

/** Settles the lane branch of a lane cleanup removed. */
export async function settleLaneBranch(opts: {
  cwd: string;
  run: RunRecord;
  branch: string;
  /** Where its commits go if nothing else keeps them: `refs/flotilla/archive/<run>/...`. */
  archive: string;
  force: boolean;
  dryRun: boolean;
}): Promise<BranchOutcome | undefined> {
  const { cwd, branch } = opts;
  const tip = await git.revParse(cwd, `refs/heads/${branch}`);
  if (tip === undefined) return undefined;
  for (const into of [opts.run.base, opts.run.integrationBranch]) {
    const head = await git.revParse(cwd, `refs/heads/${into}`);
    if (head !== undefined && (await git.isAncestor({ cwd, ancestor: tip, descendant: head }))) {
      await remove(opts, tip);
      return { kind: "deleted", branch, why: `its commits are in ${into}` };
    }
  }
  // Not merged: it stays with its lane's refs unless --force (nothing to say about it).
  if (!opts.force) return undefined;
  const holders = await git.git({
    cwd,
    args: ["for-each-ref", "--format=%(refname)", "--contains", tip, "refs/flotilla/", "refs/heads/"],
  });
  const other = holders.ok
    ? holders.value.stdout.split("\n").find((r) => r !== "" && r !== `refs/heads/${branch}`)
    : undefined;
  if (other !== undefined) {
    await remove(opts, tip);
    return { kind: "deleted", branch, why: `its commits are kept by ${other} (--force)` };
  }
  if (!opts.dryRun) {
    const archived = await git.updateRef({ cwd, ref: opts.archive, newValue: tip });
    if (!archived.ok) return { kind: "kept", branch, why: `could not write ${opts.archive}` };
  }
  await remove(opts, tip);
  return { kind: "archived", branch, archive: opts.archive };
}

async function remove(opts: { cwd: string; branch: string; dryRun: boolean }, tip: string): Promise<void> {
  if (opts.dryRun) return;
  // Compare-and-swap: a branch that moved since we looked is left alone.
  await git.deleteRef({ cwd: opts.cwd, ref: `refs/heads/${opts.branch}`, oldValue: tip });
}

/** The line cleanup prints for a branch. */
export function branchLine(b: BranchOutcome, dryRun: boolean): string {
  const would = (s: string) => (dryRun ? `would be ${s}` : s);
  switch (b.kind) {
    case "deleted":
      return `  branch ${b.branch} ${would("deleted")}: ${b.why}`;
    case "archived":
      return `  branch ${b.branch} ${would("archived")} as ${b.archive}; get it back with: git branch ${b.branch} ${b.archive}`;
    case "kept":
      return `  branch ${b.branch} kept: ${b.why}`;
    default:
      return unreachable(b, "branch outcome");
  }
}

/**
 * Folders under the lanes root that no recorded run accounts for (a crash between making a lane
 * and recording it, or a state file started afresh), and lanes an unfinished run records but that
 * are gone from disk. Listed, never removed.
 */
export function findOrphans(opts: {
  lanesRoot: string;
  runs: readonly RunRecord[];
  /** Every lane folder the recorded runs know, by run. */
  known: ReadonlyMap<string, ReadonlySet<string>>;
  /** Recorded lanes of unfinished runs, to report the ones missing. */
  unfinishedLanes: readonly { readonly runId: string; readonly path: string; readonly label: string }[];
  /** Only this run's folder (cleanup RUN). */
  only?: string;
}): string[] {
  const lines: string[] = [];
  const runIds = new Set(opts.runs.map((r) => r.id));
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    } catch {
      return [];
    }
  };
  for (const runDir of list(opts.lanesRoot)) {
    if (opts.only !== undefined && runDir.name !== opts.only) continue;
    const path = join(opts.lanesRoot, runDir.name);
    if (!runIds.has(runDir.name)) {
      if (opts.only === undefined)
        lines.push(`  orphan   ${path}  (no recorded run ${runDir.name}: left alone)`);
      continue;
    }
    const known = opts.known.get(runDir.name) ?? new Set<string>();
    for (const lane of list(path)) {
      const p = join(path, lane.name);
      if (!known.has(p)) lines.push(`  orphan   ${p}  (not a lane run ${runDir.name} recorded: left alone)`);
    }
  }
  for (const l of opts.unfinishedLanes) {
    if (!existsSync(l.path))
      lines.push(
        `  missing  ${l.label} of ${l.runId}: its lane ${l.path} is gone (resume judges it from git)`,
      );
  }
  return lines;
}

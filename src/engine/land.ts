// Landing: the base branch moves to include the integration branch, only to a commit whose land
// gates passed, only by fast-forward or merge (never force); if the base moved under us, it is
// merged into the integration branch and gated again. The user's checkout is touched only when it
// has the base branch checked out and is clean, and then only by `git merge --ff-only`.
import * as git from "../adapters/git/index.js";
import { err, ok, type Result } from "../util/result.js";
import type { EngineContext } from "./context.js";
import { ensureGateWorktree } from "./gate-worktree.js";
import { withAcceptedChecks } from "./criteria-gates.js";
import { runGates } from "./gates.js";

/** Why landing stopped. Nothing was lost: the integration branch still holds every merge. */
export type LandFailure =
  | { readonly reason: "gates-failed"; readonly message: string; readonly details: string }
  | { readonly reason: "base-conflict"; readonly message: string; readonly files: readonly string[] }
  | { readonly reason: "checkout-dirty"; readonly message: string }
  | { readonly reason: "merge-refused"; readonly message: string }
  | { readonly reason: "base-missing"; readonly message: string };

/** What landing did. */
export type LandSuccess =
  { readonly kind: "landed"; readonly commit: string } | { readonly kind: "nothing-to-land" };

const MAX_ROUNDS = 5;

/** Lands the integration branch on the base branch per `plan.land` (not called for `land: none`). */
export async function landRun(ctx: EngineContext): Promise<Result<LandSuccess, LandFailure>> {
  const baseRef = `refs/heads/${ctx.base}`;
  const intRef = `refs/heads/${ctx.integrationBranch}`;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const baseTip = await git.revParse(ctx.repoDir, baseRef);
    let intTip = await git.revParse(ctx.repoDir, intRef);
    if (baseTip === undefined)
      return err({ reason: "base-missing", message: `the base branch ${ctx.base} no longer exists` });
    if (intTip === undefined) throw new Error(`the integration branch ${ctx.integrationBranch} disappeared`);
    if (
      intTip === baseTip ||
      (await git.isAncestor({ cwd: ctx.repoDir, ancestor: intTip, descendant: baseTip }))
    ) {
      // Landed already by this run (it was killed before recording it): the same answer again.
      const earlier = await git.revParse(ctx.repoDir, `refs/flotilla/land/${ctx.runId}`);
      if (
        earlier !== undefined &&
        (await git.isAncestor({ cwd: ctx.repoDir, ancestor: earlier, descendant: baseTip }))
      )
        return ok({ kind: "landed", commit: earlier });
      return ok({ kind: "nothing-to-land" });
    }
    if (!(await git.isAncestor({ cwd: ctx.repoDir, ancestor: baseTip, descendant: intTip }))) {
      // The base moved under us: bring it into the integration branch first (then gate again).
      const merged = await git.mergeTree({ cwd: ctx.repoDir, ours: intTip, theirs: baseTip });
      if (!merged.ok) throw new Error(merged.error.message);
      if (!merged.value.clean) {
        return err({
          reason: "base-conflict",
          message: `${ctx.base} moved during the run and conflicts with ${ctx.integrationBranch} in: ${merged.value.conflictedFiles.join(", ")}. Merge ${ctx.base} into ${ctx.integrationBranch} by hand, then land it.`,
          files: merged.value.conflictedFiles,
        });
      }
      const commit = await git.commitTree({
        cwd: ctx.repoDir,
        tree: merged.value.tree,
        parents: [intTip, baseTip],
        message: `flotilla: merge ${ctx.base} into ${ctx.integrationBranch}\n\nRun: ${ctx.runId}\n`,
      });
      const moved = await git.updateRef({
        cwd: ctx.repoDir,
        ref: intRef,
        newValue: commit,
        oldValue: intTip,
      });
      if (!moved.ok) continue;
      ctx.emit({
        type: "warning",
        message: `${ctx.base} moved during the run; merged it into ${ctx.integrationBranch} and gating again`,
      });
      intTip = commit;
    }
    const gates = withAcceptedChecks(ctx.plan.gates.land, ctx.acceptedChecks?.() ?? []);
    if (gates.commands.length > 0) {
      const dir = await ensureGateWorktree(ctx, intTip);
      const failure = await runGates({
        ctx,
        stage: "land",
        commands: gates.commands,
        cwd: dir,
        env: { ...ctx.baseEnv, FLOTILLA_RUN: ctx.runId, FLOTILLA_WORKTREE: dir, FLOTILLA_ROLE: "gate" },
        logDir: ctx.paths.runDir(ctx.runId),
      });
      if (failure !== undefined) {
        return err({
          reason: "gates-failed",
          message: `land gate failed: ${failure.summary}`,
          details: failure.outputTail,
        });
      }
    }
    const target =
      ctx.plan.land === "ff"
        ? intTip
        : await git.commitTree({
            cwd: ctx.repoDir,
            tree: await treeOf(ctx.repoDir, intTip),
            parents: [baseTip, intTip],
            message: `Merge branch '${ctx.integrationBranch}' (flotilla run ${ctx.runId})\n`,
          });
    // Keep the land commit reachable whatever happens next.
    await git.updateRef({ cwd: ctx.repoDir, ref: `refs/flotilla/land/${ctx.runId}`, newValue: target });
    const moved = await moveBase({ ctx, baseTip, target });
    if (!moved.ok) {
      if (moved.error.reason === "merge-refused" && (await git.revParse(ctx.repoDir, baseRef)) !== baseTip)
        continue;
      return moved;
    }
    return ok({ kind: "landed", commit: target });
  }
  return err({
    reason: "merge-refused",
    message: `${ctx.base} kept moving while landing; run again to land`,
  });
}

async function treeOf(cwd: string, commit: string): Promise<string> {
  const tree = await git.revParse(cwd, `${commit}^{tree}`);
  if (tree === undefined) throw new Error(`no tree for ${commit}`);
  return tree;
}

// Moves the base branch to `target`: in the worktree that has it checked out (only when clean, by
// ff-only so its files follow), or by compare-and-swap of the ref when no worktree has it.
async function moveBase(opts: {
  ctx: EngineContext;
  baseTip: string;
  target: string;
}): Promise<Result<true, LandFailure>> {
  const { ctx } = opts;
  const worktrees = await git.worktreeList(ctx.repoDir);
  const holder = worktrees.find((w) => w.branch === `refs/heads/${ctx.base}`);
  if (holder === undefined) {
    const moved = await git.updateRef({
      cwd: ctx.repoDir,
      ref: `refs/heads/${ctx.base}`,
      newValue: opts.target,
      oldValue: opts.baseTip,
    });
    return moved.ok ? ok(true) : err({ reason: "merge-refused", message: `${ctx.base} moved while landing` });
  }
  const tracked = (await git.statusPorcelain(holder.path)).filter((e) => e.code !== "??" && e.code !== "!!");
  if (tracked.length > 0) {
    return err({
      reason: "checkout-dirty",
      message:
        `${ctx.base} is checked out at ${holder.path} with uncommitted changes to tracked files ` +
        `(${tracked
          .slice(0, 5)
          .map((e) => e.path)
          .join(", ")}${tracked.length > 5 ? ", …" : ""}). ` +
        `Nothing was changed there. Commit or stash them, then land with: git -C ${holder.path} merge --ff-only refs/flotilla/land/${ctx.runId}`,
    });
  }
  const r = await git.git({ cwd: holder.path, args: ["merge", "--ff-only", "--quiet", opts.target] });
  if (!r.ok) {
    return err({
      reason: "merge-refused",
      message: `git merge --ff-only in ${holder.path} refused: ${r.error.stderr.trim()}. Nothing was lost; land with: git -C ${holder.path} merge --ff-only refs/flotilla/land/${ctx.runId}`,
    });
  }
  return ok(true);
}

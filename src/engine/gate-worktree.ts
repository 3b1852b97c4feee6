// The gate worktree: one detached worktree per run, reused for every post-merge and land gate,
// so gates see the merged result without touching the user's checkout or any lane.
import { existsSync } from "node:fs";
import * as git from "../adapters/git/index.js";
import type { EngineContext } from "./context.js";
import { setupLane } from "./lane-setup.js";

/** Puts the gate worktree at `commit` (creating and provisioning it the first time); returns its path. */
export async function ensureGateWorktree(ctx: EngineContext, commit: string): Promise<string> {
  const dir = ctx.paths.gateWorktree(ctx.runId);
  if (!existsSync(dir)) {
    const added = await ctx.worktreeMutex(() =>
      git.worktreeAddDetached({ cwd: ctx.repoDir, path: dir, commit, checkout: false }),
    );
    if (!added.ok) throw new Error(`could not create the gate worktree ${dir}: ${added.error.message}`);
    const populated = await git.git({ cwd: dir, args: ["reset", "--hard", "--quiet"] });
    if (!populated.ok)
      throw new Error(`could not check out the gate worktree ${dir}: ${populated.error.message}`);
    const setup = await setupLane({
      repoDir: ctx.repoDir,
      commonDir: ctx.commonDir,
      laneDir: dir,
      link: ctx.plan.setup.link,
      copy: ctx.plan.setup.copy,
      run: ctx.plan.setup.run,
      env: { ...ctx.baseEnv, FLOTILLA_RUN: ctx.runId, FLOTILLA_ROLE: "gate" },
      logDir: ctx.paths.runDir(ctx.runId),
      timeoutMs: ctx.plan.timeoutSeconds * 1000,
      signal: ctx.hardStop,
    });
    if (!setup.ok) throw new Error(`could not provision the gate worktree: ${setup.error.message}`);
    return dir;
  }
  // Our own worktree: force it to the commit, dropping whatever the last gate left (ignored files stay).
  const r = await git.git({ cwd: dir, args: ["checkout", "--quiet", "--force", "--detach", commit] });
  if (!r.ok) throw new Error(`could not move the gate worktree to ${commit}: ${r.error.message}`);
  await git.git({ cwd: dir, args: ["clean", "-fdq"] });
  return dir;
}

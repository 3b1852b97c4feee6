// Opening a lane for an agent session (an attempt, or a resolver): a worktree on a new branch at a
// commit, registered one at a time, checked out in parallel, then provisioned by the plan's setup.
import * as git from "../adapters/git/index.js";
import { err, ok, type Result } from "../util/result.js";
import type { EngineContext } from "./context.js";
import { setupLane, type SetupFailure } from "./lane-setup.js";

/** Creates the worktree `laneDir` on the new branch `branch` at `startCommit`; the message says what failed. */
export async function openLane(opts: {
  ctx: EngineContext;
  laneDir: string;
  branch: string;
  startCommit: string;
}): Promise<Result<void, string>> {
  const { ctx } = opts;
  // Registration one at a time (fast, --no-checkout); the files are checked out in parallel.
  const added = await ctx.worktreeMutex(() =>
    git.worktreeAdd({
      cwd: ctx.repoDir,
      path: opts.laneDir,
      branch: opts.branch,
      startPoint: opts.startCommit,
      checkout: false,
    }),
  );
  if (!added.ok) return err(`could not create the lane: ${added.error.message}`);
  const populated = await git.git({ cwd: opts.laneDir, args: ["reset", "--hard", "--quiet"] });
  if (!populated.ok) return err(`could not check out the lane: ${populated.error.message}`);
  return ok(undefined);
}

/** Provisions an opened lane with the plan's `setup` (link, copy, .worktreeinclude, run). */
export function provisionLane(opts: {
  ctx: EngineContext;
  laneDir: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): Promise<Result<string[], SetupFailure>> {
  const { ctx } = opts;
  return setupLane({
    repoDir: ctx.repoDir,
    commonDir: ctx.commonDir,
    laneDir: opts.laneDir,
    link: ctx.plan.setup.link,
    copy: ctx.plan.setup.copy,
    run: ctx.plan.setup.run,
    env: opts.env,
    logDir: opts.logDir,
    timeoutMs: ctx.plan.timeoutSeconds * 1000,
    signal: ctx.hardStop,
  });
}

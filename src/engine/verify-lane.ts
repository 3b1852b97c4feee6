// The pre-merge checks of an attempt's lane once its agent has left work: the plan's pre-merge
// gates, then each acceptance criterion's check. Shared by a fresh attempt and one re-attached
// after a crash.
import { join } from "node:path";
import type { Item } from "../plan/types.js";
import type { AttemptResult } from "./attempt.js";
import type { EngineContext } from "./context.js";
import type { LaneFacts } from "./git-facts.js";
import { runGates } from "./gates.js";

/** Why the lane's work was rejected, if it was. */
export interface LaneRejection {
  readonly reason: string;
  readonly details: string;
}

/** Runs the gates and acceptance checks in the lane; undefined when all passed. */
export async function verifyLane(opts: {
  ctx: EngineContext;
  item: Item;
  n: number;
  laneDir: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): Promise<LaneRejection | undefined> {
  const { ctx, item, n, laneDir, logDir } = opts;
  ctx.store.updateItem(ctx.runId, item.id, { status: "verifying" });
  ctx.emit({ type: "item-state", itemId: item.id, state: "verifying" });
  const gateEnv = { ...opts.env, FLOTILLA_ROLE: "gate" };
  const gate = await runGates({
    ctx,
    stage: "pre_merge",
    commands: ctx.plan.gates.preMerge,
    cwd: laneDir,
    env: gateEnv,
    logDir,
    itemId: item.id,
    attempt: n,
  });
  if (gate !== undefined) return { reason: gate.summary, details: gate.outputTail };
  for (const [i, criterion] of item.acceptance.entries()) {
    if (criterion.check === undefined) continue;
    const failed = await runGates({
      ctx,
      stage: "pre_merge",
      commands: [criterion.check],
      cwd: laneDir,
      env: gateEnv,
      logDir: join(logDir, `check-${i + 1}`),
      itemId: item.id,
      attempt: n,
    });
    if (failed !== undefined) {
      return {
        reason: `acceptance criterion not met: "${criterion.text}" (check \`${criterion.check}\` ${failed.timedOut ? "timed out" : `exited ${failed.exitCode ?? "by signal"}`})`,
        details: failed.outputTail,
      };
    }
  }
  return undefined;
}

/** The attempt's result once its lane has work: rejected by a check, or work for the merge queue. */
export async function judgeWork(opts: {
  ctx: EngineContext;
  item: Item;
  n: number;
  laneDir: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  facts: LaneFacts & { readonly head: string };
  notes: string | undefined;
}): Promise<AttemptResult> {
  const rejected = await verifyLane(opts);
  if (rejected !== undefined) return { kind: "failure", outcome: "rejected", ...rejected };
  return {
    kind: "work",
    head: opts.facts.head,
    commits: opts.facts.commits,
    filesChanged: opts.facts.filesChanged,
    ...(opts.notes === undefined ? {} : { notes: opts.notes }),
  };
}

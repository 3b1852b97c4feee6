// The pre-merge judgement of an attempt's lane once its agent has left work: the plan's pre-merge
// gates, then the review (each acceptance criterion's check, then the reviewer if the plan names
// one). Shared by a fresh attempt and one re-attached after a crash.
import type { AgentOutcome } from "../adapters/agents/index.js";
import type { Item } from "../plan/types.js";
import type { AttemptResult } from "./attempt.js";
import type { EngineContext } from "./context.js";
import type { LaneFacts } from "./git-facts.js";
import { runGates } from "./gates.js";
import { reviewAttempt } from "./review.js";

/** What the agent said of itself, as far as the judgement needs it (unknown after some crashes). */
export type AgentSaid = Pick<AgentOutcome, "report" | "costUsd" | "tokensIn" | "tokensOut">;

/** The attempt's result, and its cost with the reviewer's added when the reviewer spent any. */
export interface Judgement {
  readonly result: AttemptResult;
  readonly costUsd?: number;
}

/** The attempt's result once its lane has work: rejected by a gate or the review, or work to merge. */
export async function judgeWork(opts: {
  ctx: EngineContext;
  item: Item;
  n: number;
  laneDir: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  startCommit: string;
  facts: LaneFacts & { readonly head: string };
  said: AgentSaid | undefined;
}): Promise<Judgement> {
  const { ctx, item, n, laneDir, logDir, facts, said } = opts;
  ctx.store.updateItem(ctx.runId, item.id, { status: "verifying" });
  ctx.emit({ type: "item-state", itemId: item.id, state: "verifying" });
  const gate = await runGates({
    ctx,
    stage: "pre_merge",
    commands: ctx.plan.gates.preMerge,
    cwd: laneDir,
    env: { ...opts.env, FLOTILLA_ROLE: "gate" },
    logDir,
    itemId: item.id,
    attempt: n,
  });
  if (gate !== undefined) {
    return {
      result: { kind: "failure", outcome: "rejected", reason: gate.summary, details: gate.outputTail },
    };
  }
  const notes = said?.report.notes;
  const partial = said?.report.status === "PARTIAL" ? (notes ?? "") : undefined;
  const review = await reviewAttempt({
    ctx,
    item,
    n,
    laneDir,
    startCommit: opts.startCommit,
    head: facts.head,
    env: opts.env,
    logDir,
    ...(notes === undefined ? {} : { agentNotes: notes }),
    ...(partial === undefined ? {} : { partial }),
  });
  // The reviewer's cost is the attempt's: the report and the budget count it with the agent's.
  let costUsd: number | undefined;
  if (review.spent.costUsd > 0 || review.spent.tokensIn > 0 || review.spent.tokensOut > 0) {
    costUsd = (said?.costUsd ?? 0) + review.spent.costUsd;
    ctx.store.updateAttempt(ctx.runId, item.id, n, {
      costUsd,
      tokensIn: (said?.tokensIn ?? 0) + review.spent.tokensIn,
      tokensOut: (said?.tokensOut ?? 0) + review.spent.tokensOut,
    });
  }
  const cost = costUsd === undefined ? {} : { costUsd };
  if (review.decision.verdict === "FAIL") {
    const tails = review.decision.failed.map((f) => f.evidence).join("\n\n");
    return {
      result: {
        kind: "failure",
        outcome: "rejected",
        reason: review.decision.reason,
        ...(tails === "" ? {} : { details: tails }),
        criteria: review.decision.failed.map((f) => ({ criterion: f.criterion, evidence: f.evidence })),
      },
      ...cost,
    };
  }
  return {
    result: {
      kind: "work",
      head: facts.head,
      commits: facts.commits,
      filesChanged: facts.filesChanged,
      ...(notes === undefined ? {} : { notes }),
      ...(partial === undefined ? {} : { partial }),
    },
    ...cost,
  };
}

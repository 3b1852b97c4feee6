// The money and tokens a run spends, against the plan's budgets: the run's (`budget_usd`,
// `budget_tokens`) and each item's. Pure bookkeeping; the engine adds what agents report and asks.
import type { Item, Plan } from "../plan/types.js";

/** What one session spent. */
export interface Spend {
  readonly costUsd: number;
  readonly tokens: number;
}

/** The run's spending so far, and what its budgets allow. */
export interface Budget {
  /** Adds what a session of an item spent. */
  add(itemId: string, spend: Spend): void;
  readonly total: () => Spend;
  /** The run's budget is spent: no new attempt may start. */
  runReached(): boolean;
  /** The item's own budget is spent: no new attempt of it may start. */
  itemReached(item: Item): boolean;
  /** What is left of the item's dollar budget (for agents that take one), if it has one. */
  itemLeftUsd(item: Item): number | undefined;
}

/** A fresh budget for a run of the plan. */
export function createBudget(plan: Pick<Plan, "budgetUsd" | "budgetTokens">): Budget {
  let costUsd = 0;
  let tokens = 0;
  const perItem = new Map<string, { costUsd: number; tokens: number }>();
  const spentBy = (id: string) => perItem.get(id) ?? { costUsd: 0, tokens: 0 };
  return {
    add(itemId, spend) {
      costUsd += spend.costUsd;
      tokens += spend.tokens;
      const s = spentBy(itemId);
      perItem.set(itemId, { costUsd: s.costUsd + spend.costUsd, tokens: s.tokens + spend.tokens });
    },
    total: () => ({ costUsd, tokens }),
    runReached: () =>
      (plan.budgetUsd !== undefined && costUsd >= plan.budgetUsd) ||
      (plan.budgetTokens !== undefined && tokens >= plan.budgetTokens),
    itemReached(item) {
      const s = spentBy(item.id);
      return (
        (item.budgetUsd !== undefined && s.costUsd >= item.budgetUsd) ||
        (item.budgetTokens !== undefined && s.tokens >= item.budgetTokens)
      );
    },
    itemLeftUsd(item) {
      if (item.budgetUsd === undefined) return undefined;
      return Math.max(0, Math.round((item.budgetUsd - spentBy(item.id).costUsd) * 1e6) / 1e6);
    },
  };
}

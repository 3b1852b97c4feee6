// Budget bookkeeping: the run's dollars and tokens, each item's own, and what is left for an item.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createBudget } from "../../src/core/budget.js";
import type { Item } from "../../src/plan/types.js";

const item = (id: string, extra: Partial<Item> = {}): Item => ({
  id,
  title: id,
  description: "",
  acceptance: [],
  dependsOn: [],
  touches: [],
  priority: 2,
  agent: "shell",
  loc: { file: "plan.yaml", line: 1, column: 1 },
  ...extra,
});

test("the run's budget is reached by dollars or by tokens, whichever comes first", () => {
  const usd = createBudget({ budgetUsd: 1 });
  usd.add("a", { costUsd: 0.6, tokens: 10 });
  assert.equal(usd.runReached(), false);
  usd.add("b", { costUsd: 0.4, tokens: 10 });
  assert.equal(usd.runReached(), true);
  assert.deepEqual(usd.total(), { costUsd: 1, tokens: 20 });
  const tokens = createBudget({ budgetTokens: 100 });
  tokens.add("a", { costUsd: 0, tokens: 99 });
  assert.equal(tokens.runReached(), false);
  tokens.add("a", { costUsd: 0, tokens: 1 });
  assert.equal(tokens.runReached(), true);
  assert.equal(createBudget({}).runReached(), false);
});

test("an item's budget counts only its own sessions; what is left goes to the agent", () => {
  const b = createBudget({});
  const a = item("a", { budgetUsd: 2 });
  assert.equal(b.itemLeftUsd(a), 2);
  assert.equal(b.itemLeftUsd(item("free")), undefined);
  b.add("a", { costUsd: 0.75, tokens: 5 });
  b.add("other", { costUsd: 5, tokens: 5 });
  assert.equal(b.itemLeftUsd(a), 1.25);
  assert.equal(b.itemReached(a), false);
  b.add("a", { costUsd: 1.25, tokens: 5 });
  assert.equal(b.itemReached(a), true);
  assert.equal(b.itemLeftUsd(a), 0);
  assert.equal(b.itemReached(item("t", { budgetTokens: 10 })), false);
});

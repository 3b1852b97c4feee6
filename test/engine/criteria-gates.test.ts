// Accepted checks join the later gates once each, after the plan's own commands, and a newcomer that
// breaks one is sent back the first time and fails as a contradiction the second.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptedChecks, judgeBreak, withAcceptedChecks } from "../../src/engine/criteria-gates.js";
import type { Item } from "../../src/plan/types.js";

const item = (id: string, acceptance: Item["acceptance"]): Item => ({
  id,
  title: id,
  description: "",
  acceptance,
  dependsOn: [],
  touches: [],
  priority: 2,
  agent: "shell",
  loc: { file: "plan.yaml", line: 1, column: 1 },
});

test("checks of merged items follow the plan's gates, each command once, with their owner", () => {
  const checks = acceptedChecks([
    item("a", [{ text: "red", check: "test red" }, { text: "plain" }]),
    item("b", [
      { text: "also red", check: "test red" },
      { text: "npm", check: "npm test" },
    ]),
  ]);
  assert.deepEqual(checks, [
    { itemId: "a", criterion: "red", command: "test red" },
    { itemId: "b", criterion: "npm", command: "npm test" },
  ]);
  const gates = withAcceptedChecks(["npm test"], checks);
  assert.deepEqual(gates.commands, ["npm test", "test red"]);
  assert.deepEqual(gates.owner("test red"), checks[0]);
  // A plan gate that is also a check is the plan's: its failure is an ordinary gate failure.
  assert.equal(gates.owner("npm test"), undefined);
});

test("the first break sends the newcomer back naming the item; the same break again is a contradiction", () => {
  const broke = { itemId: "a", criterion: "color is red", command: "test red" };
  const first = judgeBreak([], broke);
  assert.equal(first.kind, "retry");
  assert.match(first.reason, /item a's accepted criterion "color is red"/);
  const told = [
    {
      attempt: 1,
      outcome: "rejected",
      reason: first.reason,
      broke: { itemId: "a", criterion: "color is red" },
    },
  ];
  assert.deepEqual(judgeBreak(told, broke), { kind: "contradiction", reason: "contradicts a: color is red" });
  assert.equal(judgeBreak(told, { ...broke, criterion: "other" }).kind, "retry");
});

// Criteria that must stay true after later merges (a contradiction fails instead of looping), PARTIAL
// work that adds a follow-up item, and the run's budget that stops dispatching — shell agents.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

describe("criteria gates, follow-ups and budgets", () => {
  test("two items set the same value differently: the second is sent back once, then fails as a contradiction", async () => {
    const repo = engineRepo();
    try {
      const red = "The colour is red";
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: contra
agent: shell
retries: 3
merge:
  batch: 1
items:
  - id: red
    title: Make it red
    acceptance:
      - text: ${red}
        check: test "$(cat colour.txt override.txt 2>/dev/null | tail -n 1)" = red
    run: echo red > colour.txt && git add -A && git commit -qm red
  - id: blue
    title: Make it blue
    depends_on: [red]
    acceptance:
      - text: The colour is blue
        check: test "$(cat colour.txt override.txt 2>/dev/null | tail -n 1)" = blue
    run: echo blue > override.txt && git add -A && git commit -qm blue
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "partial");
      const report = run.report();
      const blue = itemOf(report, "blue");
      assert.equal(blue.status, "failed");
      assert.equal(blue.last_reason, `contradicts red: ${red}`);
      assert.equal(blue.attempts.length, 2, "sent back once, then failed");
      assert.match(blue.attempts[0]!.reason ?? "", /broke item red's accepted criterion "The colour is red"/);
      assert.deepEqual(report.contradictions, [{ item: "blue", attempt: 2, other: "red", criterion: red }]);
      const prompt2 = readFileSync(
        join(repoPaths(repo).attemptDir(report.run.id, "blue", 2), "prompt.md"),
        "utf8",
      );
      assert.match(prompt2, /broke item red's accepted criterion/);
      // The first item stays landed and true on the landed commit.
      assert.equal(itemOf(report, "red").status, "landed");
      assert.deepEqual(repo.git("ls-tree", "--name-only", "main").split("\n").sort(), [
        "README.md",
        "colour.txt",
      ]);
      assert.ok(report.gates.some((g) => g.stage === "land" && g.passed && g.command.includes("= red")));
    } finally {
      repo.cleanup();
    }
  });

  test("PARTIAL: the work merges, a follow-up item with what remains runs after it and lands", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: part
agent: shell
items:
  - id: pages
    title: Write the pages
    touches: ["pages/**"]
    run: |
      mkdir -p pages
      if [ "$FLOTILLA_ITEM" = pages ]; then
        echo one > pages/1.txt && git add -A && git commit -qm "page 1"
        printf 'Did page 1.\\nNOTES: page 2 is left\\nSTATUS: PARTIAL\\n'
      else
        grep -q "page 2 is left" "$FLOTILLA_PROMPT_FILE" || exit 9
        echo two > pages/2.txt && git add -A && git commit -qm "page 2"
        echo "STATUS: COMPLETE"
      fi
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "landed");
      const report = run.report();
      const rest = itemOf(report, "pages-rest-1");
      assert.equal(rest.status, "landed");
      assert.equal(rest.title, "Write the pages (the rest)");
      assert.deepEqual(report.follow_ups, [
        {
          item: "pages-rest-1",
          parent: "pages",
          title: "Write the pages (the rest)",
          remaining: "page 2 is left",
          status: "landed",
        },
      ]);
      assert.equal(repo.git("show", "main:pages/2.txt"), "two");
      const added = run.events.find((e) => e.type === "item-added");
      assert.ok(added !== undefined);
      // The follow-up's prompt relays what its parent did.
      const prompt = readFileSync(
        join(repoPaths(repo).attemptDir(report.run.id, "pages-rest-1", 1), "prompt.md"),
        "utf8",
      );
      assert.match(
        prompt,
        /## Prior results[\s\S]*### pages: Write the pages\n- Files changed: pages\/1\.txt/,
      );
    } finally {
      repo.cleanup();
    }
  });

  test("with follow-ups off, PARTIAL work merges and nothing is added", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        options: { followUps: false },
        plan: `
version: 1
name: part-off
agent: shell
items:
  - id: pages
    title: Write the pages
    run: |
      echo one > 1.txt && git add -A && git commit -qm one && printf 'NOTES: more\\nSTATUS: PARTIAL\\n'
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "landed");
      assert.deepEqual(run.report().follow_ups, []);
      assert.deepEqual(
        run.report().items.map((i) => i.id),
        ["pages"],
      );
    } finally {
      repo.cleanup();
    }
  });

  test("a run whose third attempt would pass its budget stops dispatching and says so", async () => {
    const repo = engineRepo();
    try {
      // Each agent reports $0.50 in claude's JSON result; the budget is $1.
      const result = JSON.stringify({
        type: "result",
        subtype: "success",
        is_error: false,
        result: "done",
        total_cost_usd: 0.5,
        usage: { input_tokens: 100, output_tokens: 20 },
        num_turns: 1,
        session_id: "s",
      });
      const items = ["a", "b", "c", "d"]
        .map((id) => `  - id: ${id}\n    title: Item ${id}\n    priority: 1\n`)
        .join("");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: budget
agent: paid
max_parallel: 1
budget_usd: 1
agents:
  paid:
    command: ["sh", "-c", "echo \\"$FLOTILLA_ITEM\\" > \\"$FLOTILLA_ITEM.txt\\" && git add -A && git commit -qm \\"$FLOTILLA_ITEM\\" && echo '${result.replace(/"/g, '\\"')}'"]
    output: claude-json
items:
${items}`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(
        report.run.status,
        "partial",
        JSON.stringify(
          report.items.map((i) => [i.id, i.status, i.last_reason, i.attempts.map((a) => a.reason)]),
        ),
      );
      const started = report.items.filter((i) => i.attempts.length > 0);
      assert.equal(started.length, 2, "two attempts spent the budget; the third never started");
      const cancelled = report.items.filter((i) => i.status === "cancelled");
      assert.equal(cancelled.length, 2);
      for (const i of cancelled) assert.equal(i.last_reason, "the budget was reached");
      assert.equal(report.budget.reached, true);
      assert.equal(report.budget.budget_usd, 1);
      assert.equal(report.budget.spent_usd, 1);
      const reached = run.events.flatMap((e) => (e.type === "budget-reached" ? [e] : []));
      assert.equal(reached.length, 1);
      assert.equal(reached[0]!.hard, false);
    } finally {
      repo.cleanup();
    }
  });
  test("with a hard budget, the running agent is stopped once the budget is spent; the rest lands", async () => {
    const repo = engineRepo();
    try {
      const result = JSON.stringify({ type: "result", is_error: false, result: "done", total_cost_usd: 1 });
      const run = await runInRepo({
        repo,
        options: { hardBudget: true },
        plan: `
version: 1
name: hard
max_parallel: 2
budget_usd: 1
agents:
  paid:
    command: ["sh", "-c", "echo a > a.txt && git add -A && git commit -qm a && echo '${result.replace(/"/g, '\\"')}'"]
    output: claude-json
items:
  - id: quick
    title: Quick and paid
    agent: paid
  - id: slow
    title: Slow
    agent: shell
    run: sleep 120; echo s > s.txt && git add -A && git commit -qm s
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "partial");
      assert.equal(itemOf(report, "quick").status, "landed");
      const slow = itemOf(report, "slow");
      assert.equal(slow.status, "cancelled");
      assert.equal(slow.attempts[0]!.outcome, "cancelled");
      assert.deepEqual([report.budget.reached, report.budget.hard], [true, true]);
    } finally {
      repo.cleanup();
    }
  });
});

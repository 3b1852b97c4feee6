// Acceptance owned by the orchestrator, with shell agents and a scripted reviewer (a `command`
// profile): checks fail a review without the reviewer, verdicts come back as feedback quoting the
// criterion, unreadable answers are asked once more, spec defects are override-accepted, retries
// run out with the lanes kept, contradictions stop the loop, PARTIAL adds a follow-up, and the
// budget stops dispatching.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunOutcome } from "../../src/engine/run.js";
import type { Gitdir } from "../support/gitdir.js";
import { engineRepo, itemOf, repoPaths, runInRepo, type RunResult } from "./harness.js";

/** A folder outside the repository for reviewer scripts and their counters. */
function tools(): { dir: string; script: (name: string, body: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-review-tools-"));
  return {
    dir,
    script: (name, body) => {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
      return file;
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A reviewer that answers the n-th time it is asked with answers[n-1] (the last one after that). */
function scriptedReviewer(t: ReturnType<typeof tools>, answers: readonly string[]): string {
  const files = answers.map((a, i) => {
    const f = join(t.dir, `answer-${i + 1}.txt`);
    writeFileSync(f, a);
    return f;
  });
  return t.script(
    "judge.sh",
    [
      `n=$(( $(cat "${t.dir}/asked" 2>/dev/null || echo 0) + 1 ))`,
      `echo "$n" > "${t.dir}/asked"`,
      `cp "$FLOTILLA_PROMPT_FILE" "${t.dir}/review-prompt-$n.md"`,
      `echo "$FLOTILLA_ROLE" > "${t.dir}/role"`,
      `f="${t.dir}/answer-$n.txt"; [ -f "$f" ] || f="${files.at(-1)!}"`,
      `cat "$f"`,
    ].join("\n"),
  );
}

function reviewerPlan(judge: string, body: string): string {
  return `
version: 1
name: review
agent: shell
review:
  reviewer: judge
agents:
  judge:
    command: ["sh", "${judge}"]
    output: text
${body}`;
}

const json = (v: unknown) => ["Looked at it.", "```json", JSON.stringify(v), "```"].join("\n");

/** Runs a reviewed plan (`body`: retries and items) with a scripted reviewer, then `check`; cleans up. */
async function reviewed(
  answers: readonly string[],
  body: string,
  check: (r: { run: RunResult; outcome: RunOutcome; repo: Gitdir; t: ReturnType<typeof tools> }) => void,
): Promise<void> {
  const repo = engineRepo();
  const t = tools();
  try {
    const run = await runInRepo({ repo, plan: reviewerPlan(scriptedReviewer(t, answers), body) });
    assert.ok(run.result.ok, JSON.stringify(run.result));
    check({ run, outcome: run.result.value, repo, t });
  } finally {
    t.cleanup();
    repo.cleanup();
  }
}

describe("review, retries and budgets with shell agents", () => {
  test("a failing check fails the review without asking the reviewer; the evidence is stored", async () => {
    await reviewed(
      ["Final verdict: PASS"],
      `retries: 0
items:
  - id: greet
    title: Greet
    acceptance:
      - text: greeting.txt says hello
        check: grep -q hello greeting.txt || { echo "greeting.txt has no hello"; exit 4; }
    run: echo bye > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, t }) => {
        assert.equal(existsSync(join(t.dir, "asked")), false, "the reviewer was not asked");
        const item = itemOf(run.report(), "greet");
        assert.equal(item.status, "failed");
        const review = item.attempts[0]!.review!;
        assert.equal(review.verdict, "FAIL");
        assert.equal(review.reviewer, null);
        assert.equal(review.checks.length, 1);
        assert.equal(review.checks[0]!.exit_code, 4);
        assert.equal(review.checks[0]!.passed, false);
        assert.match(review.checks[0]!.output_tail, /greeting\.txt has no hello/);
        assert.deepEqual(
          review.criteria.map((c) => [c.criterion, c.status]),
          [["greeting.txt says hello", "unmet"]],
        );
        assert.match(item.last_reason ?? "", /"greeting\.txt says hello" \(check .* exited 4\)/);
      },
    );
  });

  test("reviewer FAIL then PASS: the retry's prompt quotes the criterion verbatim with the evidence", async () => {
    const criterion = "The greeting is *polite*: it says `please`";
    await reviewed(
      [
        json({
          verdict: "FAIL",
          criteria: [{ criterion, status: "unmet", evidence: "greeting.txt:1 says hi" }],
        }),
        json({ verdict: "PASS", criteria: [{ criterion, status: "met", evidence: "greeting.txt:1" }] }),
      ],
      `items:
  - id: greet
    title: Greet
    acceptance:
      - "${criterion.replace(/"/g, '\\"')}"
    run: echo "hi $FLOTILLA_ATTEMPT" > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, outcome, repo, t }) => {
        assert.equal(outcome.status, "landed");
        const item = itemOf(run.report(), "greet");
        assert.deepEqual(
          item.attempts.map((a) => [a.outcome, a.review?.verdict]),
          [
            ["rejected", "FAIL"],
            ["accepted", "PASS"],
          ],
        );
        assert.equal(item.attempts[1]!.review!.reviewer, "judge");
        assert.equal(readFileSync(join(t.dir, "role"), "utf8").trim(), "reviewer");
        const reviewPrompt = readFileSync(join(t.dir, "review-prompt-1.md"), "utf8");
        assert.ok(reviewPrompt.includes(`1. ${criterion}`), reviewPrompt);
        assert.ok(reviewPrompt.includes("+hi 1"), "the reviewer sees the diff");
        const prompt2 = readFileSync(
          join(repoPaths(repo).attemptDir(run.report().run.id, "greet", 2), "prompt.md"),
          "utf8",
        );
        const feedback = prompt2.slice(prompt2.indexOf("## Previous attempt feedback"));
        assert.ok(feedback.includes(`> ${criterion}\n`), feedback);
        assert.ok(feedback.includes("greeting.txt:1 says hi"), feedback);
        assert.ok(feedback.includes("Required:"), feedback);
      },
    );
  });

  test("an unreadable answer is asked for once more; two of them fail with no verdict", async () => {
    await reviewed(
      ["Looks fine to me.", "Still fine, honestly."],
      `retries: 0
items:
  - id: greet
    title: Greet
    acceptance: ["greeting.txt exists"]
    run: echo hi > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, t }) => {
        const item = itemOf(run.report(), "greet");
        assert.equal(item.status, "failed");
        assert.equal(item.last_reason, "the reviewer gave no verdict");
        assert.equal(item.attempts[0]!.review!.reviewer_asks, 2);
        const second = readFileSync(join(t.dir, "review-prompt-2.md"), "utf8");
        assert.match(second, /## Your previous answer could not be read\n\nIt was: Looks fine to me\./);
      },
    );
  });

  test("an unreadable answer then a verdict: the second answer counts", async () => {
    await reviewed(
      ["hmm", "Final verdict: PASS"],
      `items:
  - id: greet
    title: Greet
    run: echo hi > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, outcome }) => {
        assert.equal(outcome.status, "landed");
        const review = itemOf(run.report(), "greet").attempts[0]!.review!;
        assert.equal(review.verdict, "PASS");
        assert.equal(review.reviewer_asks, 2);
      },
    );
  });

  test("a criterion naming a missing file, judged spec_defect with evidence, is override-accepted and reported", async () => {
    const defect = "docs/api-v3.md documents the endpoint";
    await reviewed(
      [
        json({
          verdict: "FAIL",
          criteria: [
            { criterion: "greeting.txt exists", status: "met", evidence: "greeting.txt:1" },
            {
              criterion: defect,
              status: "spec_defect",
              evidence: "docs/api-v3.md does not exist and no item creates it",
            },
          ],
        }),
      ],
      `items:
  - id: greet
    title: Greet
    acceptance: ["greeting.txt exists", "${defect}"]
    run: echo hi > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, outcome }) => {
        assert.equal(outcome.status, "landed");
        const report = run.report();
        assert.equal(itemOf(report, "greet").attempts.length, 1, "no retry was burnt");
        assert.deepEqual(report.spec_defects, [
          {
            item: "greet",
            attempt: 1,
            criterion: defect,
            evidence: "docs/api-v3.md does not exist and no item creates it",
          },
        ]);
      },
    );
  });

  test("retries exhausted: failed with the last reason, every lane kept", async () => {
    await reviewed(
      [
        json({
          verdict: "FAIL",
          criteria: [{ criterion: "polite", status: "unmet", evidence: "first look" }],
        }),
        json({
          verdict: "FAIL",
          criteria: [{ criterion: "polite", status: "unmet", evidence: "second look" }],
        }),
      ],
      `retries: 1
items:
  - id: greet
    title: Greet
    acceptance: ["polite"]
    run: echo "hi $FLOTILLA_ATTEMPT" > greeting.txt && git add -A && git commit -qm greet
`,
      ({ run, outcome }) => {
        assert.equal(outcome.exitCode, 1);
        const item = itemOf(run.report(), "greet");
        assert.equal(item.status, "failed");
        assert.equal(item.attempts.length, 2);
        assert.equal(item.last_reason, 'the reviewer found unmet criteria: "polite"');
        assert.equal(item.attempts[1]!.review!.criteria[0]!.evidence, "second look");
        for (const a of item.attempts) assert.ok(existsSync(a.lane), `lane ${a.lane} is kept`);
      },
    );
  });
  test("STATUS: BLOCKED with a reason fails the attempt; the retry's feedback holds the reason", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: blocked
agent: shell
retries: 1
items:
  - id: pay
    title: Pay
    run: |
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then echo x > x.txt && git add -A && git commit -qm x && echo "STATUS: BLOCKED the sandbox key is missing"; exit 0; fi
      grep -q "the sandbox key is missing" "$FLOTILLA_PROMPT_FILE" && echo y > y.txt && git add -A && git commit -qm y
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "landed");
      const pay = itemOf(run.report(), "pay");
      assert.deepEqual(
        pay.attempts.map((a) => [a.outcome, a.reason]),
        [
          ["blocked", "the agent said it is blocked: the sandbox key is missing"],
          ["accepted", null],
        ],
      );
    } finally {
      repo.cleanup();
    }
  });
});

// The reviewer's prompt: criteria verbatim and numbered, check evidence, the diff fenced so it
// cannot close the fence, the answer format, and the second ask quoting the unreadable answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReviewPrompt } from "../../src/core/review-prompt.js";
import type { Item } from "../../src/plan/types.js";

const item: Item = {
  id: "greet",
  title: "Greet",
  description: "Write hello.\n",
  acceptance: [
    { text: "a.txt says `hello`", check: "grep -q hello a.txt" },
    { text: "Nothing else changes" },
  ],
  dependsOn: [],
  touches: [],
  priority: 2,
  agent: "claude",
  loc: { file: "plan.yaml", line: 1, column: 1 },
};

test("the reviewer's prompt holds the criteria verbatim, the evidence, the diff and the format", () => {
  const diff = "+hello\n+```\n";
  const p = buildReviewPrompt({
    item,
    attempt: 2,
    laneDir: "/lanes/greet.2",
    diff,
    checks: [
      {
        criterion: item.acceptance[0]!.text,
        command: "grep -q hello a.txt",
        passed: true,
        exitCode: 0,
        timedOut: false,
        durationMs: 7,
        outputTail: "",
      },
    ],
  });
  assert.match(p, /^Item: greet$/m);
  assert.match(p, /^Role: reviewer$/m);
  assert.ok(p.includes("1. a.txt says `hello`\n2. Nothing else changes"), p);
  assert.ok(p.includes('- `grep -q hello a.txt` for "a.txt says `hello`": exit 0 in 7 ms'), p);
  assert.ok(p.includes("````diff\n+hello\n+```\n````"), p);
  assert.ok(p.includes('{"verdict":"PASS","criteria":[{"criterion":"…","status":"met"'), p);
  assert.ok(p.includes("Final verdict: PASS"), p);
  assert.equal(p.includes("could not be read"), false);
  const again = buildReviewPrompt({
    item,
    attempt: 2,
    laneDir: "/l",
    diff,
    checks: [],
    unreadable: "Looks fine",
  });
  assert.match(again, /## Your previous answer could not be read\n\nIt was: Looks fine/);
  assert.equal(p.includes("## The agent did part of the task"), false);
  const partial = buildReviewPrompt({
    item,
    attempt: 1,
    laneDir: "/l",
    diff,
    checks: [],
    partial: "- page 2",
  });
  assert.match(partial, /## The agent did part of the task\n\nIt ended with STATUS: PARTIAL.*\n\n- page 2\n/);
});

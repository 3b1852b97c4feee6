// The retry's prompt: `## Previous attempt feedback` quotes every failed criterion verbatim with what
// was found and what is required, for every earlier attempt; `## Prior results` relays merged work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt } from "../../src/core/prompt.js";
import type { Item } from "../../src/plan/types.js";

const item: Item = {
  id: "greet",
  title: "Greet",
  description: "",
  acceptance: [{ text: "a.txt says hello\nin lower case" }],
  dependsOn: [],
  touches: [],
  priority: 2,
  agent: "claude",
  loc: { file: "plan.yaml", line: 1, column: 1 },
};

const base = { runId: "r-1", item, branch: "b", laneDir: "/l", gates: [] };

test("every earlier failed attempt's criteria are quoted verbatim with evidence and what is required", () => {
  const p = buildPrompt({
    ...base,
    attempt: 3,
    relay: [],
    feedback: [
      {
        attempt: 1,
        outcome: "rejected",
        reason: "the reviewer found unmet criteria",
        details: "not shown: the criteria say it",
        criteria: [{ criterion: "a.txt says hello\nin lower case", evidence: "a.txt:1 says HELLO" }],
      },
      { attempt: 2, outcome: "failed", reason: "the agent exited with code 1", details: "boom" },
    ],
  });
  const section = p.slice(p.indexOf("## Previous attempt feedback"));
  assert.ok(
    section.includes(
      "### Attempt 1: rejected\n\nthe reviewer found unmet criteria\n\nCriterion not met (quoted verbatim from the plan):\n\n> a.txt says hello\n> in lower case\n\nWhat was found:\n\n```\na.txt:1 says HELLO\n```\n\nRequired: change the work so this criterion holds as written.",
    ),
    section,
  );
  assert.equal(section.includes("not shown"), false);
  assert.ok(
    section.includes("### Attempt 2: failed\n\nthe agent exited with code 1\n\n```\nboom\n```"),
    section,
  );
});

test("prior results list dependencies and recent merges, each with status, files, commits and notes", () => {
  const p = buildPrompt({
    ...base,
    attempt: 1,
    feedback: [],
    relay: [
      {
        itemId: "dep",
        title: "Dep",
        filesChanged: ["d.txt"],
        commits: [{ sha: "1".repeat(40), subject: "add d" }],
        notes: "d is ready",
        dependency: true,
      },
      { itemId: "other", title: "Other", filesChanged: ["o.txt"], commits: [], dependency: false },
    ],
  });
  assert.ok(
    p.includes(
      "## Prior results\n\nWhat earlier items did (already merged into your starting point):\n\n### dep: Dep\n- Files changed: d.txt\n- Commit 1111111111: add d\n- Status: merged\n- Notes: d is ready\n\n### other: Other\n- Files changed: o.txt\n- Status: merged (recently; not a dependency of this item)",
    ),
    p,
  );
});

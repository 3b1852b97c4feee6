// The resolver's prompt: the item's task, what conflicts, both sides' diffs fenced, the rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildResolverPrompt } from "../../src/core/resolver-prompt.js";
import type { Item } from "../../src/plan/types.js";

const item: Item = {
  id: "login",
  title: "Add POST /login",
  description: "Return 401 on a wrong password.\n",
  acceptance: [],
  dependsOn: [],
  touches: [],
  priority: 2,
  agent: "claude",
  loc: { file: "plan.yaml", line: 1, column: 1 },
};

test("the resolver's prompt, whole", () => {
  const prompt = buildResolverPrompt({
    item,
    attempt: 2,
    branch: "flotilla-resolve/r-1/login/2",
    laneDir: "/lanes/r-1/login.2.resolver",
    files: ["src/server.ts"],
    conflict: "src/server.ts conflicted with the integration branch (medium): both sides changed line 3",
    oursDiff: "-a\n+b\n",
    theirsDiff: "-a\n+```c\n",
    gates: ["npm test"],
  });
  assert.equal(
    prompt,
    [
      "# Resolve the merge conflicts of: Add POST /login",
      "",
      "Item: login",
      "Attempt: 2",
      "Role: resolver",
      "",
      "This item's work was finished and accepted, but other work merged into the integration branch",
      "in the meantime changed the same lines. This directory holds the merge of both, with conflict",
      "markers in one file. Resolve them so that both changes hold.",
      "",
      "## The item's task",
      "",
      "Return 401 on a wrong password.",
      "",
      "## What conflicts",
      "",
      "- `src/server.ts`",
      "",
      "src/server.ts conflicted with the integration branch (medium): both sides changed line 3",
      "",
      "## The integration branch's changes to these files (ours)",
      "",
      "```diff",
      "-a",
      "+b",
      "```",
      "",
      "## This item's changes to these files (theirs)",
      "",
      "````diff",
      "-a",
      "+```c",
      "````",
      "",
      "## How the result is judged",
      "",
      "After you finish, the merged result must pass these commands:",
      "- `npm test`",
      "",
      "## Rules",
      "",
      "- Work only in this directory: /lanes/r-1/login.2.resolver",
      "- You are on branch `flotilla-resolve/r-1/login/2`. Edit the conflicted files so each keeps the intent of both sides.",
      "- Leave no conflict markers: no line may start with `<<<<<<<`, `=======` or `>>>>>>>` from the merge.",
      "- Commit the result on this branch (git add, git commit). Do not switch branches, merge, rebase or push.",
      "- Change other files only where the merge needs it to work.",
      "- End your last message with a line `STATUS: COMPLETE`, or `STATUS: BLOCKED` followed by why both",
      "  changes cannot hold together.",
      "",
    ].join("\n"),
  );
});

test("no description, two files, an empty side", () => {
  const prompt = buildResolverPrompt({
    item: { ...item, description: "" },
    attempt: 1,
    branch: "b",
    laneDir: "/l",
    files: ["a", "b"],
    conflict: "…",
    oursDiff: "",
    theirsDiff: "+x\n",
    gates: [],
  });
  assert.doesNotMatch(prompt, /## The item's task/);
  assert.doesNotMatch(prompt, /## How the result is judged/);
  assert.match(prompt, /markers in 2 files\./);
  assert.match(prompt, /\(ours\)\n\n\(no changes\)\n/);
});

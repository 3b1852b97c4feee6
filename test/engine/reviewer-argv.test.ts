// The reviewer runs read-only whatever its profile says (claude: plan mode, read tools only), and an
// item's dollar budget reaches claude as --max-budget-usd, before the `--` and the prompt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { claudeArgv } from "../../src/adapters/agents/claude.js";
import { readOnly, READ_ONLY_TOOLS } from "../../src/engine/review.js";
import type { AgentProfile } from "../../src/plan/types.js";

test("a claude reviewer gets plan mode and read-only tools even when its profile allows edits", () => {
  const profile: AgentProfile = {
    name: "judge",
    use: "claude",
    output: "claude-json",
    permissionMode: "acceptEdits",
    allowedTools: ["Edit", "Write", "Bash(git:*)"],
    model: "haiku",
  };
  const argv = claudeArgv({ profile: readOnly(profile), prompt: "Role: reviewer" });
  assert.equal(argv[argv.indexOf("--permission-mode") + 1], "plan");
  const tools = argv.slice(argv.indexOf("--allowedTools") + 1, argv.indexOf("--model"));
  assert.deepEqual(tools, READ_ONLY_TOOLS);
  assert.equal(
    tools.some((x) => /^(Edit|Write)|Bash\(git:\*\)/.test(x)),
    false,
  );
  // A command profile is left as it is: flotilla cannot know its flags.
  const mine: AgentProfile = { name: "mine", command: ["judge.sh"], output: "text" };
  assert.equal(readOnly(mine), mine);
});

test("an item's budget is passed as --max-budget-usd", () => {
  const argv = claudeArgv({
    profile: { name: "claude", use: "claude", output: "claude-json" },
    prompt: "p",
    maxBudgetUsd: 1.25,
  });
  assert.deepEqual(argv.slice(-4), ["--max-budget-usd", "1.25", "--", "p"]);
  assert.equal(
    claudeArgv({ profile: { name: "c", use: "claude", output: "claude-json" }, prompt: "p" }).includes(
      "--max-budget-usd",
    ),
    false,
  );
});

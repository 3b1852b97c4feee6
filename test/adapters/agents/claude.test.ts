import { test } from "node:test";
import assert from "node:assert/strict";
import type { AgentProfile } from "../../../src/plan/types.js";
import { claudeArgv, defaultAllowedTools, parseClaudeResult } from "../../../src/adapters/agents/claude.js";
import { MAX_INLINE_PROMPT_BYTES } from "../../../src/adapters/agents/prompt-arg.js";

const claude: AgentProfile = { name: "claude", use: "claude", output: "claude-json" };

const NASTY = [
  `it's "quoted"`,
  "$(rm -rf /) and `touch pwned`",
  "line one\nline two\n\ttabbed",
  "--help",
  "-p",
  "; echo hi && exit 1 | cat > /tmp/x",
  "Item: a-b\n{prompt} $HOME *",
];

test("claudeArgv: defaults, then `--`, then the prompt as the last single element", () => {
  const argv = claudeArgv({
    profile: claude,
    prompt: "Item: x\ndo it",
    allowedTools: ["Bash(git:*)", "Bash(npm test:*)"],
  });
  assert.deepEqual(argv, [
    "claude",
    "-p",
    "--output-format",
    "json",
    "--permission-mode",
    "acceptEdits",
    "--allowedTools",
    "Bash(git:*)",
    "Bash(npm test:*)",
    "--",
    "Item: x\ndo it",
  ]);
});

test("claudeArgv: any prompt text reaches argv intact, as one element after --", () => {
  for (const prompt of NASTY) {
    const argv = claudeArgv({ profile: claude, prompt });
    assert.equal(argv[argv.length - 1], prompt);
    assert.equal(argv.indexOf("--"), argv.length - 2);
  }
});

test("claudeArgv: the profile's permission mode, tools and model override the defaults", () => {
  const argv = claudeArgv({
    profile: { ...claude, permissionMode: "bypassPermissions", allowedTools: ["Edit"], model: "haiku" },
    prompt: "p",
    allowedTools: ["Bash(git:*)"],
    permissionMode: "acceptEdits",
    model: "opus",
    bin: "/opt/claude",
  });
  assert.deepEqual(argv, [
    "/opt/claude",
    "-p",
    "--output-format",
    "json",
    "--permission-mode",
    "bypassPermissions",
    "--allowedTools",
    "Edit",
    "--model",
    "haiku",
    "--",
    "p",
  ]);
});

test("claudeArgv: an empty allow-list leaves --allowedTools out; with no list at all git is allowed", () => {
  const none = claudeArgv({ profile: { ...claude, allowedTools: [] }, prompt: "p" });
  assert.equal(none.includes("--allowedTools"), false);
  const dflt = claudeArgv({ profile: claude, prompt: "p" });
  assert.deepEqual(dflt.slice(6, 8), ["--allowedTools", "Bash(git:*)"]);
});

test("claudeArgv: a prompt too large for argv is replaced by a pointer to the prompt file", () => {
  const big = "Item: huge\n" + "x".repeat(MAX_INLINE_PROMPT_BYTES);
  const argv = claudeArgv({ profile: claude, prompt: big, promptFile: "/tmp/p.md" });
  const last = argv[argv.length - 1] ?? "";
  assert.ok(last.startsWith("Item: huge\n"));
  assert.ok(last.includes("/tmp/p.md"));
  assert.ok(last.length < 500);
  // Without a file there is nothing to point at: the prompt stays inline.
  assert.equal(claudeArgv({ profile: claude, prompt: big }).at(-1), big);
});

test("defaultAllowedTools: git, each gate and check as a prefix rule, compound parts split", () => {
  const tools = defaultAllowedTools({
    gates: { preMerge: ["npm test"], postMerge: ["npm test", "npm run build && npm test"], land: [] },
    checks: ["npm test -- test/login.test.ts", "  ", "grep -q 'a|b' f.txt | wc -l"],
  });
  assert.deepEqual(tools, [
    "Bash(git:*)",
    "Bash(npm test:*)",
    "Bash(npm run build && npm test:*)",
    "Bash(npm run build:*)",
    "Bash(npm test -- test/login.test.ts:*)",
    "Bash(grep -q 'a|b' f.txt | wc -l:*)",
    "Bash(grep -q 'a|b' f.txt:*)",
    "Bash(wc -l:*)",
  ]);
  assert.deepEqual(defaultAllowedTools({ gates: [], checks: [] }), ["Bash(git:*)"]);
  assert.deepEqual(defaultAllowedTools({ gates: ["make a; make b || true"], checks: [] }), [
    "Bash(git:*)",
    "Bash(make a; make b || true:*)",
    "Bash(make a:*)",
    "Bash(make b:*)",
    "Bash(true:*)",
  ]);
});

const SUCCESS = {
  type: "result",
  subtype: "success",
  is_error: false,
  result: "Done.\nSTATUS: COMPLETE",
  num_turns: 3,
  total_cost_usd: 0.0123,
  session_id: "s-1",
  terminal_reason: "completed",
  usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 7 },
  modelUsage: {
    "claude-a": { inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 30, cacheCreationInputTokens: 4 },
    "claude-haiku": {
      inputTokens: 50,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    },
  },
  permission_denials: [
    {
      tool_name: "Bash",
      tool_use_id: "t1",
      tool_input: { command: "git push\n  --force", description: "d" },
    },
    { tool_name: "Write", tool_use_id: "t2", tool_input: { file_path: "/etc/passwd", content: "x" } },
    { tool_name: "Odd", tool_use_id: "t3", tool_input: { a: 1 } },
  ],
};

test("parseClaudeResult: success, tokens summed over modelUsage (subagents included)", () => {
  const r = parseClaudeResult(JSON.stringify(SUCCESS));
  assert.deepEqual(r, {
    ok: true,
    value: {
      isError: false,
      resultText: "Done.\nSTATUS: COMPLETE",
      costUsd: 0.0123,
      tokensIn: 184,
      tokensOut: 25,
      numTurns: 3,
      sessionId: "s-1",
      permissionDenials: ["Bash: git push --force", "Write: /etc/passwd", 'Odd: {"a":1}'],
      terminalReason: "completed",
      subtype: "success",
    },
  });
});

test("parseClaudeResult: without modelUsage, usage counts (input + cache in, output out)", () => {
  const { modelUsage: _m, ...rest } = SUCCESS;
  const r = parseClaudeResult(JSON.stringify({ ...rest, modelUsage: {} }));
  assert.ok(r.ok);
  assert.equal(r.value.tokensIn, 17);
  assert.equal(r.value.tokensOut, 7);
});

test("parseClaudeResult: is_error true with subtype success is an error (branch on is_error)", () => {
  const r = parseClaudeResult(
    JSON.stringify({
      type: "result",
      subtype: "success",
      is_error: true,
      result: "Invalid API key · Please run /login",
    }),
  );
  assert.ok(r.ok);
  assert.equal(r.value.isError, true);
  assert.equal(r.value.resultText, "Invalid API key · Please run /login");
  assert.equal(r.value.costUsd, 0);
  assert.deepEqual(r.value.permissionDenials, []);
});

test("parseClaudeResult: a result after other lines is still found", () => {
  const r = parseClaudeResult(`warning: something\n${JSON.stringify(SUCCESS)}\n`);
  assert.ok(r.ok);
  assert.equal(r.value.sessionId, "s-1");
});

test("parseClaudeResult: garbage and other JSON are errors with a reason", () => {
  const garbage = parseClaudeResult(
    "Error: Input must be provided either through stdin or as a prompt argument",
  );
  assert.ok(!garbage.ok);
  assert.equal(garbage.error.reason, "not-json");
  assert.match(garbage.error.detail, /Input must be provided/);
  const empty = parseClaudeResult("");
  assert.ok(!empty.ok && empty.error.reason === "not-json" && empty.error.detail.includes("(empty)"));
  const other = parseClaudeResult('{"type":"system"}');
  assert.ok(!other.ok && other.error.reason === "not-a-result");
  const truncated = parseClaudeResult(JSON.stringify(SUCCESS).slice(0, 50));
  assert.ok(!truncated.ok && truncated.error.reason === "not-json");
});

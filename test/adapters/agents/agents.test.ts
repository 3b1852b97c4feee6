import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentProfile } from "../../../src/plan/types.js";
import {
  agentInvocation,
  readAgentOutcome,
  type AgentInvocationOptions,
} from "../../../src/adapters/agents/index.js";
import { agentEnv, currentDepth } from "../../../src/adapters/agents/agent-env.js";
import { commandArgv } from "../../../src/adapters/agents/command.js";
import { shellArgv } from "../../../src/adapters/agents/shell.js";
import { parseCodexEvents } from "../../../src/adapters/agents/codex.js";

const NASTY = `Item: x\nit's "q" $(id) \`id\` ; rm -rf / {item}`;

function invocation(profile: AgentProfile, extra: Partial<AgentInvocationOptions> = {}) {
  return agentInvocation({
    profile,
    item: { id: "login-api", run: "echo hi > f.txt" },
    promptFile: "/lanes/p.md",
    prompt: NASTY,
    worktree: "/lanes/w",
    ...extra,
  });
}

test("agentInvocation: claude gives claude-json argv with the engine's allow-list and bin", () => {
  const r = invocation(
    { name: "claude", use: "claude", output: "claude-json" },
    { allowedTools: ["Bash(git:*)", "Bash(npm test:*)"], bins: { claude: "/x/claude" } },
  );
  assert.ok(r.ok);
  assert.equal(r.value.output, "claude-json");
  assert.deepEqual(r.value.argv.slice(0, 9), [
    "/x/claude",
    "-p",
    "--output-format",
    "json",
    "--permission-mode",
    "acceptEdits",
    "--allowedTools",
    "Bash(git:*)",
    "Bash(npm test:*)",
  ]);
  assert.deepEqual(r.value.argv.slice(-2), ["--", NASTY]);
});

test("agentInvocation: the other built-ins and their output formats", () => {
  const codex = invocation({ name: "codex", use: "codex", output: "codex-jsonl", model: "o4" });
  assert.deepEqual(codex, {
    ok: true,
    value: {
      argv: [
        "codex",
        "exec",
        "--json",
        "--skip-git-repo-check",
        "--sandbox",
        "workspace-write",
        "--model",
        "o4",
        "--",
        NASTY,
      ],
      output: "codex-jsonl",
    },
  });
  const gemini = invocation({ name: "gemini", use: "gemini", output: "text" });
  assert.ok(gemini.ok);
  assert.deepEqual(gemini.value.argv, [
    "gemini",
    `--prompt=${NASTY}`,
    "--output-format",
    "text",
    "--approval-mode=auto_edit",
  ]);
  assert.equal(gemini.value.output, "text");
  const aider = invocation({ name: "aider", use: "aider", output: "text" });
  assert.ok(aider.ok);
  assert.deepEqual(aider.value.argv.slice(-2), ["--message-file", "/lanes/p.md"]);
  const opencode = invocation({ name: "opencode", use: "opencode", output: "text" });
  assert.ok(opencode.ok);
  assert.deepEqual(opencode.value.argv, ["opencode", "run", "--", NASTY]);
});

test("agentInvocation: shell runs the item's run with sh -c as one element", () => {
  const r = invocation({ name: "shell", use: "shell", output: "text" });
  assert.deepEqual(r, { ok: true, value: { argv: ["sh", "-c", "echo hi > f.txt"], output: "text" } });
  const none = agentInvocation({
    profile: { name: "shell", use: "shell", output: "text" },
    item: { id: "a" },
    promptFile: "p",
    prompt: "p",
    worktree: "w",
  });
  assert.deepEqual(none, { ok: false, error: { reason: "no-run", item: "a" } });
});

test("agentInvocation: a command profile substitutes placeholders inside elements and keeps its output", () => {
  const r = invocation({
    name: "mine",
    command: ["my-agent", "--task-file={prompt_file}", "{prompt}", "--in", "{worktree}/{item}", "{other}"],
    output: "text",
    use: "claude",
  });
  assert.deepEqual(r, {
    ok: true,
    value: {
      argv: ["my-agent", "--task-file=/lanes/p.md", NASTY, "--in", "/lanes/w/login-api", "{other}"],
      output: "text",
    },
  });
  assert.deepEqual(invocation({ name: "bad", command: [], output: "text" }), {
    ok: false,
    error: { reason: "empty-command", profile: "bad" },
  });
  assert.deepEqual(invocation({ name: "nothing", output: "text" }), {
    ok: false,
    error: { reason: "no-adapter", profile: "nothing" },
  });
});

test("commandArgv: values are not re-scanned for placeholders", () => {
  const r = commandArgv(["a", "{prompt}{item}"], {
    prompt: "{item}",
    promptFile: "f",
    item: "I",
    worktree: "w",
  });
  assert.deepEqual(r, { ok: true, value: ["a", "{item}I"] });
});

test("shellArgv: the command really runs in sh, in the given cwd, without re-quoting", () => {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-shell-"));
  try {
    const argv = shellArgv({ id: "s", run: `printf '%s' "a b" > out.txt && echo "$FOO"` });
    assert.ok(argv.ok);
    const [cmd, ...args] = argv.value;
    const r = spawnSync(cmd ?? "", args, {
      cwd: dir,
      env: { ...process.env, FOO: "$(id)" },
      encoding: "utf8",
    });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "$(id)\n");
    assert.equal(readFileSync(join(dir, "out.txt"), "utf8"), "a b");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("agentEnv: FLOTILLA_* set, depth incremented, git's repo variables stripped, base untouched", () => {
  const base = {
    PATH: "/bin",
    GIT_DIR: "/x/.git",
    GIT_WORK_TREE: "/x",
    GIT_INDEX_FILE: "/x/i",
    GIT_AUTHOR_NAME: "a",
  };
  const env = agentEnv({
    base,
    run: "m-1",
    item: "login-api",
    attempt: 2,
    worktree: "/lanes/w",
    promptFile: "/lanes/p.md",
    feedbackFile: undefined,
    baseCommit: "abc",
    port: 41000,
    depth: currentDepth({ FLOTILLA_DEPTH: "1" }),
    role: "agent",
  });
  assert.deepEqual(env, {
    PATH: "/bin",
    GIT_AUTHOR_NAME: "a",
    FLOTILLA_RUN: "m-1",
    FLOTILLA_ITEM: "login-api",
    FLOTILLA_ATTEMPT: "2",
    FLOTILLA_WORKTREE: "/lanes/w",
    FLOTILLA_PROMPT_FILE: "/lanes/p.md",
    FLOTILLA_FEEDBACK_FILE: "",
    FLOTILLA_BASE_COMMIT: "abc",
    FLOTILLA_PORT: "41000",
    FLOTILLA_DEPTH: "2",
    FLOTILLA_ROLE: "agent",
  });
  assert.equal(base.GIT_DIR, "/x/.git");
  assert.equal(currentDepth({}), 0);
  assert.equal(currentDepth({ FLOTILLA_DEPTH: "nope" }), 0);
});

test("parseCodexEvents: last agent message, usage summed over turns, failures", () => {
  const ok = [
    '{"type":"thread.started","thread_id":"th-1"}',
    '{"type":"turn.started"}',
    '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"first"}}',
    '{"type":"item.completed","item":{"id":"i1","type":"command_execution","command":"ls"}}',
    '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":40,"output_tokens":9}}',
    "not json",
    '{"type":"item.completed","item":{"id":"i2","type":"agent_message","text":"done\\nSTATUS: COMPLETE"}}',
    '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}}',
  ].join("\n");
  assert.deepEqual(parseCodexEvents(ok), {
    isError: false,
    lastMessage: "done\nSTATUS: COMPLETE",
    tokensIn: 110,
    tokensOut: 10,
    numTurns: 2,
    sessionId: "th-1",
  });
  const failed = parseCodexEvents(
    '{"type":"error","message":"Reconnecting... 1/5"}\n{"type":"turn.failed","error":{"message":"stream disconnected"}}',
  );
  assert.deepEqual(failed, { isError: true, lastMessage: "stream disconnected", numTurns: 0 });
  assert.deepEqual(parseCodexEvents(""), { isError: false, lastMessage: "", numTurns: 0 });
});

test("readAgentOutcome: the three output formats", () => {
  const claude = readAgentOutcome({
    output: "claude-json",
    stdout: JSON.stringify({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "ok\nNOTES: n\nSTATUS: BLOCKED",
      total_cost_usd: 0.5,
      num_turns: 2,
      session_id: "s",
      usage: { input_tokens: 3, output_tokens: 4 },
      permission_denials: [{ tool_name: "Bash", tool_input: { command: "rm x" } }],
      terminal_reason: "completed",
    }),
  });
  assert.deepEqual(claude, {
    isError: false,
    lastMessage: "ok\nNOTES: n\nSTATUS: BLOCKED",
    costUsd: 0.5,
    tokensIn: 3,
    tokensOut: 4,
    numTurns: 2,
    sessionId: "s",
    permissionDenials: ["Bash: rm x"],
    report: { status: "BLOCKED", notes: "n" },
    terminalReason: "completed",
  });
  const garbage = readAgentOutcome({ output: "claude-json", stdout: "Segmentation fault\nSTATUS: COMPLETE" });
  assert.equal(garbage.isError, true);
  assert.deepEqual(garbage.report, {});
  assert.match(garbage.parseError ?? "", /^not-json: /);
  assert.deepEqual(readAgentOutcome({ output: "text", stdout: "hello\nSTATUS: PARTIAL\n" }), {
    isError: false,
    lastMessage: "hello\nSTATUS: PARTIAL\n",
    permissionDenials: [],
    report: { status: "PARTIAL" },
  });
  const codex = readAgentOutcome({
    output: "codex-jsonl",
    stdout:
      '{"type":"item.completed","item":{"type":"agent_message","text":"STATUS: COMPLETE"}}\n{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":2}}',
  });
  assert.deepEqual(codex, {
    isError: false,
    lastMessage: "STATUS: COMPLETE",
    tokensIn: 1,
    tokensOut: 2,
    numTurns: 1,
    permissionDenials: [],
    report: { status: "COMPLETE" },
  });
});

// The real Claude Code CLI (node_modules/.bin/claude), started with claudeArgv in a temp git repo,
// against the scripted model server: what the engine will see from a real agent session.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentProfile } from "../../../src/plan/types.js";
import { claudeArgv, defaultAllowedTools } from "../../../src/adapters/agents/claude.js";
import { agentEnv } from "../../../src/adapters/agents/agent-env.js";
import { readAgentOutcome } from "../../../src/adapters/agents/index.js";
import { startModelServer, type Script, type ModelServer } from "../../support/model-server.js";
import { claudeTestEnv, NO_RETRY_ENV } from "../../support/claude-env.js";

// dist/test/adapters/agents/ → the repository root.
const BIN = fileURLToPath(new URL("../../../../node_modules/.bin/claude", import.meta.url));
const skip = existsSync(BIN) ? false : `no Claude Code CLI at ${BIN}`;
const PROFILE: AgentProfile = { name: "claude", use: "claude", output: "claude-json" };
// Everything a shell would love to interpret; it must reach the model byte for byte.
const PROMPT = `Item: login-api\n-p "quoted" it's $(touch pwned) \`touch pwned2\` ; exit 1\n--help`;
const COMMIT = "echo hi > f.txt && git add -A && git commit -qm x";

const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-claude-repo-"));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const git = (...args: string[]): void => {
    execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "Test");
  git("config", "gc.auto", "0");
  git("commit", "-q", "--allow-empty", "-m", "initial");
  return dir;
}

function gitOut(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}

async function server(script: Script): Promise<ModelServer> {
  const s = await startModelServer({ script, safetyMs: 60_000 });
  cleanups.push(() => s.close());
  return s;
}

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; ms: number }>;
}

/** Starts the CLI in its own process group; a safety timer kills the group if a test forgets to. */
function start(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const [cmd, ...args] = argv;
  const t0 = Date.now();
  const child = spawn(cmd ?? "", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const killGroup = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  const safety = setTimeout(killGroup, 45_000);
  safety.unref();
  cleanups.push(killGroup);
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.resume();
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    ms: number;
  }>((res) => {
    child.on("close", (code, signal) => {
      clearTimeout(safety);
      res({ code, signal, stdout, ms: Date.now() - t0 });
    });
  });
  return { child, done };
}

function env(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = claudeTestEnv({ baseUrl: url, extra });
  cleanups.push(() => {
    e.cleanup();
  });
  return e.env;
}

function firstUserText(s: ModelServer): string {
  const main = s.requests.find((r) => r.main);
  const content = main?.body?.messages?.[0]?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as unknown[])
    .map((b) =>
      typeof b === "object" && b !== null && "text" in b && typeof b.text === "string" ? b.text : "",
    )
    .join("\n");
}

test(
  "real CLI: an allow-listed Bash commit runs; result, cost, turns, env and the prompt arrive",
  { skip },
  async () => {
    const dir = repo();
    const seen: { item: string | undefined; turn: number; lastToolResult: string | undefined }[] = [];
    const s = await server((ctx) => {
      seen.push({ item: ctx.item, turn: ctx.turn, lastToolResult: ctx.lastToolResult });
      if (ctx.turn === 0) return { bash: COMMIT };
      if (ctx.turn === 1) return { bash: "printenv FLOTILLA_ITEM" };
      return { text: `env said ${ctx.lastToolResult ?? "?"}\nNOTES: wrote f.txt\nSTATUS: COMPLETE` };
    });
    const argv = claudeArgv({
      profile: PROFILE,
      prompt: PROMPT,
      // The "gate" is how printenv gets on the allow-list: gate commands are allowed by default.
      allowedTools: defaultAllowedTools({ gates: ["printenv FLOTILLA_ITEM"], checks: [] }),
      bin: BIN,
    });
    const fullEnv = agentEnv({
      base: env(s.url),
      run: "demo-1",
      item: "login-api",
      attempt: 1,
      worktree: dir,
      promptFile: join(dir, "..", "prompt.md"),
      feedbackFile: undefined,
      baseCommit: gitOut(dir, "rev-parse", "HEAD"),
      port: 41000,
      depth: 0,
      role: "agent",
    });
    const r = await start(argv, dir, fullEnv).done;
    assert.equal(r.code, 0, r.stdout);
    const outcome = readAgentOutcome({ output: "claude-json", stdout: r.stdout });
    assert.equal(outcome.isError, false);
    assert.deepEqual(outcome.permissionDenials, []);
    assert.equal(outcome.lastMessage, "env said login-api\nNOTES: wrote f.txt\nSTATUS: COMPLETE");
    assert.deepEqual(outcome.report, { status: "COMPLETE", notes: "wrote f.txt" });
    assert.equal(outcome.numTurns, 3);
    assert.ok((outcome.costUsd ?? 0) > 0, `cost ${String(outcome.costUsd)}`);
    assert.ok((outcome.tokensIn ?? 0) > 0 && (outcome.tokensOut ?? 0) > 0);
    assert.match(outcome.sessionId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(outcome.terminalReason, "completed");
    assert.equal(gitOut(dir, "log", "-1", "--format=%s"), "x");
    assert.equal(readFileSync(join(dir, "f.txt"), "utf8"), "hi\n");
    assert.equal(existsSync(join(dir, "pwned")) || existsSync(join(dir, "pwned2")), false);
    assert.deepEqual(
      seen.map((c) => [c.item, c.turn]),
      [
        ["login-api", 0],
        ["login-api", 1],
        ["login-api", 2],
      ],
    );
    assert.equal(seen[1]?.lastToolResult, "(Bash completed with no output)");
    assert.ok(firstUserText(s).includes(PROMPT), "the prompt reached the model intact");
  },
);

test(
  "real CLI: without the allow-list, acceptEdits denies the Bash call silently (exit 0, no commit)",
  { skip },
  async () => {
    const dir = repo();
    const s = await server((ctx) =>
      ctx.turn === 0 ? { bash: COMMIT } : { text: "I could not.\nSTATUS: BLOCKED" },
    );
    const argv = claudeArgv({ profile: { ...PROFILE, allowedTools: [] }, prompt: PROMPT, bin: BIN });
    assert.equal(argv.includes("--allowedTools"), false);
    const r = await start(argv, dir, env(s.url)).done;
    assert.equal(r.code, 0);
    const outcome = readAgentOutcome({ output: "claude-json", stdout: r.stdout });
    assert.equal(outcome.isError, false);
    assert.deepEqual(outcome.permissionDenials, [`Bash: ${COMMIT}`]);
    assert.equal(outcome.report.status, "BLOCKED");
    assert.equal(gitOut(dir, "rev-list", "--count", "HEAD"), "1");
    assert.equal(existsSync(join(dir, "f.txt")), false);
  },
);

test(
  "real CLI: HTTP 500 with CLAUDE_CODE_MAX_RETRIES=0 ends at once with is_error (exit 1)",
  { skip },
  async () => {
    const dir = repo();
    const s = await server(() => ({ status: 500 }));
    const r = await start(
      claudeArgv({ profile: PROFILE, prompt: PROMPT, bin: BIN }),
      dir,
      env(s.url, { ...NO_RETRY_ENV }),
    ).done;
    const outcome = readAgentOutcome({ output: "claude-json", stdout: r.stdout });
    console.log(`# 500 without retries ended in ${String(r.ms)} ms`);
    assert.equal(r.code, 1);
    assert.equal(outcome.isError, true);
    assert.equal(outcome.terminalReason, "api_error");
    assert.match(outcome.lastMessage, /API Error: 500/);
    assert.equal(s.requests.filter((q) => q.main).length, 1);
    assert.ok(r.ms < 15_000);
  },
);

test(
  "real CLI: API_TIMEOUT_MS ends a hanging model with is_error when retries are off",
  { skip },
  async () => {
    const dir = repo();
    const s = await server(() => ({ hang: true }));
    const r = await start(
      claudeArgv({ profile: PROFILE, prompt: PROMPT, bin: BIN }),
      dir,
      env(s.url, { ...NO_RETRY_ENV, API_TIMEOUT_MS: "2000" }),
    ).done;
    console.log(`# hang with API_TIMEOUT_MS=2000 ended in ${String(r.ms)} ms`);
    const outcome = readAgentOutcome({ output: "claude-json", stdout: r.stdout });
    assert.equal(r.code, 1);
    assert.equal(outcome.isError, true);
    assert.match(outcome.lastMessage, /timed out/i);
  },
);

test(
  "real CLI: a hanging model keeps the CLI running; killing its process group ends it",
  { skip },
  async () => {
    const dir = repo();
    const s = await server(() => ({ hang: true }));
    const run = start(claudeArgv({ profile: PROFILE, prompt: PROMPT, bin: BIN }), dir, env(s.url));
    // A loaded machine may take seconds to start the CLI: wait for its request, then for the hang.
    const hung = () => s.requests.filter((q) => q.main && q.reply === "hang").length;
    const deadline = Date.now() + 60_000;
    while (hung() === 0 && run.child.exitCode === null) {
      if (Date.now() > deadline) assert.fail("the CLI never asked the model within 60 s");
      await new Promise((res) => setTimeout(res, 50));
    }
    await new Promise((res) => setTimeout(res, 3000));
    assert.equal(run.child.exitCode, null, "still running 3 s after the model went quiet");
    assert.equal(hung(), 1);
    const pid = run.child.pid;
    assert.ok(pid !== undefined && pid > 1);
    process.kill(-pid, "SIGKILL");
    const r = await run.done;
    assert.equal(r.signal, "SIGKILL");
  },
);

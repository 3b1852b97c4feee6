// Bad input and faults: each gets a clear message, and nothing is lost.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { isProcessAlive, processStartTime } from "../../src/adapters/process/index.js";
import type { RunRefusal } from "../../src/engine/run.js";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

function refusal<R extends RunRefusal["reason"]>(
  run: Awaited<ReturnType<typeof runInRepo>>,
  reason: R,
): Extract<RunRefusal, { reason: R }> {
  assert.ok(!run.result.ok, "the run should have been refused");
  assert.equal(run.result.error.reason, reason);
  return run.result.error as Extract<RunRefusal, { reason: R }>;
}

describe("refused before anything starts", () => {
  test("an agent command that is not installed: no lane, no branch, no state", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: missing-agent
agent: mine
agents:
  mine:
    command: ["definitely-not-installed-agent-xyz", "{prompt_file}"]
items:
  - id: a
    title: A
`,
      });
      const r = refusal(run, "preflight");
      assert.match(
        r.problems[0]!.message,
        /agent profile "mine" runs `definitely-not-installed-agent-xyz`, which is not installed or not on PATH/,
      );
      assert.equal(existsSync(repoPaths(repo).root), false);
      assert.throws(() => repo.git("rev-parse", "--verify", "flotilla/missing-agent"));
    } finally {
      repo.cleanup();
    }
  });

  test("not a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flotilla-norepo-"));
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        cwd: dir,
        plan: "version: 1\nname: x\nagent: shell\nitems:\n  - {id: a, title: A, run: 'true'}\n",
      });
      const r = refusal(run, "preflight");
      assert.equal(r.problems[0]!.reason, "not-a-repo");
      assert.match(r.problems[0]!.message, /is not inside a git repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      repo.cleanup();
    }
  });

  test("a missing base branch, a missing gate command, and a diverged integration branch", async () => {
    const repo = engineRepo();
    try {
      repo.git("branch", "flotilla/diverged", "main");
      repo.git("checkout", "-q", "flotilla/diverged");
      repo.write("other.txt", "x");
      repo.commit("elsewhere");
      repo.git("checkout", "-q", "main");
      repo.write("more.txt", "y");
      repo.commit("main moves on");
      const gates = await runInRepo({
        repo,
        plan: "version: 1\nname: diverged\nagent: shell\ngates:\n  pre_merge: [\"no-such-gate-tool --check\"]\nitems:\n  - {id: a, title: A, run: 'true'}\n",
      });
      const r = refusal(gates, "preflight");
      assert.deepEqual(r.problems.map((p) => p.reason).sort(), ["gate-missing", "integration-diverged"]);
      assert.match(
        r.problems.find((p) => p.reason === "integration-diverged")!.message,
        /git branch -D flotilla\/diverged/,
      );
      assert.match(r.problems.find((p) => p.reason === "gate-missing")!.message, /`no-such-gate-tool`/);
      const base = await runInRepo({
        repo,
        plan: "version: 1\nname: nobase\nbase: release\nagent: shell\nitems:\n  - {id: a, title: A, run: 'true'}\n",
      });
      const b = refusal(base, "preflight");
      assert.match(b.problems[0]!.message, /the base branch "release" does not exist/);
    } finally {
      repo.cleanup();
    }
  });

  test("the recursion guard refuses a run inside a lane unless --allow-nested", async () => {
    const repo = engineRepo();
    try {
      const plan =
        "version: 1\nname: nested\nagent: shell\nitems:\n  - {id: a, title: A, run: 'echo a > a && git add a && git commit -qm a'}\n";
      const refused = await runInRepo({ repo, plan, env: { FLOTILLA_DEPTH: "1" } });
      const r = refusal(refused, "preflight");
      assert.match(r.problems[0]!.message, /inside a flotilla lane \(FLOTILLA_DEPTH=1\).*--allow-nested/);
      const allowed = await runInRepo({ repo, plan, env: { FLOTILLA_DEPTH: "1" }, allowNested: true });
      assert.ok(allowed.result.ok);
      assert.equal(allowed.result.value.status, "landed");
    } finally {
      repo.cleanup();
    }
  });

  test("another run active on the same repository is named; a stale lock is taken over", async () => {
    const repo = engineRepo();
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const lock = repoPaths(repo).lock;
      const plan =
        "version: 1\nname: locked\nagent: shell\nitems:\n  - {id: a, title: A, run: 'echo a > a && git add a && git commit -qm a'}\n";
      // Make the state exist, then hold the lock with a live process.
      await runInRepo({ repo, plan: plan.replace("name: locked", "name: warmup") });
      const { hostname } = await import("node:os");
      writeFileSync(
        lock,
        JSON.stringify({
          pid: holder.pid,
          startTime: processStartTime(holder.pid!),
          host: hostname(),
          runId: "other-7",
        }),
      );
      const r = refusal(await runInRepo({ repo, plan }), "locked");
      assert.match(r.message, /another flotilla run is active in this repository: other-7 \(pid \d+/);
      holder.kill("SIGKILL");
      await new Promise((res) => holder.once("exit", res));
      const taken = await runInRepo({ repo, plan });
      assert.ok(taken.result.ok);
      assert.ok(
        taken.events.some(
          (e) => e.type === "warning" && /took over a stale run lock left by other-7/.test(e.message),
        ),
      );
      assert.equal(existsSync(lock), false, "the lock is released at the end");
    } finally {
      holder.kill("SIGKILL");
      repo.cleanup();
    }
  });
});

describe("agents that misbehave", () => {
  test("no commits and no changes is no-work; uncommitted changes are committed for the agent", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: work
agent: shell
retries: 0
items:
  - id: idle
    title: Does nothing
    run: "true"
  - id: sloppy
    title: Forgets to commit
    run: echo left > left.txt && echo more >> README.md
`,
      });
      assert.ok(run.result.ok);
      const report = run.report();
      const idle = itemOf(report, "idle");
      assert.equal(idle.status, "failed");
      assert.equal(idle.attempts[0]!.outcome, "no-work");
      assert.match(idle.attempts[0]!.reason!, /made no commits and left no changes/);
      const sloppy = itemOf(report, "sloppy");
      assert.equal(sloppy.status, "landed");
      assert.deepEqual(
        sloppy.commits.map((c) => c.subject),
        ["flotilla: uncommitted work left by the agent"],
      );
      assert.deepEqual([...sloppy.files_changed].sort(), ["README.md", "left.txt"]);
      assert.equal(repo.git("show", "main:left.txt"), "left");
    } finally {
      repo.cleanup();
    }
  });

  test("an agent that removes its own lane folder: its committed work is still found on its branch", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: vanish
agent: shell
items:
  - id: v
    title: Commits, then deletes its lane
    run: echo kept > kept.txt && git add kept.txt && git commit -qm kept && rm -rf "$FLOTILLA_WORKTREE"
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      assert.equal(run.result.value.status, "landed");
      const attempt = itemOf(run.report(), "v").attempts[0]!;
      assert.ok(
        attempt.violations.some((v) => /the agent removed its lane folder/.test(v)),
        attempt.violations.join("; "),
      );
      assert.equal(repo.git("show", "main:kept.txt"), "kept");
    } finally {
      repo.cleanup();
    }
  });

  test("a timeout stops the agent's whole process group, grandchildren included, and keeps its commits", async () => {
    const repo = engineRepo();
    const pidFile = join(repo.dir, "..", `grandchild-${process.pid}.pid`);
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: slow
agent: shell
retries: 0
timeout: 2s
items:
  - id: hang
    title: Never ends
    run: |
      echo started > started.txt && git add started.txt && git commit -qm started
      sleep 1000 &
      echo $! > '${pidFile}'
      sleep 1000
`,
      });
      assert.ok(run.result.ok);
      const item = itemOf(run.report(), "hang");
      assert.equal(item.status, "failed");
      assert.equal(item.attempts[0]!.outcome, "timeout");
      assert.match(item.attempts[0]!.reason!, /did not finish within 2s/);
      const grandchild = Number(readFileSync(pidFile, "utf8"));
      assert.ok(grandchild > 0);
      assert.equal(isProcessAlive(grandchild), false, `grandchild ${grandchild} must be gone`);
      assert.equal(
        repo.git("show", `refs/flotilla/attempts/${run.report().run.id}/hang/1:started.txt`),
        "started",
      );
    } finally {
      rmSync(pidFile, { force: true });
      repo.cleanup();
    }
  });

  test("an agent that writes into the user's checkout is reported, and the files are left as it left them", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: trespass
agent: shell
land: none
items:
  - id: t
    title: Writes where it should not
    run: echo oops > '${repo.dir}/stray.txt' && echo ok > mine.txt && git add mine.txt && git commit -qm mine
`,
      });
      assert.ok(run.result.ok);
      const attempt = itemOf(run.report(), "t").attempts[0]!;
      assert.equal(attempt.violations.length, 1);
      assert.match(
        attempt.violations[0]!,
        /files in the user's checkout changed while the agent ran \(left as they are\): stray\.txt/,
      );
      assert.equal(readFileSync(join(repo.dir, "stray.txt"), "utf8"), "oops\n");
      assert.ok(run.events.some((e) => e.type === "warning" && e.itemId === "t"));
    } finally {
      repo.cleanup();
    }
  });

  test("item text full of shell metacharacters reaches the agent byte for byte, as argv and as the prompt file", async () => {
    const repo = engineRepo();
    const title = `Fix "quotes" & 'single' $(touch pwned) \`touch pwned2\` ; rm -rf / | cat > x * ? [a] {b,c} ~ # % \\ é ✓`;
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: metachars
agent: echoer
agents:
  echoer:
    command: ["sh", "-c", "printf '%s' \\"$1\\" > argv.txt && cp \\"$FLOTILLA_PROMPT_FILE\\" prompt.txt && git add argv.txt prompt.txt && git commit -qm got", "sh", "{prompt}"]
items:
  - id: m
    title: ${JSON.stringify(title)}
    description: ${JSON.stringify(`line one\n$HOME and \${PATH} stay literal\n-- --help -rf`)}
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const argv = repo.git("show", "main:argv.txt");
      const prompt = repo.git("show", "main:prompt.txt");
      assert.ok(argv.includes(`# ${title}\n`), "the title arrives intact in argv");
      assert.ok(prompt.includes(`# ${title}\n`), "the title arrives intact in the prompt file");
      assert.ok(prompt.includes("$HOME and ${PATH} stay literal\n-- --help -rf"));
      assert.equal(existsSync(join(repo.dir, "pwned")), false);
      const lane = itemOf(run.report(), "m").attempts[0]!.lane;
      assert.equal(existsSync(join(lane, "pwned")) || existsSync(join(lane, "pwned2")), false);
    } finally {
      repo.cleanup();
    }
  });
});

describe("landing", () => {
  test("a checked-out base with local changes stops the land with what to do; nothing is touched", async () => {
    const repo = engineRepo();
    try {
      repo.write("README.md", "local edit, not committed\n");
      const before = repo.git("rev-parse", "main");
      const run = await runInRepo({
        repo,
        plan: "version: 1\nname: dirty\nagent: shell\nitems:\n  - {id: a, title: A, run: 'echo a > a.txt && git add a.txt && git commit -qm a'}\n",
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "failed");
      assert.equal(run.result.value.exitCode, 1);
      assert.equal(repo.git("rev-parse", "main"), before);
      assert.equal(readFileSync(join(repo.dir, "README.md"), "utf8"), "local edit, not committed\n");
      const skipped = run.events.flatMap((e) => (e.type === "land-skipped" ? [e] : []))[0];
      assert.ok(skipped !== undefined);
      assert.match(
        skipped.reason,
        /main is checked out at .* with uncommitted changes to tracked files \(README\.md\)\. Nothing was changed there\. Commit or stash them, then land with: git -C .* merge --ff-only refs\/flotilla\/land\//,
      );
      // The promised command works once the user has committed.
      repo.commit("user commits their edit");
      const landRef = `refs/flotilla/land/${run.report().run.id}`;
      assert.ok(repo.git("rev-parse", landRef).length === 40);
    } finally {
      repo.cleanup();
    }
  });

  test("the base branch advanced by someone else during the run is merged in and gated again before landing", async () => {
    const repo = engineRepo();
    try {
      // The item itself advances main through a second worktree (as a teammate's push would).
      const other = join(repo.dir, "..", `other-${process.pid}-${Date.now()}`);
      // The user works on another branch, so main is checked out nowhere (as on a shared remote).
      repo.git("checkout", "-q", "-b", "work");
      repo.git("worktree", "add", "-q", "--detach", other, "main");
      const work = repo.git("rev-parse", "work");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: moving
base: main
agent: shell
gates:
  land: ["test -f theirs.txt && test -f mine.txt"]
items:
  - id: mine
    title: Mine
    run: |
      echo theirs > '${other}/theirs.txt' && git -C '${other}' add theirs.txt && git -C '${other}' commit -qm theirs && git -C '${other}' push -q . HEAD:refs/heads/main
      echo mine > mine.txt && git add mine.txt && git commit -qm mine
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      assert.equal(
        run.result.value.status,
        "landed",
        JSON.stringify(run.events.filter((e) => e.type === "land-skipped" || e.type === "warning")),
      );
      assert.equal(repo.git("show", "main:theirs.txt"), "theirs");
      assert.equal(repo.git("show", "main:mine.txt"), "mine");
      assert.equal(repo.git("rev-parse", "work"), work, "the user's branch is untouched");
      assert.ok(
        run.events.some(
          (e) =>
            e.type === "warning" &&
            /main moved during the run; merged it into flotilla\/moving/.test(e.message),
        ),
      );
      rmSync(other, { recursive: true, force: true });
    } finally {
      repo.cleanup();
    }
  });

  test("an unfinished run of the same plan is named; --restart starts over", async () => {
    const repo = engineRepo();
    try {
      const plan = "version: 1\nname: again\nagent: shell\nitems:\n  - {id: a, title: A, run: 'sleep 5'}\n";
      const stop = new AbortController();
      const hard = new AbortController();
      setTimeout(() => {
        stop.abort();
        hard.abort();
      }, 700);
      const first = await runInRepo({ repo, plan, stop: stop.signal, hardStop: hard.signal });
      assert.ok(first.result.ok);
      assert.equal(first.result.value.status, "interrupted");
      assert.equal(first.result.value.exitCode, 3);
      const r = refusal(await runInRepo({ repo, plan }), "unfinished-run");
      assert.match(
        r.message,
        /run again-1 of plan "again" is unfinished \(interrupted\); continue it with `flotilla resume again-1` \(or `flotilla run --resume`\) or start over with `flotilla run --restart`/,
      );
      const restarted = await runInRepo({
        repo,
        plan: plan.replace("sleep 5", "echo a > a && git add a && git commit -qm a"),
        restart: true,
      });
      assert.ok(restarted.result.ok);
      assert.equal(restarted.result.value.runId, "again-2");
      assert.equal(restarted.result.value.status, "landed");
    } finally {
      repo.cleanup();
    }
  });
});

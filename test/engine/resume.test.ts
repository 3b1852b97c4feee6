// Resume after the orchestrator is killed: agents still running are re-attached (not run again),
// agents that died with no work get a new attempt that is not a retry, merges git has but the
// state lost are taken from git, and `run` on an unfinished plan points at --resume.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive, killGroup } from "../../src/adapters/process/index.js";
import { readPidFile } from "../../src/adapters/process/detached.js";
import { AGENT_EXIT } from "../../src/engine/agent-session.js";
import { openStateStore } from "../../src/adapters/state/sqlite-store.js";
import { flotilla, startFlotilla, waitFor } from "../support/flotilla-process.js";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

const LONG = 60_000;

describe("resume after the orchestrator was killed", () => {
  test(
    "an agent still running is re-attached and its work merged; finished work is not redone",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      const marks = join(repo.dir, "..", `marks-${process.pid}-${Date.now()}`);
      try {
        writeFileSync(`${marks}.runs`, "");
        repo.write(
          "plan.yaml",
          `version: 1
name: adopt
agent: shell
retries: 0
items:
  - id: quick
    title: Quick
    run: echo run >> '${marks}.runs' && echo quick > quick.txt && git add quick.txt && git commit -qm quick && touch '${marks}.quick'
  - id: slow
    title: Slow
    run: |
      echo run >> '${marks}.runs'
      echo $$ > '${marks}.slow'
      n=0; while [ ! -e '${marks}.go' ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
      echo slow > slow.txt && git add slow.txt && git commit -qm slow
`,
        );
        repo.commit("plan");
        const first = startFlotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        await waitFor(
          () => existsSync(`${marks}.slow`) && existsSync(`${marks}.quick`),
          LONG / 2,
          "the slow agent to start and the quick one to commit",
        );
        first.child.kill("SIGKILL");
        const ended = await first.done;
        assert.equal(ended.signal, "SIGKILL");
        const agentPid = Number(readFileSync(`${marks}.slow`, "utf8"));
        assert.ok(isProcessAlive(agentPid), "the agent outlives the killed orchestrator");

        const refused = await flotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /run adopt-1 of plan "adopt" is unfinished.*flotilla run --resume/);

        const resumed = startFlotilla({ cwd: repo.dir, args: ["resume", "--json"] });
        writeFileSync(`${marks}.go`, "");
        const r = await resumed.done;
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as {
          items: { id: string; status: string; attempts: unknown[] }[];
        };
        for (const id of ["quick", "slow"]) {
          const item = report.items.find((i) => i.id === id)!;
          assert.equal(item.status, "landed", id);
          assert.equal(item.attempts.length, 1, `${id} ran once`);
        }
        assert.equal(readFileSync(`${marks}.runs`, "utf8"), "run\nrun\n", "each agent ran exactly once");
        assert.equal(repo.git("show", "main:slow.txt"), "slow");
        assert.equal(repo.git("show", "main:quick.txt"), "quick");
        assert.match(r.stderr, /re-attached to the agent of slow #1|slow #1 is gone/);
      } finally {
        writeFileSync(`${marks}.go`, ""); // releases the agent if the test failed early
        for (const f of [".slow", ".go", ".runs", ".quick"]) rmSync(`${marks}${f}`, { force: true });
        repo.cleanup();
      }
    },
  );

  test(
    "an agent gone without work (a reboot) gets a new attempt that is not counted as a retry",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      const marks = join(repo.dir, "..", `boot-${process.pid}-${Date.now()}`);
      try {
        repo.write(
          "plan.yaml",
          `version: 1
name: reboot
agent: shell
retries: 0
items:
  - id: w
    title: Dies with the machine the first time
    run: |
      if [ ! -e '${marks}.first' ]; then echo $$ > '${marks}.first'; sleep 1000; fi
      echo w > w.txt && git add w.txt && git commit -qm w
`,
        );
        repo.commit("plan");
        const first = startFlotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        await waitFor(
          () => existsSync(`${marks}.first`) && readFileSync(`${marks}.first`, "utf8").trim() !== "",
          LONG / 2,
          "the agent to start",
        );
        first.child.kill("SIGKILL");
        await first.done;
        // The machine goes down: the agent's whole group dies too, without an exit status.
        const store = openStateStore({ file: repoPaths(repo).stateDb, mustExist: true });
        assert.ok(store.ok);
        const recorded = store.value.getAttempt("reboot-1", "w", 1)?.pid;
        store.value.close();
        // The orchestrator may die before it records the pid; the wrapper wrote it before the agent began.
        const pid = recorded ?? readPidFile(join(repoPaths(repo).attemptDir("reboot-1", "w", 1), AGENT_EXIT));
        assert.ok(pid !== undefined, "the agent's pid is known");
        killGroup(pid, "SIGKILL");
        await waitFor(() => !isProcessAlive(pid), 5000, "the agent to die");

        const r = await flotilla({ cwd: repo.dir, args: ["run", "plan.yaml", "--resume", "--json"] });
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as {
          items: { id: string; status: string; attempts: { n: number; outcome: string }[] }[];
        };
        const w = report.items.find((i) => i.id === "w")!;
        assert.equal(w.status, "landed");
        assert.deepEqual(
          w.attempts.map((a) => a.outcome),
          ["lost", "accepted"],
        );
        assert.equal(repo.git("show", "main:w.txt"), "w");
      } finally {
        rmSync(`${marks}.first`, { force: true });
        repo.cleanup();
      }
    },
  );

  test(
    "a merge git has but the state lost is taken from the ref, not done again; landing is idempotent",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      try {
        const plan = `version: 1
name: recon
agent: shell
land: none
items:
  - {id: a, title: A, run: "echo a > a.txt && git add a.txt && git commit -qm a"}
  - {id: b, title: B, run: "echo b > b.txt && git add b.txt && git commit -qm b"}
`;
        const first = await runInRepo({ repo, plan });
        assert.ok(first.result.ok);
        const integration = repo.git("rev-parse", "flotilla/recon");
        // The crash came after the ref moved and before the row was written.
        const s = first.store();
        s.updateItem("recon-1", "b", { status: "queued", mergedCommit: undefined });
        s.updateRun("recon-1", { status: "interrupted", endedAt: undefined });
        const again = await runInRepo({ repo, plan, resume: {} });
        assert.ok(again.result.ok, JSON.stringify(again.result));
        assert.equal(again.result.value.status, "landed");
        assert.equal(repo.git("rev-parse", "flotilla/recon"), integration, "nothing merged twice");
        const b = itemOf(again.report(), "b");
        assert.equal(b.attempts.length, 1);
        assert.ok(
          again.events.some((e) => e.type === "warning" && /b was merged .* taken from git/.test(e.message)),
        );
        const mergeOfB = repo
          .git("log", "--first-parent", "--format=%H %s", "flotilla/recon")
          .split("\n")
          .find((l) => / flotilla: merge b \(attempt 1\)/.test(l));
        assert.equal(b.merged_commit, mergeOfB?.split(" ")[0]);
      } finally {
        repo.cleanup();
      }
    },
  );

  test(
    "killed after landing but before recording it: resume lands nothing twice and records the land",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      try {
        const plan = `version: 1
name: landed
agent: shell
items:
  - {id: a, title: A, run: "echo a > a.txt && git add a.txt && git commit -qm a"}
`;
        const first = await runInRepo({ repo, plan });
        assert.ok(first.result.ok);
        const main = repo.git("rev-parse", "main");
        const landed = first.report().run.landed_commit;
        assert.equal(landed, main);
        const s = first.store();
        s.updateRun("landed-1", { status: "interrupted", endedAt: undefined, landedCommit: undefined });
        s.updateItem("landed-1", "a", { status: "merged" });
        const again = await runInRepo({ repo, plan, resume: {} });
        assert.ok(again.result.ok, JSON.stringify(again.result));
        assert.equal(again.result.value.status, "landed");
        assert.equal(repo.git("rev-parse", "main"), main, "main did not move again");
        assert.equal(again.report().run.landed_commit, landed);
        assert.equal(itemOf(again.report(), "a").status, "landed");
      } finally {
        repo.cleanup();
      }
    },
  );

  test("resume with nothing unfinished exits 2", { timeout: LONG }, async () => {
    const repo = engineRepo();
    try {
      const plan = `version: 1
name: done
agent: shell
items:
  - {id: a, title: A, run: "echo a > a.txt && git add a.txt && git commit -qm a"}
`;
      const first = await runInRepo({ repo, plan });
      assert.ok(first.result.ok);
      const r = await flotilla({ cwd: repo.dir, args: ["resume"] });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /nothing to resume/);
    } finally {
      repo.cleanup();
    }
  });

  test(
    "Ctrl-C once says how many attempts still run; twice stops their process groups and exits 3; resume finishes",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      const marks = join(repo.dir, "..", `sigint-${process.pid}-${Date.now()}`);
      try {
        repo.write(
          "plan.yaml",
          `version: 1
name: sig
agent: shell
retries: 0
items:
  - id: a
    title: Slow the first time
    run: |
      if [ ! -e '${marks}.pid' ]; then echo $$ > '${marks}.pid'; sleep 1000; fi
      echo a > a.txt && git add a.txt && git commit -qm a
  - id: b
    title: Waits for a
    depends_on: [a]
    run: echo b > b.txt && git add b.txt && git commit -qm b
`,
        );
        repo.commit("plan");
        const run = startFlotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        let stderr = "";
        run.child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
        await waitFor(
          () => existsSync(`${marks}.pid`) && readFileSync(`${marks}.pid`, "utf8").trim() !== "",
          LONG / 2,
          "the agent to start",
        );
        const agent = Number(readFileSync(`${marks}.pid`, "utf8"));
        run.child.kill("SIGINT");
        await waitFor(
          () => /1 attempt is still running/.test(stderr),
          LONG / 2,
          "the first Ctrl-C's message",
        );
        assert.match(stderr, /Ctrl-C again stops them now/);
        assert.ok(isProcessAlive(agent), "the first Ctrl-C leaves the agent running");
        run.child.kill("SIGINT");
        const ended = await run.done;
        assert.equal(ended.code, 3, ended.stderr);
        assert.equal(isProcessAlive(agent), false, "the second Ctrl-C stopped the agent");
        const resumed = await flotilla({ cwd: repo.dir, args: ["resume", "--json"] });
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(repo.git("show", "main:b.txt"), "b");
      } finally {
        rmSync(`${marks}.pid`, { force: true });
        repo.cleanup();
      }
    },
  );

  test(
    "a follow-up the run added (PARTIAL) before it was killed is scheduled again and lands",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      const marks = join(repo.dir, "..", `rest-${process.pid}-${Date.now()}`);
      try {
        repo.write(
          "plan.yaml",
          `version: 1
name: rest
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
        touch '${marks}.rest'
        n=0; while [ ! -e '${marks}.go' ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
        echo two > pages/2.txt && git add -A && git commit -qm "page 2"
        echo "STATUS: COMPLETE"
      fi
`,
        );
        repo.commit("plan");
        const first = startFlotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        await waitFor(() => existsSync(`${marks}.rest`), LONG / 2, "the follow-up's agent to start");
        first.child.kill("SIGKILL");
        await first.done;

        const resumed = startFlotilla({ cwd: repo.dir, args: ["resume", "--json"] });
        writeFileSync(`${marks}.go`, "");
        const r = await resumed.done;
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as {
          run: { status: string };
          items: { id: string; status: string; attempts: unknown[] }[];
        };
        assert.equal(report.run.status, "landed");
        const rest = report.items.find((i) => i.id === "pages-rest-1");
        assert.equal(rest?.status, "landed");
        assert.equal(rest.attempts.length, 1, "the follow-up's agent was re-attached, not run again");
        assert.equal(repo.git("show", "main:pages/2.txt"), "two");
      } finally {
        writeFileSync(`${marks}.go`, "");
        for (const f of [".rest", ".go"]) rmSync(`${marks}${f}`, { force: true });
        repo.cleanup();
      }
    },
  );

  test(
    "killed after the agent started but before its pid was recorded: the agent is found by its pid file and re-attached",
    { timeout: LONG },
    async () => {
      const repo = engineRepo();
      const marks = join(repo.dir, "..", `pidfile-${process.pid}-${Date.now()}`);
      try {
        writeFileSync(`${marks}.runs`, "");
        repo.write(
          "plan.yaml",
          `version: 1
name: window
agent: shell
retries: 0
items:
  - id: w
    title: Waits
    run: |
      echo run >> '${marks}.runs'
      touch '${marks}.started'
      n=0; while [ ! -e '${marks}.go' ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n + 1)); done
      echo w > w.txt && git add w.txt && git commit -qm w
`,
        );
        repo.commit("plan");
        const first = startFlotilla({ cwd: repo.dir, args: ["run", "plan.yaml"] });
        await waitFor(() => existsSync(`${marks}.started`), LONG / 2, "the agent to start");
        first.child.kill("SIGKILL");
        await first.done;
        // The window: the state never got the agent's pid.
        const store = openStateStore({ file: repoPaths(repo).stateDb, mustExist: true });
        assert.ok(store.ok);
        store.value.updateAttempt("window-1", "w", 1, { pid: undefined, pidStartTime: undefined });
        store.value.close();

        const resumed = startFlotilla({ cwd: repo.dir, args: ["resume", "--json"] });
        await waitFor(
          () => {
            const s = openStateStore({ file: repoPaths(repo).stateDb, mustExist: true });
            if (!s.ok) return false;
            const pid = s.value.getAttempt("window-1", "w", 1)?.pid;
            s.value.close();
            return pid !== undefined;
          },
          LONG / 2,
          "resume to record the pid it found",
        );
        writeFileSync(`${marks}.go`, "");
        const r = await resumed.done;
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as {
          items: { id: string; status: string; attempts: { outcome: string }[] }[];
        };
        const w = report.items.find((i) => i.id === "w")!;
        assert.equal(w.status, "landed");
        assert.deepEqual(
          w.attempts.map((a) => a.outcome),
          ["accepted"],
        );
        assert.equal(readFileSync(`${marks}.runs`, "utf8"), "run\n", "the agent ran once");
      } finally {
        writeFileSync(`${marks}.go`, "");
        for (const f of [".runs", ".started", ".go"]) rmSync(`${marks}${f}`, { force: true });
        repo.cleanup();
      }
    },
  );
});

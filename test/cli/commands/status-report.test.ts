import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { reportCommand } from "../../../src/cli/commands/report.js";
import { statusCommand } from "../../../src/cli/commands/status.js";
import type { Report, StatusView } from "../../../src/core/report-types.js";
import { gitdir } from "../../support/gitdir.js";
import { tempDir } from "../../support/temp.js";
import { addAttempt, addRun, captureIO, stateRepo, type StateRepo } from "../support/state-repo.js";

let sr: StateRepo;

before(() => {
  sr = stateRepo();
  const store = sr.open();
  try {
    const base = sr.repo.git("rev-parse", "main");
    const done = addRun(store, {
      name: "demo",
      status: "partial",
      baseCommit: base,
      ended: true,
      items: [
        { id: "login-api", status: "landed" },
        { id: "changelog", status: "failed" },
        { id: "docs", status: "blocked", lastReason: "a dependency did not merge: changelog" },
      ],
    });
    addAttempt(sr, store, {
      runId: done,
      itemId: "login-api",
      n: 1,
      outcome: "rejected",
      reason: "pre_merge gate `npm test` failed (exit 1)",
      costUsd: 0.1,
    });
    const accepted = addAttempt(sr, store, {
      runId: done,
      itemId: "login-api",
      n: 2,
      outcome: "accepted",
      costUsd: 0.15,
    });
    addAttempt(sr, store, {
      runId: done,
      itemId: "changelog",
      n: 1,
      outcome: "failed",
      reason: "the agent exited with code 1",
    });
    store.updateItem(done, "login-api", {
      mergedCommit: accepted.headCommit,
      conflictClass: "clean",
      filesChanged: ["login-api-2.txt"],
      commits: [{ sha: accepted.headCommit!, subject: "login-api attempt 2" }],
    });
    store.updateItem(done, "changelog", { lastReason: "the agent exited with code 1" });
    store.recordGateRun({
      runId: done,
      itemId: "login-api",
      attempt: 1,
      stage: "pre_merge",
      command: "npm test",
      exitCode: 1,
      timedOut: false,
      durationMs: 2000,
      outputTail: "1 failing",
      startedAt: "2025-01-01T10:01:20.000Z",
    });
    const live = addRun(store, {
      name: "demo",
      status: "running",
      baseCommit: base,
      items: [{ id: "api", status: "running" }],
    });
    addAttempt(sr, store, { runId: live, itemId: "api", n: 1, running: true });
  } finally {
    store.close();
  }
});

after(() => {
  sr.cleanup();
});

// Paths and commit ids differ per test run; the rest of the text is fixed.
function normalize(text: string): string {
  return text
    .replaceAll(sr.paths.lanesRoot, "<lanes>")
    .replaceAll(sr.repo.dir, "<repo>")
    .replace(/\b[0-9a-f]{7}\b/g, "<sha>");
}

test("status without a run id shows the newest run, whose owner (this process) is alive", async () => {
  const io = captureIO(sr.repo.dir);
  assert.equal(await statusCommand({ io, runId: undefined, json: true }), 0);
  const view = JSON.parse(io.stdout()) as StatusView;
  assert.equal(view.run.id, "demo-2");
  assert.equal(view.run.status, "running");
  assert.equal(view.run.owner_alive, true);
  assert.equal(view.counts.running, 1);
  const api = view.items[0]!;
  assert.equal(api.attempt, 1);
  assert.equal(api.attempt_outcome, null);
  assert.equal(io.stderr(), "");
});

test("status of a finished run, as text", async () => {
  const io = captureIO(sr.repo.dir);
  assert.equal(await statusCommand({ io, runId: "demo-1", json: false }), 0);
  assert.equal(
    normalize(io.stdout()),
    `demo-1: partial after 5m (plans/demo.yaml)
  base main → integration flotilla/demo
  items: 1 landed, 1 failed, 1 blocked; cost so far $0.25

  id         status   attempt  agent  time  cost   note
  login-api  landed   #2       shell  30s   $0.25  merged <sha>
  changelog  failed   #1       shell  30s   -      the agent exited with code 1
  docs       blocked  -        -      -     -      a dependency did not merge: changelog
`,
  );
});

test("status works from inside a lane: the state is in the common git dir", async () => {
  const io = captureIO(sr.paths.laneDir("demo-1", "changelog", 1));
  assert.equal(await statusCommand({ io, runId: "demo-1", json: true }), 0);
  assert.equal((JSON.parse(io.stdout()) as StatusView).run.id, "demo-1");
});

test("report of a finished run, as text", async () => {
  const io = captureIO(sr.repo.dir);
  assert.equal(await reportCommand({ io, runId: "demo-1", json: false }), 0);
  assert.equal(
    normalize(io.stdout()),
    `Run demo-1: partial (plans/demo.yaml)
  base main → integration flotilla/demo; not landed
  started 2025-01-01 10:00:00 UTC, ended 2025-01-01 10:05:00 UTC (5m)

Items
  id         status   attempts  cost   merged   files  title
  login-api  landed   2         $0.25  <sha>  1      Do login-api
      #1  shell  rejected  30s  $0.10  pre_merge gate \`npm test\` failed (exit 1)
      #2  shell  accepted  30s  $0.15
  changelog  failed   1         -      -        0      Do changelog
      #1  shell  failed    30s  -      the agent exited with code 1
  docs       blocked  0         -      -        0      Do docs
      a dependency did not merge: changelog

Totals
  cost $0.25, no tokens reported
  agent time 1m30s, wall 5m, 3 attempts, 1 merge, 1 gate run (1 failed)
  items: 1 landed, 1 failed, 1 blocked

Failed gates
  pre_merge  login-api #1  exit 1  2s  npm test

Failed lanes (kept until \`flotilla cleanup --force\`; their branches and refs always stay)
  changelog #1  <lanes>/demo-1/changelog.1
    branch flotilla-lane/demo-1/changelog/1
    last reason: the agent exited with code 1

Next
  - \`git log --oneline --first-parent flotilla/demo\`: the merged work (not landed on main)
  - \`flotilla cleanup demo-1\` removes the lanes of merged items and superseded attempts; failed lanes stay until --force (branches and refs stay either way)
`,
  );
});

test("report --json of the newest run has the contract's keys", async () => {
  const io = captureIO(sr.repo.dir);
  assert.equal(await reportCommand({ io, runId: undefined, json: true }), 0);
  const r = JSON.parse(io.stdout()) as Report;
  assert.equal(r.run.id, "demo-2");
  assert.equal(r.run.ended_at, null);
  assert.equal(r.items[0]?.attempts[0]?.outcome, null);
  assert.deepEqual(Object.keys(r.totals).slice(0, 5), [
    "cost_usd",
    "agent_seconds",
    "wall_seconds",
    "gate_runs",
    "merges",
  ]);
  const io1 = captureIO(sr.repo.dir);
  assert.equal(await reportCommand({ io: io1, runId: "demo-1", json: true }), 0);
  const r1 = JSON.parse(io1.stdout()) as Report;
  assert.equal(r1.totals.cost_usd, 0.25);
  assert.equal(r1.items[0]?.merged_commit?.length, 40);
});

test("an unknown run is a usage error naming the known runs", async () => {
  for (const command of [statusCommand, reportCommand]) {
    const io = captureIO(sr.repo.dir);
    assert.equal(await command({ io, runId: "nope-9", json: false }), 2);
    assert.equal(io.stdout(), "");
    assert.equal(
      io.stderr(),
      'flotilla: error: no run "nope-9" in this repository; known runs (newest first): demo-2, demo-1.\n',
    );
  }
});

test("outside a git repository: exit 2 and a clear message", async () => {
  const dir = tempDir("norepo");
  try {
    for (const command of [statusCommand, reportCommand]) {
      const io = captureIO(dir.dir);
      assert.equal(await command({ io, runId: undefined, json: false }), 2);
      assert.equal(
        io.stderr(),
        `flotilla: error: ${dir.dir} is not inside a git repository, so there is no flotilla run here. Run this in the repository (or one of its worktrees) where \`flotilla run\` ran.\n`,
      );
    }
  } finally {
    dir.cleanup();
  }
});

test("a repository without flotilla state: exit 2, and no state file is created", async () => {
  const repo = gitdir({ prefix: "nostate" });
  try {
    const db = join(repo.dir, ".git", "flotilla", "state.db");
    for (const command of [statusCommand, reportCommand]) {
      const io = captureIO(repo.dir);
      assert.equal(await command({ io, runId: undefined, json: true }), 2);
      assert.equal(
        io.stderr(),
        `flotilla: error: no flotilla run in this repository yet (there is no ${db}). Start one with \`flotilla run PLAN\`.\n`,
      );
    }
    assert.equal(existsSync(db), false);
  } finally {
    repo.cleanup();
  }
});

test("main wires status, report and cleanup with their arguments", async () => {
  const { main } = await import("../../../src/cli/main.js");
  const io = captureIO(sr.repo.dir);
  assert.equal(await main(["report", "demo-1", "--json"], io), 0);
  assert.equal((JSON.parse(io.stdout()) as Report).run.id, "demo-1");
  const io2 = captureIO(sr.repo.dir);
  assert.equal(await main(["status", "nope-1"], io2), 2);
  assert.match(io2.stderr(), /no run "nope-1"/);
});

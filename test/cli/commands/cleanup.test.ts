import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupCommand, planCleanup } from "../../../src/cli/commands/cleanup.js";
import type { AttemptRecord, ItemRecord, RunRecord } from "../../../src/core/state-types.js";
import { tempDir } from "../../support/temp.js";
import { addAttempt, addRun, captureIO, stateRepo, type StateRepo } from "../support/state-repo.js";

let sr: StateRepo;

// demo-1 (partial, over): login-api landed after 2 attempts; changelog failed after 2; docs blocked;
// its gate worktree is there. demo-2 (running): api merged; web on its second attempt.
beforeEach(() => {
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
        { id: "docs", status: "blocked" },
      ],
    });
    addAttempt(sr, store, { runId: done, itemId: "login-api", n: 1, outcome: "rejected" });
    addAttempt(sr, store, { runId: done, itemId: "login-api", n: 2, outcome: "accepted" });
    addAttempt(sr, store, { runId: done, itemId: "changelog", n: 1, outcome: "failed" });
    addAttempt(sr, store, { runId: done, itemId: "changelog", n: 2, outcome: "failed" });
    sr.repo.git("worktree", "add", "--quiet", "--detach", sr.paths.gateWorktree(done), base);
    const live = addRun(store, {
      name: "demo",
      status: "running",
      baseCommit: base,
      items: [
        { id: "api", status: "merged" },
        { id: "web", status: "running" },
      ],
    });
    addAttempt(sr, store, { runId: live, itemId: "api", n: 1, outcome: "accepted" });
    addAttempt(sr, store, { runId: live, itemId: "web", n: 1, outcome: "rejected" });
    addAttempt(sr, store, { runId: live, itemId: "web", n: 2, running: true });
  } finally {
    store.close();
  }
});

afterEach(() => {
  sr.cleanup();
});

const lane = (run: string, item: string, n: number) => sr.paths.laneDir(run, item, n);
const refsAndBranches = () => sr.repo.git("for-each-ref", "--format=%(refname) %(objectname)");

function normalize(text: string): string {
  return text.replaceAll(sr.paths.lanesRoot, "<lanes>").replaceAll(sr.repo.dir, "<repo>");
}

test("cleanup removes lanes of merged and landed items and superseded attempts; keeps failed lanes, live runs' lanes and every ref", async () => {
  const refsBefore = refsAndBranches();
  assert.equal(refsBefore.split("\n").filter((l) => l.startsWith("refs/flotilla/attempts/")).length, 7);
  const io = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io, runId: undefined, force: false }), 0);
  assert.equal(io.stderr(), "");
  assert.equal(
    normalize(io.stdout()),
    `demo-2 (running)
  removed  api #1  api is merged
      <lanes>/demo-2/api.1
  kept     web #1  the run is still running
      <lanes>/demo-2/web.1
  kept     web #2  the run is still running
      <lanes>/demo-2/web.2
demo-1 (partial)
  removed  login-api #1   login-api is landed
      <lanes>/demo-1/login-api.1
  removed  login-api #2   login-api is landed
      <lanes>/demo-1/login-api.2
  removed  changelog #1   superseded by attempt 2
      <lanes>/demo-1/changelog.1
  kept     changelog #2   changelog is failed: look at it there; \`flotilla cleanup --force\` removes it
      <lanes>/demo-1/changelog.2
  removed  gate worktree  the run is over
      <lanes>/demo-1/_gate

Removed 5 folders, kept 3. Lane branches and refs/flotilla/ refs were not touched: every commit stays reachable.
Ran git worktree prune.
`,
  );
  for (const [run, item, n] of [
    ["demo-1", "login-api", 1],
    ["demo-1", "login-api", 2],
    ["demo-1", "changelog", 1],
    ["demo-2", "api", 1],
  ] as const) {
    assert.equal(existsSync(lane(run, item, n)), false, `${item}.${n} removed`);
  }
  assert.equal(existsSync(sr.paths.gateWorktree("demo-1")), false);
  for (const [run, item, n] of [
    ["demo-1", "changelog", 2],
    ["demo-2", "web", 1],
    ["demo-2", "web", 2],
  ] as const) {
    assert.ok(existsSync(join(lane(run, item, n), `${item}-${n}.txt`)), `${item}.${n} kept with its files`);
  }
  // Every branch and ref stays; git no longer lists the removed worktrees.
  assert.equal(refsAndBranches(), refsBefore);
  const listed = sr.repo.git("worktree", "list", "--porcelain");
  assert.ok(!listed.includes("login-api.1"));
  assert.ok(listed.includes("changelog.2"));
  // The commit of a removed lane is still reachable through its branch and its ref.
  assert.equal(sr.repo.git("cat-file", "-t", "refs/flotilla/attempts/demo-1/login-api/1"), "commit");
  assert.equal(
    sr.repo.git("log", "-1", "--format=%s", "flotilla-lane/demo-1/changelog/1"),
    "changelog attempt 1",
  );
});

test("cleanup --force of one run also removes its failed lane and its lanes' branches; other runs are not touched; refs stay", async () => {
  const refsBefore = refsAndBranches();
  const io = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io, runId: "demo-1", force: true }), 0);
  assert.match(io.stdout(), /removed {2}changelog #2 {3}changelog is failed \(--force\)/);
  assert.equal(existsSync(lane("demo-1", "changelog", 2)), false);
  assert.ok(existsSync(lane("demo-2", "api", 1)), "the other run was not cleaned");
  assert.equal(
    existsSync(join(sr.paths.root, "lanes", "demo-1")),
    false,
    "the empty lanes folder of the run went too",
  );
  // The lane branches of demo-1 went (their commits are kept by the attempt refs); every other
  // branch and every ref under refs/flotilla/ stayed as it was.
  const demo1Branch = (l: string) => l.startsWith("refs/heads/flotilla-lane/demo-1/");
  assert.equal(
    refsAndBranches(),
    refsBefore
      .split("\n")
      .filter((l) => !demo1Branch(l))
      .join("\n"),
  );
  assert.equal(refsBefore.split("\n").filter(demo1Branch).length, 4);
  assert.match(
    io.stdout(),
    /branch flotilla-lane\/demo-1\/changelog\/2 deleted: its commits are kept by refs\/flotilla\/attempts\/demo-1\/changelog\/2 \(--force\)/,
  );
  // A second cleanup finds nothing left of demo-1.
  const again = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io: again, runId: "demo-1", force: true }), 0);
  assert.equal(
    again.stdout(),
    "Nothing to clean up: no lane folders are left.\n\nRemoved 0 folders, kept 0, 4 already gone. Lane branches and refs/flotilla/ refs were not touched: every commit stays reachable.\nRan git worktree prune.\n",
  );
});

test("a lane with changes git would lose is kept without --force and removed with it", async () => {
  writeFileSync(join(lane("demo-2", "api", 1), "scratch.txt"), "not committed\n");
  const io = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io, runId: "demo-2", force: false }), 0);
  assert.match(
    io.stdout(),
    /kept +api #1 {2}api is merged, but git refused \(uncommitted changes, untracked files or a lock\): `flotilla cleanup --force` removes it anyway/,
  );
  assert.ok(existsSync(lane("demo-2", "api", 1)));
  const forced = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io: forced, runId: "demo-2", force: true }), 0);
  assert.match(
    forced.stdout(),
    /removed {2}api #1 {2}api is merged; it had changes or was locked \(--force\)/,
  );
  assert.equal(existsSync(lane("demo-2", "api", 1)), false);
  // Still running: --force does not touch the running run's other lanes.
  assert.ok(existsSync(lane("demo-2", "web", 1)));
  assert.ok(existsSync(lane("demo-2", "web", 2)));
});

test("cleanup does not remove the lane the user is standing in", async () => {
  const here = lane("demo-1", "login-api", 2);
  const io = captureIO(here);
  assert.equal(await cleanupCommand({ io, runId: "demo-1", force: false }), 0);
  assert.match(
    io.stdout(),
    /kept {5}login-api #2 {3}login-api is landed, but you are in it: run cleanup from elsewhere/,
  );
  assert.ok(existsSync(here));
  assert.equal(existsSync(lane("demo-1", "login-api", 1)), false);
});

test("cleanup: unknown run, no repository", async () => {
  const io = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io, runId: "other-1", force: false }), 2);
  assert.match(
    io.stderr(),
    /no run "other-1" in this repository; known runs \(newest first\): demo-2, demo-1/,
  );
  const dir = tempDir("norepo");
  try {
    const outside = captureIO(dir.dir);
    assert.equal(await cleanupCommand({ io: outside, runId: undefined, force: false }), 2);
    assert.match(outside.stderr(), /is not inside a git repository/);
  } finally {
    dir.cleanup();
  }
});

test("planCleanup keeps the lanes an interrupted run may resume, even with --force", () => {
  const run = { id: "r-1", status: "interrupted" } as RunRecord;
  const item = (id: string, status: ItemRecord["status"]) => ({ id, status }) as ItemRecord;
  const attempt = (itemId: string, n: number) =>
    ({ itemId, n, laneDir: `/l/${itemId}.${n}` }) as AttemptRecord;
  const decisions = planCleanup({
    run,
    items: [item("a", "queued"), item("b", "failed"), item("c", "landed")],
    attempts: [attempt("a", 1), attempt("a", 2), attempt("b", 1), attempt("c", 1)],
    force: true,
    gateWorktree: "/l/_gate",
  });
  assert.deepEqual(
    decisions.map((d) => [d.path, d.action]),
    [
      ["/l/a.1", "remove"],
      ["/l/a.2", "keep"],
      ["/l/b.1", "remove"],
      ["/l/c.1", "remove"],
      ["/l/_gate", "keep"],
    ],
  );
  assert.equal(decisions[1]?.why, "the run was interrupted with a queued; `flotilla resume r-1` may need it");
});

test("--dry-run lists and changes nothing; then a merged lane's branch goes, --force archives what nothing else keeps, orphans are listed", async () => {
  sr.repo.git("merge", "--quiet", "--ff-only", "flotilla-lane/demo-1/login-api/2");
  const dropped = sr.repo.git("rev-parse", "flotilla-lane/demo-1/changelog/2");
  sr.repo.git("update-ref", "-d", "refs/flotilla/attempts/demo-1/changelog/2");
  mkdirSync(join(sr.paths.lanesRoot, "demo-1", "stray.1"), { recursive: true });
  const refsBefore = refsAndBranches();
  const dry = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io: dry, runId: "demo-1", force: true, dryRun: true }), 0);
  const listed = normalize(dry.stdout());
  assert.match(listed, /would remove {2}changelog #2 {3}changelog is failed \(--force\)/);
  assert.match(
    listed,
    /branch flotilla-lane\/demo-1\/login-api\/2 would be deleted: its commits are in main/,
  );
  assert.match(
    listed,
    /branch flotilla-lane\/demo-1\/changelog\/2 would be archived as refs\/flotilla\/archive\/attempts\/demo-1\/changelog\/2/,
  );
  assert.match(
    listed,
    /orphan {3}<lanes>\/demo-1\/stray\.1 {2}\(not a lane run demo-1 recorded: left alone\)/,
  );
  assert.match(listed, /Dry run: nothing was changed\.\n$/);
  assert.equal(refsAndBranches(), refsBefore);
  assert.ok(existsSync(lane("demo-1", "changelog", 2)));

  const io = captureIO(sr.repo.dir);
  assert.equal(await cleanupCommand({ io, runId: "demo-1", force: true }), 0);
  const out = io.stdout();
  assert.match(out, /branch flotilla-lane\/demo-1\/login-api\/2 deleted: its commits are in main/);
  assert.match(
    out,
    /get it back with: git branch flotilla-lane\/demo-1\/changelog\/2 refs\/flotilla\/archive\/attempts\/demo-1\/changelog\/2/,
  );
  assert.equal(sr.repo.git("rev-parse", "refs/flotilla/archive/attempts/demo-1/changelog/2"), dropped);
  assert.throws(() =>
    sr.repo.git("rev-parse", "--verify", "-q", "refs/heads/flotilla-lane/demo-1/changelog/2"),
  );
  assert.ok(existsSync(join(sr.paths.lanesRoot, "demo-1", "stray.1")), "an orphan is listed, not removed");
});

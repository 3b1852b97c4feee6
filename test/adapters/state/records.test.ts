// Runs, items, attempts, gate runs and events: every field written comes back as it was, absent
// optional fields stay absent, and listings come in their documented order.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  StateStoreError,
  type AttemptRecord,
  type ItemRecord,
  type RunRecord,
  type StateStore,
} from "../../../src/core/state-types.js";
import { FIXED_NOW, baseRun, newRun, open, scratch } from "./helpers.js";

function fixture(t: { after: (fn: () => void) => void }): StateStore {
  const s = scratch();
  const store = open(s.file, { now: () => new Date(FIXED_NOW) });
  t.after(() => {
    store.close();
    s.cleanup();
  });
  return store;
}

const isFailure =
  (reason: StateStoreError["reason"]) =>
  (e: unknown): boolean =>
    e instanceof StateStoreError && e.reason === reason;

test("run ids count up per plan name, atomically with the insert", (t) => {
  const store = fixture(t);
  assert.equal(store.createRun(newRun("demo")).id, "demo-1");
  assert.equal(store.createRun(newRun("demo")).id, "demo-2");
  assert.equal(store.createRun(newRun("other")).id, "other-1");
  assert.equal(store.createRun(newRun("demo-1")).id, "demo-1-1");
  assert.equal(store.createRun(newRun("demo")).id, "demo-3");
  // minN steps past ids still named by git refs; it never goes back.
  assert.equal(store.createRun(newRun("demo"), { minN: 10 }).id, "demo-10");
  assert.equal(store.createRun(newRun("demo"), { minN: 2 }).id, "demo-11");
  assert.equal(store.createRun(newRun("fresh"), { minN: 5 }).id, "fresh-5");
});

test("a run round-trips every field; optional fields left out stay absent", (t) => {
  const store = fixture(t);
  const minimal = store.createRun(newRun());
  const expected: RunRecord = { ...baseRun(), id: "demo-1", status: "running" };
  assert.deepEqual(minimal, expected);
  assert.deepEqual(store.getRun("demo-1"), expected);
  for (const key of ["endedAt", "landedCommit", "pidStartTime"]) assert.equal(key in minimal, false, key);

  const full = store.createRun(
    newRun("demo", {
      status: "landed",
      endedAt: "2025-01-01T01:00:00.123Z",
      landedCommit: "b".repeat(40),
      pidStartTime: "123456789",
      optionsJson: JSON.stringify({ maxParallel: 2 }),
    }),
  );
  assert.deepEqual(store.getRun(full.id), full);
  assert.equal(full.status, "landed");
  assert.equal(full.pidStartTime, "123456789");
  // Explicit undefined on input means absent.
  const withUndefined = store.createRun(newRun("demo", { endedAt: undefined }));
  assert.equal("endedAt" in withUndefined, false);
  assert.equal(store.getRun("nope-1"), undefined);
});

test("listRuns is newest first; latestRun and latestUnfinishedRun filter by plan", (t) => {
  const store = fixture(t);
  const a1 = store.createRun(newRun("a"));
  const b1 = store.createRun(newRun("b"));
  const a2 = store.createRun(newRun("a"));
  assert.deepEqual(
    store.listRuns().map((r) => r.id),
    ["a-2", "b-1", "a-1"],
  );
  assert.deepEqual(
    store.listRuns({ planName: "a" }).map((r) => r.id),
    ["a-2", "a-1"],
  );
  assert.equal(store.latestRun()?.id, a2.id);
  assert.equal(store.latestRun({ planName: "b" })?.id, b1.id);
  assert.equal(store.latestRun({ planName: "zzz" }), undefined);

  store.updateRun(a2.id, { status: "landed", endedAt: "2025-01-01T02:00:00.000Z" });
  assert.equal(store.latestUnfinishedRun()?.id, b1.id);
  assert.equal(store.latestUnfinishedRun({ planName: "a" })?.id, a1.id);
  store.updateRun(a1.id, { status: "interrupted" });
  assert.equal(store.latestUnfinishedRun({ planName: "a" })?.id, a1.id);
  store.updateRun(a1.id, { status: "failed" });
  store.updateRun(b1.id, { status: "partial" });
  assert.equal(store.latestUnfinishedRun(), undefined);
});

test("updateRun changes the given fields, clears optional ones given as undefined, refuses unknown runs", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  const ended = store.updateRun(run.id, {
    status: "landed",
    endedAt: "2025-01-01T03:00:00.999Z",
    landedCommit: "c".repeat(40),
    pidStartTime: "77",
  });
  assert.deepEqual(ended, {
    ...run,
    status: "landed",
    endedAt: "2025-01-01T03:00:00.999Z",
    landedCommit: "c".repeat(40),
    pidStartTime: "77",
  });
  // Resume: running again, by another process, end time cleared.
  const resumed = store.updateRun(run.id, {
    status: "running",
    endedAt: undefined,
    pid: 999,
    pidStartTime: undefined,
    host: "other",
  });
  assert.deepEqual(resumed, { ...run, landedCommit: "c".repeat(40), pid: 999, host: "other" });
  assert.deepEqual(store.updateRun(run.id, {}), resumed);
  assert.throws(() => store.updateRun("demo-9", { status: "failed" }), isFailure("not-found"));
  assert.throws(() => store.updateRun("demo-9", {}), isFailure("not-found"));
});

test("items: defaults on upsert, every field round-trips, upsert replaces whole, plan order kept", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  store.upsertItems(run.id, [
    { id: "b", status: "pending" },
    { id: "a", status: "ready", mergedCommit: undefined },
  ]);
  const defaults: ItemRecord = {
    runId: run.id,
    id: "b",
    status: "pending",
    retriesUsed: 0,
    fixForwardsUsed: 0,
    conflictFiles: [],
    filesChanged: [],
    commits: [],
    updatedAt: FIXED_NOW,
  };
  assert.deepEqual(store.getItem(run.id, "b"), defaults);
  assert.equal("mergedCommit" in store.getItem(run.id, "a")!, false);

  const full: ItemRecord = {
    runId: run.id,
    id: "a",
    status: "merged",
    retriesUsed: 2,
    fixForwardsUsed: 1,
    mergedCommit: "d".repeat(40),
    conflictClass: "medium",
    conflictFiles: ["src/x.ts", "src/y ü.ts"],
    filesChanged: ["src/x.ts", "README.md"],
    commits: [
      { sha: "e".repeat(40), subject: "add x" },
      { sha: "f".repeat(40), subject: 'quote " and newline\nsecond line' },
    ],
    notes: "relay: x exported from src/x.ts",
    lastReason: "gate npm test failed",
    updatedAt: "2025-01-01T00:00:00.001Z",
  };
  const { runId: _runId, ...input } = full;
  store.upsertItems(run.id, [input, { id: "c", status: "pending" }]);
  assert.deepEqual(store.getItem(run.id, "a"), full);
  assert.deepEqual(
    store.listItems(run.id).map((i) => i.id),
    ["b", "a", "c"],
  );
  // Upsert writes the item whole: what is left out goes back to its default.
  store.upsertItems(run.id, [{ id: "a", status: "ready" }]);
  assert.deepEqual(store.getItem(run.id, "a"), { ...defaults, id: "a", status: "ready" });
  assert.equal(store.getItem(run.id, "zzz"), undefined);
  assert.deepEqual(store.listItems("nope-1"), []);
  assert.throws(() => {
    store.upsertItems("nope-1", [{ id: "a", status: "pending" }]);
  }, isFailure("not-found"));
});

test("updateItem changes fields, stamps updatedAt, clears optional fields given as undefined", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  store.upsertItems(run.id, [{ id: "a", status: "pending", updatedAt: "2020-01-01T00:00:00.000Z" }]);
  const failed = store.updateItem(run.id, "a", {
    status: "failed",
    retriesUsed: 3,
    lastReason: "out of attempts",
    conflictFiles: ["a.ts"],
    commits: [{ sha: "1".repeat(40), subject: "s" }],
  });
  assert.deepEqual(failed, {
    runId: run.id,
    id: "a",
    status: "failed",
    retriesUsed: 3,
    fixForwardsUsed: 0,
    conflictFiles: ["a.ts"],
    filesChanged: [],
    commits: [{ sha: "1".repeat(40), subject: "s" }],
    lastReason: "out of attempts",
    updatedAt: FIXED_NOW,
  });
  const cleared = store.updateItem(run.id, "a", {
    status: "ready",
    lastReason: undefined,
    updatedAt: "2025-05-05T05:05:05.555Z",
  });
  assert.equal("lastReason" in cleared, false);
  assert.equal(cleared.updatedAt, "2025-05-05T05:05:05.555Z");
  assert.throws(() => store.updateItem(run.id, "zzz", { status: "ready" }), isFailure("not-found"));
  assert.throws(() => store.updateItem("nope-1", "a", { status: "ready" }), isFailure("not-found"));
});

function minimalAttempt(runId: string, itemId: string, n: number): AttemptRecord {
  return {
    runId,
    itemId,
    n,
    agent: "shell",
    laneDir: `/lanes/${itemId}-${n}`,
    branch: `flotilla/demo/${itemId}/${n}`,
    baseCommit: "0".repeat(40),
    startedAt: "2025-01-01T00:00:01.000Z",
    permissionDenials: [],
    violations: [],
  };
}

test("attempts: every field round-trips, minimal ones keep optional fields absent, updates and clears", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  store.upsertItems(run.id, [
    { id: "a", status: "running" },
    { id: "b", status: "running" },
  ]);
  const full: AttemptRecord = {
    runId: run.id,
    itemId: "a",
    n: 1,
    agent: "claude",
    laneDir: "/lanes/a-1",
    branch: "flotilla/demo/a/1",
    baseCommit: "0".repeat(40),
    headCommit: "1".repeat(40),
    startedAt: "2025-01-01T00:00:01.000Z",
    endedAt: "2025-01-01T00:10:01.500Z",
    exitCode: 0,
    signal: "SIGTERM",
    outcome: "rejected",
    reason: "gate failed",
    feedback: "try again: tests",
    costUsd: 0.1234,
    tokensIn: 12345,
    tokensOut: 678,
    numTurns: 9,
    sessionId: "sess-1",
    permissionDenials: ["Bash(rm -rf /)", "Write(/etc/passwd)"],
    agentStatus: "PARTIAL",
    agentNotes: "did half",
    pid: 31337,
    pidStartTime: "555",
    stdoutFile: "/logs/a-1.out",
    stderrFile: "/logs/a-1.err",
    violations: ["moved refs/heads/main"],
  };
  assert.deepEqual(store.insertAttempt(full), full);
  assert.deepEqual(store.getAttempt(run.id, "a", 1), full);

  const {
    permissionDenials: _denials,
    violations: _violations,
    ...withoutArrays
  } = minimalAttempt(run.id, "a", 2);
  const minimal = store.insertAttempt({ ...withoutArrays, outcome: undefined, exitCode: undefined });
  assert.deepEqual(minimal, minimalAttempt(run.id, "a", 2));
  for (const key of ["headCommit", "endedAt", "exitCode", "outcome", "costUsd", "pid", "signal"]) {
    assert.equal(key in minimal, false, key);
  }

  const done = store.updateAttempt(run.id, "a", 2, {
    outcome: "accepted",
    endedAt: "2025-01-01T00:20:00.000Z",
    exitCode: 0,
    costUsd: 1.5,
    permissionDenials: ["Bash(curl)"],
  });
  assert.deepEqual(done, {
    ...minimalAttempt(run.id, "a", 2),
    outcome: "accepted",
    endedAt: "2025-01-01T00:20:00.000Z",
    exitCode: 0,
    costUsd: 1.5,
    permissionDenials: ["Bash(curl)"],
  });
  const cleared = store.updateAttempt(run.id, "a", 1, { signal: undefined, exitCode: undefined });
  assert.equal("signal" in cleared, false);
  assert.equal("exitCode" in cleared, false);
  assert.throws(() => store.updateAttempt(run.id, "a", 7, { outcome: "lost" }), isFailure("not-found"));
  assert.equal(store.getAttempt(run.id, "a", 7), undefined);
});

test("attempts: n is unique per item, the item must exist, listings are by item then n", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  store.upsertItems(run.id, [
    { id: "z", status: "running" },
    { id: "a", status: "running" },
  ]);
  store.insertAttempt(minimalAttempt(run.id, "a", 2));
  store.insertAttempt(minimalAttempt(run.id, "z", 1));
  store.insertAttempt(minimalAttempt(run.id, "a", 1));
  assert.throws(() => store.insertAttempt(minimalAttempt(run.id, "a", 1)), isFailure("duplicate"));
  assert.throws(() => store.insertAttempt(minimalAttempt(run.id, "nope", 1)), isFailure("not-found"));
  assert.deepEqual(
    store.listAttempts(run.id).map((a) => `${a.itemId}/${a.n}`),
    ["z/1", "a/1", "a/2"],
  );
  assert.deepEqual(
    store.listAttempts(run.id, "a").map((a) => a.n),
    [1, 2],
  );
  assert.deepEqual(store.listAttempts(run.id, "nope"), []);
});

test("gate runs get increasing ids and round-trip, booleans included", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  const other = store.createRun(newRun("other"));
  const first = store.recordGateRun({
    runId: run.id,
    itemId: "a",
    attempt: 1,
    stage: "pre_merge",
    command: "npm test -- 'x y'",
    exitCode: 1,
    timedOut: false,
    durationMs: 1234,
    outputFile: "/logs/gate-1.log",
    outputTail: "FAIL x\n  at y",
    startedAt: "2025-01-01T00:00:02.000Z",
  });
  assert.deepEqual(first, {
    id: first.id,
    runId: run.id,
    itemId: "a",
    attempt: 1,
    stage: "pre_merge",
    command: "npm test -- 'x y'",
    exitCode: 1,
    timedOut: false,
    durationMs: 1234,
    outputFile: "/logs/gate-1.log",
    outputTail: "FAIL x\n  at y",
    startedAt: "2025-01-01T00:00:02.000Z",
  });
  store.recordGateRun({ ...first, runId: other.id });
  const second = store.recordGateRun({
    runId: run.id,
    stage: "land",
    command: "npm test",
    timedOut: true,
    durationMs: 600000.4,
    outputTail: "",
    startedAt: "2025-01-01T00:00:03.000Z",
  });
  assert.ok(second.id > first.id);
  assert.equal(second.timedOut, true);
  assert.equal(second.durationMs, 600000);
  for (const key of ["itemId", "attempt", "exitCode", "outputFile"]) assert.equal(key in second, false, key);
  assert.deepEqual(store.listGateRuns(run.id), [first, second]);
});

test("events are append-only, in order, and afterId/limit page through them", (t) => {
  const store = fixture(t);
  const run = store.createRun(newRun());
  const other = store.createRun(newRun("other"));
  const e1 = store.appendEvent({ runId: run.id, type: "run-started" });
  assert.deepEqual(e1, { id: e1.id, runId: run.id, at: FIXED_NOW, type: "run-started", data: {} });
  store.appendEvent({ runId: other.id, type: "run-started" });
  const e2 = store.appendEvent({
    runId: run.id,
    type: "attempt-ended",
    itemId: "a",
    attempt: 2,
    at: "2025-01-01T00:00:00.001Z",
    data: { outcome: "accepted", files: ["x", "y"], nested: { n: 1, ok: true, none: null } },
  });
  const e3 = store.appendEvent({ runId: run.id, type: "run-ended", itemId: undefined, data: {} });
  assert.ok(e1.id < e2.id && e2.id < e3.id);
  assert.deepEqual(store.listEvents(run.id), [e1, e2, e3]);
  assert.deepEqual(store.listEvents(run.id, { afterId: e1.id }), [e2, e3]);
  assert.deepEqual(store.listEvents(run.id, { afterId: e3.id }), []);
  assert.deepEqual(store.listEvents(run.id, { limit: 2 }), [e1, e2]);
  assert.deepEqual(store.listEvents(run.id, { afterId: e1.id, limit: 1 }), [e2]);
  assert.deepEqual(store.listEvents(other.id).length, 1);
  assert.equal("itemId" in e3, false);
});

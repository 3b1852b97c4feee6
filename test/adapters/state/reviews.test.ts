// The reviews table (schema version 2): a version-1 file upgrades in place keeping its data, and a
// review round-trips with its evidence, replaced when the same attempt is reviewed again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MIGRATIONS } from "../../../src/adapters/state/migrations.js";
import { openStateStoreWithMigrations } from "../../../src/adapters/state/sqlite-store.js";
import type { ReviewRecord } from "../../../src/core/state-types.js";
import { StateStoreError } from "../../../src/core/state-types.js";
import { newRun, open, scratch } from "./helpers.js";

function attemptOf(runId: string) {
  return {
    runId,
    itemId: "a",
    n: 1,
    agent: "shell",
    laneDir: "/lanes/a/1",
    branch: "flotilla-lane/x/a/1",
    baseCommit: "b".repeat(40),
    startedAt: "2025-01-01T00:00:01.000Z",
  };
}

test("a version-1 state file opens at version 2 with its runs, items and attempts kept", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const v1 = openStateStoreWithMigrations({ file: s.file }, MIGRATIONS.slice(0, 1));
  assert.ok(v1.ok);
  const run = v1.value.createRun(newRun());
  v1.value.upsertItems(run.id, [{ id: "a", status: "running" }]);
  const attempt = v1.value.insertAttempt(attemptOf(run.id));
  v1.value.close();
  const now = open(s.file);
  t.after(() => {
    now.close();
  });
  assert.deepEqual(now.getRun(run.id), run);
  assert.deepEqual(now.getAttempt(run.id, "a", 1), attempt);
  assert.deepEqual(now.listReviews(run.id), []);
});

test("a review round-trips with its evidence; a second review of the attempt replaces it", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file);
  t.after(() => {
    store.close();
  });
  const run = store.createRun(newRun());
  store.upsertItems(run.id, [{ id: "a", status: "running" }]);
  store.insertAttempt(attemptOf(run.id));
  const review: ReviewRecord = {
    runId: run.id,
    itemId: "a",
    attempt: 1,
    verdict: "FAIL",
    reason: 'acceptance criterion not met: "x"',
    criteria: [{ criterion: "x", status: "unmet", evidence: "check `false` exited 1" }],
    checks: [
      {
        criterion: "x",
        command: "false",
        passed: false,
        exitCode: 1,
        timedOut: false,
        durationMs: 12,
        outputTail: "",
      },
    ],
    reviewerAsks: 0,
    reviewedAt: "2025-01-01T00:00:02.000Z",
  };
  assert.deepEqual(store.recordReview(review), review);
  const again: ReviewRecord = {
    ...review,
    verdict: "PASS",
    reason: "ok",
    reviewer: "judge",
    reviewerSessionId: "s1",
    reviewerCostUsd: 0.25,
    reviewerAsks: 2,
    reviewerAnswer: "Final verdict: PASS",
    reviewedAt: "2025-01-01T00:00:03.000Z",
  };
  store.recordReview(again);
  assert.deepEqual(store.listReviews(run.id), [again]);
  assert.throws(
    () => store.recordReview({ ...review, attempt: 9 }),
    (e: unknown) => e instanceof StateStoreError && e.reason === "not-found",
  );
});

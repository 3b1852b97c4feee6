// planResume decides each item's step from facts alone; parseItemMerge recognizes this run's merges.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseItemMerge, planResume } from "../../src/core/resume-plan.js";
import type { AttemptRecord, ItemRecord, ItemStatus } from "../../src/core/state-types.js";

const item = (id: string, status: ItemStatus, extra: Partial<ItemRecord> = {}): ItemRecord => ({
  runId: "r-1",
  id,
  status,
  retriesUsed: 0,
  fixForwardsUsed: 0,
  conflictFiles: [],
  filesChanged: [],
  commits: [],
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});
const attempt = (itemId: string, n: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  runId: "r-1",
  itemId,
  n,
  agent: "shell",
  laneDir: `/lanes/${itemId}.${n}`,
  branch: `flotilla-lane/r-1/${itemId}/${n}`,
  baseCommit: "b".repeat(40),
  startedAt: "2026-01-01T00:00:00.000Z",
  permissionDenials: [],
  violations: [],
  ...extra,
});

describe("planResume", () => {
  test("each situation gets its step, with the counters it continues from", () => {
    const steps = planResume({
      itemIds: ["merged", "lostrow", "aheadref", "failed", "running", "gone", "queued", "cancelled"],
      items: [
        item("merged", "merged", { mergedCommit: "m".repeat(40) }),
        item("lostrow", "merged", { mergedCommit: "x".repeat(40) }),
        item("aheadref", "queued"),
        item("failed", "failed", { retriesUsed: 2 }),
        item("running", "running", { retriesUsed: 1 }),
        item("gone", "running"),
        item("queued", "queued"),
        item("cancelled", "cancelled"),
      ],
      attempts: [
        attempt("merged", 1, { outcome: "accepted", headCommit: "1".repeat(40) }),
        attempt("lostrow", 1, { outcome: "accepted", headCommit: "2".repeat(40) }),
        attempt("aheadref", 1, { outcome: "accepted", headCommit: "3".repeat(40) }),
        attempt("running", 1, { outcome: "failed" }),
        attempt("running", 2, { pid: 11 }),
        attempt("gone", 1, { pid: 12 }),
        attempt("queued", 1, { outcome: "accepted", headCommit: "4".repeat(40) }),
        attempt("cancelled", 1, { outcome: "cancelled" }),
      ],
      merges: [
        { itemId: "merged", attempt: 1, commit: "m".repeat(40) },
        { itemId: "aheadref", attempt: 1, commit: "a".repeat(40) },
      ],
      alive: (a) => a.pid === 11,
    });
    const by = new Map(steps.map((s) => [s.itemId, s]));
    assert.deepEqual(by.get("merged")?.step, { kind: "merged", commit: "m".repeat(40), reconciled: false });
    assert.deepEqual(by.get("aheadref")?.step, { kind: "merged", commit: "a".repeat(40), reconciled: true });
    // The row says merged but the branch lacks it: merged again from the attempt's head.
    assert.deepEqual(by.get("lostrow")?.step, { kind: "merge", attempt: 1, head: "2".repeat(40) });
    assert.deepEqual(by.get("failed")?.step, { kind: "failed" });
    assert.deepEqual(by.get("running")?.step, { kind: "adopt", attempt: 2, alive: true });
    assert.equal(by.get("running")?.attempts, 2);
    assert.equal(by.get("running")?.retriesUsed, 1);
    assert.deepEqual(by.get("gone")?.step, { kind: "adopt", attempt: 1, alive: false });
    assert.deepEqual(by.get("queued")?.step, { kind: "merge", attempt: 1, head: "4".repeat(40) });
    assert.deepEqual(by.get("cancelled")?.step, { kind: "pending" });
    assert.deepEqual(
      steps.map((s) => s.itemId),
      ["merged", "lostrow", "aheadref", "failed", "running", "gone", "queued", "cancelled"],
    );
  });
});

describe("parseItemMerge", () => {
  test("the queue's and the resolver's merge subjects of this run, nothing else", () => {
    const body = "Title\n\nRun: r-1\n";
    assert.deepEqual(parseItemMerge({ subject: "flotilla: merge a-b (attempt 3)", body, runId: "r-1" }), {
      itemId: "a-b",
      attempt: 3,
    });
    assert.deepEqual(
      parseItemMerge({
        subject: "flotilla: merge x (attempt 1), conflicts resolved by claude",
        body,
        runId: "r-1",
      }),
      { itemId: "x", attempt: 1 },
    );
    assert.equal(parseItemMerge({ subject: "flotilla: merge a (attempt 1)", body, runId: "r-2" }), undefined);
    assert.equal(
      parseItemMerge({ subject: "flotilla: merge main into flotilla/p", body, runId: "r-1" }),
      undefined,
    );
    assert.equal(
      parseItemMerge({
        subject: "flotilla: merge of a (attempt 1) with conflict markers in f",
        body,
        runId: "r-1",
      }),
      undefined,
    );
  });
});

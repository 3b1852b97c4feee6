import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReport, buildStatusView, countByStatus } from "../../src/core/report.js";
import type { AttemptRecord, RunRecord } from "../../src/core/state-types.js";
import { attempts, gateRuns, items, NOW, run } from "../cli/support/report-records.js";

const CONTRACT = {
  run: ["id", "plan", "status", "base", "integration_branch", "started_at", "ended_at", "landed_commit"],
  item: ["id", "status", "attempts", "merged_commit", "conflict", "files_changed", "commits"],
  attempt: [
    "n",
    "agent",
    "started_at",
    "ended_at",
    "exit_code",
    "outcome",
    "cost_usd",
    "tokens_in",
    "tokens_out",
    "feedback",
  ],
  conflict: ["class", "files"],
  totals: ["cost_usd", "agent_seconds", "wall_seconds", "gate_runs", "merges"],
};

// The fixture run without an end or a landed commit.
const { endedAt: _ended, landedCommit: _landed, ...unfinished } = run;

function hasKeys(obj: object, keys: readonly string[], where: string): void {
  for (const k of keys) {
    assert.ok(Object.hasOwn(obj, k), `${where} lacks "${k}"`);
  }
}

// Walks a JSON value and fails on any undefined (a key that JSON.stringify would drop).
function assertNoUndefined(value: unknown, path = "report"): void {
  assert.notEqual(value, undefined, `${path} is undefined`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertNoUndefined(v, `${path}[${i}]`);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) assertNoUndefined(v, `${path}.${k}`);
  }
}

test("the report has every key of the report --json contract, with nulls where values are absent", () => {
  const r = buildReport({ run, items, attempts, gateRuns, now: NOW });
  hasKeys(r, ["run", "items", "totals"], "report");
  hasKeys(r.run, CONTRACT.run, "run");
  hasKeys(r.totals, CONTRACT.totals, "totals");
  assert.equal(r.items.length, 3);
  for (const item of r.items) {
    hasKeys(item, CONTRACT.item, `item ${item.id}`);
    hasKeys(item.conflict, CONTRACT.conflict, `item ${item.id} conflict`);
    for (const a of item.attempts) hasKeys(a, CONTRACT.attempt, `attempt ${item.id} #${a.n}`);
  }
  assertNoUndefined(r);
  // JSON carries it unchanged: nothing was undefined, nothing is lost.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);

  const [login, changelog, docs] = [r.items[0]!, r.items[1]!, r.items[2]!];
  assert.equal(changelog.merged_commit, null);
  assert.deepEqual(changelog.conflict, { class: null, files: [], resolution: null, resolvers: [] });
  assert.deepEqual(docs.attempts, []);
  assert.equal(docs.cost_usd, null);
  const failed = changelog.attempts[0]!;
  assert.equal(failed.cost_usd, null);
  assert.equal(failed.tokens_in, null);
  assert.equal(failed.tokens_out, null);
  assert.equal(failed.feedback, null);
  assert.equal(failed.exit_code, 1);
  assert.equal(failed.head_commit, null);
  assert.equal(
    login.attempts[1]?.feedback,
    "attempt 1 was rejected: pre_merge gate `npm test` failed (exit 1)",
  );
});

test("the report carries the run, items and attempts as recorded", () => {
  const r = buildReport({ run, items, attempts, gateRuns, now: NOW });
  assert.deepEqual(
    {
      id: r.run.id,
      plan: r.run.plan,
      status: r.run.status,
      base: r.run.base,
      integration_branch: r.run.integration_branch,
      started_at: r.run.started_at,
      ended_at: r.run.ended_at,
      landed_commit: r.run.landed_commit,
    },
    {
      id: "demo-1",
      plan: "plans/demo.yaml",
      status: "partial",
      base: "main",
      integration_branch: "flotilla/demo",
      started_at: "2025-01-01T10:00:00.000Z",
      ended_at: "2025-01-01T10:08:30.000Z",
      landed_commit: "c0ffee1234567890c0ffee1234567890c0ffee12",
    },
  );
  const login = r.items[0]!;
  assert.equal(login.title, "Add POST /login");
  assert.equal(login.merged_commit, "abcdef0123456789abcdef0123456789abcdef01");
  assert.deepEqual(login.conflict, { class: "clean", files: [], resolution: "clean", resolvers: [] });
  assert.equal(login.files_changed.length, 3);
  assert.deepEqual(login.commits[0], { sha: "1".repeat(40), subject: "add login" });
  assert.equal(login.retries_used, 1);
  assert.equal(login.last_reason, "pre_merge gate `npm test` failed (exit 1)");
  assert.equal(login.cost_usd, 0.42);
  const first = login.attempts[0]!;
  assert.deepEqual(
    {
      n: first.n,
      agent: first.agent,
      outcome: first.outcome,
      reason: first.reason,
      lane: first.lane,
      branch: first.branch,
      duration_seconds: first.duration_seconds,
      permission_denials: first.permission_denials,
      agent_status: first.agent_status,
      agent_notes: first.agent_notes,
    },
    {
      n: 1,
      agent: "claude",
      outcome: "rejected",
      reason: "pre_merge gate `npm test` failed (exit 1)",
      lane: "/repo/.git/flotilla/lanes/demo-1/login-api.1",
      branch: "flotilla-lane/demo-1/login-api/1",
      duration_seconds: 182,
      permission_denials: ["Bash(curl example.com)"],
      agent_status: "COMPLETE",
      agent_notes: "added the handler",
    },
  );
  assert.deepEqual(r.gates[0], {
    stage: "pre_merge",
    item: "login-api",
    attempt: 1,
    command: "npm test",
    passed: false,
    exit_code: 1,
    timed_out: false,
    duration_seconds: 4.2,
    started_at: "2025-01-01T10:02:58.000Z",
    output_file: "/repo/.git/flotilla/runs/demo-1/items/login-api/1/gate-1.log",
    output_tail: "1 failing",
  });
});

test("totals add up cost, tokens, agent and wall time, gate runs and merges", () => {
  const r = buildReport({ run, items, attempts, gateRuns, now: NOW });
  assert.deepEqual(r.totals, {
    cost_usd: 0.42,
    agent_seconds: 182 + 121 + 1.5,
    wall_seconds: 510,
    gate_runs: 2,
    merges: 1,
    tokens_in: 21000,
    tokens_out: 1500,
    attempts: 3,
    gate_failures: 1,
    items: 3,
    items_by_status: {
      pending: 0,
      ready: 0,
      running: 0,
      verifying: 0,
      queued: 0,
      merged: 0,
      landed: 1,
      failed: 1,
      blocked: 1,
      cancelled: 0,
    },
  });
});

test("costs and tokens total null when no attempt reported any", () => {
  const shellOnly = attempts.filter((a) => a.agent === "shell");
  const r = buildReport({ run, items, attempts: shellOnly, gateRuns: [], now: NOW });
  assert.equal(r.totals.cost_usd, null);
  assert.equal(r.totals.tokens_in, null);
  assert.equal(r.totals.tokens_out, null);
  assert.equal(r.totals.gate_runs, 0);
});

test("a running run counts wall and agent time up to now; a running attempt has nulls", () => {
  const running: RunRecord = { ...unfinished, status: "running" };
  const live: AttemptRecord = {
    runId: "demo-1",
    itemId: "docs",
    n: 1,
    agent: "claude",
    laneDir: "/lane",
    branch: "flotilla-lane/demo-1/docs/1",
    baseCommit: "b".repeat(40),
    startedAt: "2025-01-01T10:09:00.000Z",
    permissionDenials: [],
    violations: [],
  };
  const r = buildReport({
    run: running,
    items: items.map((i) => (i.id === "docs" ? { ...i, status: "running" as const } : i)),
    attempts: [live],
    gateRuns: [],
    now: NOW,
  });
  assert.equal(r.run.ended_at, null);
  assert.equal(r.run.landed_commit, null);
  assert.equal(r.totals.wall_seconds, 600);
  assert.equal(r.totals.agent_seconds, 60);
  const a = r.items[2]!.attempts[0]!;
  assert.equal(a.ended_at, null);
  assert.equal(a.outcome, null);
  assert.equal(a.duration_seconds, null);
  assert.equal(a.exit_code, null);
  assertNoUndefined(r);
  assert.ok(r.next_steps.some((s) => s.includes("flotilla status demo-1")));
});

test("titles are null when the stored plan cannot be read", () => {
  const r = buildReport({ run: { ...run, planJson: "{not json" }, items, attempts, gateRuns, now: NOW });
  assert.deepEqual(
    r.items.map((i) => i.title),
    [null, null, null],
  );
});

test("next steps name the failed lane, where the work is and cleanup", () => {
  const r = buildReport({ run, items, attempts, gateRuns, now: NOW });
  assert.deepEqual(r.next_steps, [
    "changelog failed: its last lane is /repo/.git/flotilla/lanes/demo-1/changelog.1 (branch flotilla-lane/demo-1/changelog/1); agent output: /repo/.git/flotilla/runs/demo-1/items/changelog/1/stdout.log",
    "`git log --oneline --first-parent main`: the landed work is on main",
    "`flotilla cleanup demo-1` removes the lanes of merged items and superseded attempts; failed lanes stay until --force (branches and refs stay either way)",
  ]);
  const interrupted = buildReport({
    run: { ...unfinished, status: "interrupted" },
    items,
    attempts,
    gateRuns,
    now: NOW,
  });
  assert.equal(interrupted.next_steps[0], "`flotilla resume demo-1` continues the run where it stopped");
});

test("the status view shows each item's newest attempt, its time so far and cost", () => {
  const running = { ...run, status: "running" as const };
  const v = buildStatusView({
    run: running,
    items: items.map((i) => (i.id === "changelog" ? { ...i, status: "running" as const } : i)),
    attempts: attempts.map((a) => {
      if (a.itemId !== "changelog") return a;
      const { endedAt: _e, outcome: _o, ...rest } = a;
      return rest;
    }),
    now: NOW,
    ownerAlive: false,
  });
  assert.equal(v.run.owner_alive, false);
  assert.equal(v.run.elapsed_seconds, 510);
  assert.equal(v.cost_usd, 0.42);
  assert.equal(v.counts.running, 1);
  const [login, changelog, docs] = [v.items[0]!, v.items[1]!, v.items[2]!];
  assert.deepEqual(
    {
      attempt: login.attempt,
      attempts: login.attempts,
      seconds: login.attempt_seconds,
      cost: login.cost_usd,
    },
    { attempt: 2, attempts: 2, seconds: 121, cost: 0.42 },
  );
  assert.equal(changelog.attempt_seconds, 599);
  assert.equal(changelog.attempt_outcome, null);
  assert.equal(docs.attempt, null);
  assert.equal(docs.lane, null);
  assertNoUndefined(v);
});

test("counts have every item state", () => {
  assert.deepEqual(Object.keys(countByStatus([])), [
    "pending",
    "ready",
    "running",
    "verifying",
    "queued",
    "merged",
    "landed",
    "failed",
    "blocked",
    "cancelled",
  ]);
});

test("a follow-up item's title comes from the event that added it (status and report)", () => {
  const added = {
    id: 9,
    runId: run.id,
    at: NOW.toISOString(),
    type: "item-added",
    itemId: "docs-rest-1",
    data: {
      type: "item-added",
      itemId: "docs-rest-1",
      parent: "docs",
      title: "Docs (the rest)",
      remaining: "p2",
    },
  };
  const withFollowUp = [...items, { ...items[0]!, id: "docs-rest-1", status: "pending" as const }];
  const v = buildStatusView({
    run: { ...run, status: "running" },
    items: withFollowUp,
    attempts,
    now: NOW,
    events: [added],
  });
  assert.equal(v.items.find((i) => i.id === "docs-rest-1")?.title, "Docs (the rest)");
  const r = buildReport({ run, items: withFollowUp, attempts, gateRuns, events: [added], now: NOW });
  assert.equal(r.items.find((i) => i.id === "docs-rest-1")?.title, "Docs (the rest)");
  assert.deepEqual(r.follow_ups, [
    { item: "docs-rest-1", parent: "docs", title: "Docs (the rest)", remaining: "p2", status: "pending" },
  ]);
});

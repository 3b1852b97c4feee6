// Resolver sessions in the report, read back from the event log: outcome, merge, cost, and how each
// item's work reached the integration branch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReport, buildStatusView } from "../../src/core/report.js";
import type { EventRecord, ItemRecord, JsonObject } from "../../src/core/state-types.js";
import { attempts, gateRuns, items, NOW, run } from "../cli/support/report-records.js";

let nextId = 1;
const event = (at: string, type: string, itemId: string, attempt: number, data: JsonObject): EventRecord => ({
  id: nextId++,
  runId: "demo-1",
  at: `2025-01-01T10:0${at}.000Z`,
  type,
  itemId,
  attempt,
  data: { type, itemId, attempt, ...data },
});

const started = (at: string, itemId: string, attempt: number) =>
  event(at, "resolver-started", itemId, attempt, {
    agent: "fixer",
    lane: `/lanes/${itemId}.${attempt}.resolver`,
    branch: `flotilla-resolve/demo-1/${itemId}/${attempt}`,
    files: ["src/server.ts"],
    promptFile: `/runs/${itemId}/${attempt}/resolver/prompt.md`,
    stdoutFile: `/runs/${itemId}/${attempt}/resolver/agent.out`,
  });

test("a resolver whose merge landed: the session in the report, the item resolved by it, its cost counted", () => {
  const login: ItemRecord = { ...items[0]!, conflictClass: "medium", conflictFiles: ["src/server.ts"] };
  const events = [
    started("5:12", "login-api", 2),
    event("5:42", "resolver-ended", "login-api", 2, {
      outcome: "resolved",
      head: "9".repeat(40),
      exitCode: 0,
      costUsd: 0.05,
      tokensIn: 100,
      tokensOut: 20,
      durationMs: 30000,
    }),
    event("5:50", "merged", "login-api", 2, { commit: login.mergedCommit! }),
  ];
  const r = buildReport({ run, items: [login, ...items.slice(1)], attempts, gateRuns, events, now: NOW });
  const item = r.items[0]!;
  assert.deepEqual(item.conflict, {
    class: "medium",
    files: ["src/server.ts"],
    resolution: "resolver",
    resolvers: [
      {
        attempt: 2,
        agent: "fixer",
        files: ["src/server.ts"],
        outcome: "merged",
        reason: null,
        lane: "/lanes/login-api.2.resolver",
        branch: "flotilla-resolve/demo-1/login-api/2",
        prompt_file: "/runs/login-api/2/resolver/prompt.md",
        stdout_file: "/runs/login-api/2/resolver/agent.out",
        head_commit: "9".repeat(40),
        merged_commit: login.mergedCommit!,
        started_at: "2025-01-01T10:05:12.000Z",
        ended_at: "2025-01-01T10:05:42.000Z",
        duration_seconds: 30,
        exit_code: 0,
        cost_usd: 0.05,
        tokens_in: 100,
        tokens_out: 20,
      },
    ],
  });
  assert.equal(item.cost_usd, 0.47);
  assert.equal(r.totals.cost_usd, 0.47);
  assert.equal(r.totals.tokens_in, 21100);
  // 182 s and 121 s of attempts, 1.5 s of the failed one, 30 s of the resolver.
  assert.equal(r.totals.agent_seconds, 334.5);
});

test("rejected, failed and running resolvers; an item redone after a failed resolver is fix-forward", () => {
  const redone: ItemRecord = {
    ...items[0]!,
    conflictClass: "medium",
    conflictFiles: ["src/server.ts"],
    fixForwardsUsed: 1,
  };
  const events = [
    started("1:00", "login-api", 1),
    event("1:10", "resolver-ended", "login-api", 1, { outcome: "resolved", durationMs: 10000 }),
    event("1:20", "resolution-rejected", "login-api", 1, { reason: "post_merge gate failed" }),
    started("2:00", "changelog", 1),
    event("2:05", "resolver-ended", "changelog", 1, {
      outcome: "failed",
      reason: "conflict markers are left in src/server.ts (line 3: =======)",
      durationMs: 5000,
    }),
    started("3:00", "docs", 1),
  ];
  const r = buildReport({ run, items: [redone, ...items.slice(1)], attempts, gateRuns, events, now: NOW });
  const [login, changelog, docs] = r.items;
  assert.equal(login!.conflict.resolution, "fix-forward");
  assert.deepEqual(
    login!.conflict.resolvers.map((s) => [s.outcome, s.reason, s.merged_commit]),
    [["rejected", "post_merge gate failed", null]],
  );
  assert.equal(changelog!.conflict.resolution, null, "not merged");
  assert.deepEqual(
    changelog!.conflict.resolvers.map((s) => [s.outcome, s.reason, s.duration_seconds]),
    [["failed", "conflict markers are left in src/server.ts (line 3: =======)", 5]],
  );
  assert.deepEqual(
    docs!.conflict.resolvers.map((s) => [s.outcome, s.ended_at, s.duration_seconds]),
    [[null, null, null]],
  );
});

test("status shows the resolver working on a queued item while the run goes on", () => {
  const queued: ItemRecord = { ...items[1]!, status: "queued" };
  const events = [started("6:00", "changelog", 1)];
  const running = { ...run, status: "running" as const };
  const view = buildStatusView({ run: running, items: [items[0]!, queued], attempts, events, now: NOW });
  assert.deepEqual(
    view.items.map((i) => [i.id, i.resolving]),
    [
      ["login-api", null],
      ["changelog", { agent: "fixer", started_at: "2025-01-01T10:06:00.000Z" }],
    ],
  );
  const ended = [
    ...events,
    event("6:30", "resolver-ended", "changelog", 1, { outcome: "resolved", durationMs: 1 }),
  ];
  const after = buildStatusView({ run: running, items: [queued], attempts, events: ended, now: NOW });
  assert.equal(after.items[0]!.resolving, null);
});

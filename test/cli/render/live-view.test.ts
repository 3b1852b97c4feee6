import { test } from "node:test";
import assert from "node:assert/strict";
import type { RunEvent } from "../../../src/core/events.js";
import { createLiveView, type LiveViewTimers } from "../../../src/cli/render/live-view.js";

// A local wall clock (the view prints local times): 12:01:00 on some day, plus ms.
const T0 = new Date(2025, 0, 2, 12, 1, 0).getTime();

function fakeClock() {
  let t = T0;
  return {
    now: () => t,
    at: (ms: number) => {
      t = T0 + ms;
    },
  };
}

function fakeTimers() {
  const pending: { due: number; fn: () => void; every?: number }[] = [];
  const timers: LiveViewTimers = {
    after: (ms, fn) => {
      const entry = { due: ms, fn };
      pending.push(entry);
      return () => {
        const i = pending.indexOf(entry);
        if (i >= 0) pending.splice(i, 1);
      };
    },
    every: (ms, fn) => {
      const entry = { due: ms, fn, every: ms };
      pending.push(entry);
      return () => {
        const i = pending.indexOf(entry);
        if (i >= 0) pending.splice(i, 1);
      };
    },
  };
  return {
    timers,
    /** Fires the one-shot timers (the throttled redraw). */
    fireOnce: () => {
      for (const e of pending.filter((p) => p.every === undefined)) {
        pending.splice(pending.indexOf(e), 1);
        e.fn();
      }
    },
    /** Fires the repeating timers once (the tick). */
    tick: () => {
      for (const e of pending.filter((p) => p.every !== undefined)) e.fn();
    },
    count: () => pending.length,
  };
}

// A tiny terminal: understands erase-line, cursor-up and newlines, which is all the view may use.
function screenOf(output: string): string[] {
  return terminal(output).lines;
}

function terminal(output: string): { lines: string[]; row: number } {
  const lines: string[] = [];
  let row = 0;
  // eslint-disable-next-line no-control-regex
  const re = /\u001b\[(\d*)([A-Za-z])|\n|[^\u001b\n]+/g;
  for (const m of output.matchAll(re)) {
    const [tok, n, cmd] = m;
    if (tok === "\n") row += 1;
    else if (cmd === "A") row -= Number(n === "" ? 1 : n);
    else if (cmd === "K") lines[row] = "";
    else if (cmd !== undefined) throw new Error(`unexpected escape ${JSON.stringify(tok)}`);
    else lines[row] = (lines[row] ?? "") + tok;
    assert.ok(row >= 0, "the cursor went above the first line");
  }
  // Rows the cursor skipped are holes in the array: make them empty lines.
  const filled = Array.from(lines, (l: string | undefined) => l ?? "");
  while (filled.length > 0 && filled[filled.length - 1] === "") filled.pop();
  return { lines: filled, row };
}

const started: RunEvent = {
  type: "run-started",
  runId: "demo-1",
  plan: "plans/demo.yaml",
  base: "main",
  integrationBranch: "flotilla/demo",
  items: 3,
};

test("without a TTY, every event is exactly one plain timestamped line", () => {
  const out: string[] = [];
  const clock = fakeClock();
  const view = createLiveView({ write: (t) => out.push(t), isTTY: false, now: clock.now });
  const events: [number, RunEvent][] = [
    [0, started],
    [1000, { type: "item-state", itemId: "login-api", state: "running" }],
    [
      3000,
      {
        type: "attempt-started",
        itemId: "login-api",
        attempt: 1,
        agent: "claude",
        lane: "/repo/.git/flotilla/lanes/demo-1/login-api.1",
        branch: "flotilla-lane/demo-1/login-api/1",
      },
    ],
    [
      65_000,
      {
        type: "gate-ended",
        stage: "pre_merge",
        itemId: "login-api",
        attempt: 1,
        command: "npm test",
        passed: false,
        exitCode: 1,
        timedOut: false,
        durationMs: 4200,
      },
    ],
    [
      66_000,
      {
        type: "attempt-ended",
        itemId: "login-api",
        attempt: 1,
        outcome: "rejected",
        reason: "pre_merge gate `npm test` failed (exit 1)\nsee the log",
        costUsd: 0.2,
        durationMs: 63_000,
      },
    ],
    [66_001, { type: "item-state", itemId: "login-api", state: "ready", reason: "pre_merge gate failed" }],
    [70_000, { type: "merge-conflict", itemId: "api", attempt: 2, files: ["src/a.ts", "src/b.ts"] }],
    [71_000, { type: "merged", itemId: "login-api", attempt: 2, commit: "abcdef0123456789" }],
    [
      72_000,
      {
        type: "gate-ended",
        stage: "land",
        command: "npm test",
        passed: true,
        exitCode: 0,
        timedOut: false,
        durationMs: 500,
      },
    ],
    [73_000, { type: "landed", base: "main", commit: "c0ffee1234567" }],
    [73_000, { type: "land-skipped", reason: "land: none" }],
    [74_000, { type: "warning", message: "budget reached\u001b[2J", itemId: "docs" }],
    [75_000, { type: "run-ended", status: "partial", exitCode: 1 }],
  ];
  for (const [ms, e] of events) {
    clock.at(ms);
    view.onEvent(e);
  }
  view.stop();
  view.stop();
  assert.equal(out.length, events.length, "one write per event");
  assert.deepEqual(out, [
    "[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo\n",
    "[12:01:01] login-api running\n",
    "[12:01:03] login-api attempt 1 started (claude) in /repo/.git/flotilla/lanes/demo-1/login-api.1\n",
    "[12:02:05] pre_merge gate failed (exit 1) for login-api attempt 1 after 4s: npm test\n",
    "[12:02:06] login-api attempt 1 rejected after 1m3s, $0.20: pre_merge gate `npm test` failed (exit 1) see the log\n",
    "[12:02:06] login-api ready: pre_merge gate failed\n",
    "[12:02:10] api attempt 2 conflicts with the integration branch in src/a.ts, src/b.ts\n",
    "[12:02:11] login-api attempt 2 merged as abcdef0\n",
    "[12:02:12] land gate passed after 1s: npm test\n",
    "[12:02:13] landed on main at c0ffee1\n",
    "[12:02:13] not landed: land: none\n",
    "[12:02:14] warning: docs: budget reached [2J\n",
    "[12:02:15] run demo-1 ended: partial (exit 1)\n",
  ]);
  for (const line of out)
    assert.ok(!line.includes("\u001b"), `no escape sequence in ${JSON.stringify(line)}`);
});

test("on a TTY, a header and the active items are redrawn in place with cursor-up and erase-line", () => {
  let out = "";
  const writes: string[] = [];
  const clock = fakeClock();
  const t = fakeTimers();
  const view = createLiveView({
    write: (s) => {
      out += s;
      writes.push(s);
    },
    isTTY: true,
    now: clock.now,
    timers: t.timers,
  });

  view.onEvent(started);
  assert.equal(
    writes[0],
    "\u001b[2K[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo\n" +
      "\u001b[2Kdemo-1  3 pending  cost -  0s\n",
  );

  // Two events within 100 ms of the last redraw: no write now, one redraw when the timer fires.
  clock.at(40);
  view.onEvent({ type: "item-state", itemId: "login-api", state: "running" });
  clock.at(60);
  view.onEvent({
    type: "attempt-started",
    itemId: "login-api",
    attempt: 1,
    agent: "claude",
    lane: "/l/1",
    branch: "b/1",
  });
  assert.equal(writes.length, 1, "throttled");
  clock.at(100);
  t.fireOnce();
  assert.equal(writes.length, 2);
  assert.equal(
    writes[1],
    "\u001b[1A\u001b[2Kdemo-1  2 pending, 1 running  cost -  1s\n\u001b[2K  login-api  running  #1  claude  1s  -\n",
  );

  // The tick redraws so elapsed times move.
  clock.at(2100);
  t.tick();
  assert.deepEqual(screenOf(out), [
    "[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo",
    "demo-1  2 pending, 1 running  cost -  2s",
    "  login-api  running  #1  claude  2s  -",
  ]);

  clock.at(5000);
  view.onEvent({ type: "item-state", itemId: "changelog", state: "running" });
  clock.at(5200);
  view.onEvent({
    type: "attempt-started",
    itemId: "changelog",
    attempt: 1,
    agent: "shell",
    lane: "/l/2",
    branch: "b/2",
  });
  clock.at(65_000);
  view.onEvent({
    type: "attempt-ended",
    itemId: "login-api",
    attempt: 1,
    outcome: "accepted",
    costUsd: 0.25,
    durationMs: 64_940,
  });
  clock.at(65_200);
  view.onEvent({ type: "item-state", itemId: "login-api", state: "queued" });
  clock.at(66_000);
  view.onEvent({ type: "merged", itemId: "login-api", attempt: 1, commit: "abcdef0123" });
  clock.at(66_100);
  view.onEvent({ type: "item-state", itemId: "login-api", state: "merged" });
  assert.deepEqual(screenOf(out), [
    "[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo",
    "[12:02:05] login-api attempt 1 accepted after 1m5s, $0.25",
    "[12:02:06] login-api attempt 1 merged as abcdef0",
    "demo-1  1 pending, 1 running, 1 merged  cost $0.25  1m6s",
    "  login-api  merged   #1  claude  1m5s  $0.25",
    "  changelog  running  #1  shell   1m1s  -",
  ]);

  // A finished item leaves the block after a while; the block shrinks without leaving stale lines.
  clock.at(80_000);
  t.tick();
  assert.deepEqual(screenOf(out).slice(3), [
    "demo-1  1 pending, 1 running, 1 merged  cost $0.25  1m20s",
    "  changelog  running  #1  shell  1m15s  -",
  ]);

  clock.at(81_000);
  view.onEvent({
    type: "item-state",
    itemId: "changelog",
    state: "failed",
    reason: "the agent exited with code 1",
  });
  clock.at(82_000);
  view.onEvent({ type: "run-ended", status: "partial", exitCode: 1 });
  view.stop();
  view.stop();
  assert.equal(t.count(), 0, "no timer left after stop");
  assert.deepEqual(screenOf(out), [
    "[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo",
    "[12:02:05] login-api attempt 1 accepted after 1m5s, $0.25",
    "[12:02:06] login-api attempt 1 merged as abcdef0",
    "[12:02:21] changelog failed: the agent exited with code 1",
    "[12:02:22] run demo-1 ended: partial (exit 1)",
  ]);
  // After stop, the cursor sits right below the history, so what is printed next follows it.
  assert.equal(terminal(out).row, 5);
});

test("on a TTY, lines are cut to the terminal width", () => {
  let out = "";
  const clock = fakeClock();
  const view = createLiveView({
    write: (s) => (out += s),
    isTTY: true,
    now: clock.now,
    columns: 20,
    timers: fakeTimers().timers,
  });
  view.onEvent(started);
  assert.deepEqual(screenOf(out), [
    "[12:01:00] run demo-1 started: 3 items from plans/demo.yaml, main → flotilla/demo",
    "demo-1  3 pending …",
  ]);
  view.stop();
});

test("the view handles every event type (the union is switched exhaustively)", () => {
  const all: RunEvent[] = [
    started,
    { type: "item-state", itemId: "a", state: "blocked", reason: "dep" },
    { type: "attempt-started", itemId: "a", attempt: 1, agent: "x", lane: "/l", branch: "b" },
    { type: "attempt-ended", itemId: "a", attempt: 1, outcome: "timeout", durationMs: 1 },
    {
      type: "gate-ended",
      stage: "post_merge",
      command: "c",
      passed: false,
      exitCode: null,
      timedOut: true,
      durationMs: 1,
    },
    { type: "merged", itemId: "a", attempt: 1, commit: "c" },
    { type: "merge-conflict", itemId: "a", attempt: 1, files: [] },
    {
      type: "resolver-started",
      itemId: "a",
      attempt: 1,
      agent: "x",
      lane: "/l",
      branch: "b",
      files: ["f"],
      promptFile: "/p",
      stdoutFile: "/o",
    },
    { type: "resolver-ended", itemId: "a", attempt: 1, outcome: "failed", reason: "r", durationMs: 1 },
    { type: "resolution-rejected", itemId: "a", attempt: 1, reason: "r" },
    { type: "landed", base: "main", commit: "c" },
    { type: "land-skipped", reason: "r" },
    { type: "warning", message: "m" },
    { type: "run-ended", status: "landed", exitCode: 0 },
  ];
  for (const isTTY of [true, false]) {
    let n = 0;
    const view = createLiveView({
      write: () => (n += 1),
      isTTY,
      now: fakeClock().now,
      timers: fakeTimers().timers,
    });
    for (const e of all) view.onEvent(e);
    view.stop();
    assert.ok(n > 0);
  }
});

test("a resolver shows: one line per event without a TTY, and the item as resolving in the block", () => {
  const out: string[] = [];
  const clock = fakeClock();
  const plain = createLiveView({ write: (t) => out.push(t), isTTY: false, now: clock.now });
  const events: [number, RunEvent][] = [
    [0, started],
    [1000, { type: "item-state", itemId: "api", state: "queued" }],
    [2000, { type: "merge-conflict", itemId: "api", attempt: 1, files: ["src/a.ts"] }],
    [
      2000,
      {
        type: "resolver-started",
        itemId: "api",
        attempt: 1,
        agent: "fixer",
        lane: "/lanes/api.1.resolver",
        branch: "flotilla-resolve/demo-1/api/1",
        files: ["src/a.ts"],
        promptFile: "/repo/.git/flotilla/runs/demo-1/items/api/1/resolver/prompt.md",
        stdoutFile: "/repo/.git/flotilla/runs/demo-1/items/api/1/resolver/agent.out",
      },
    ],
    [
      32_000,
      {
        type: "resolver-ended",
        itemId: "api",
        attempt: 1,
        outcome: "resolved",
        costUsd: 0.05,
        durationMs: 30_000,
      },
    ],
    [40_000, { type: "resolution-rejected", itemId: "api", attempt: 1, reason: "post_merge gate failed" }],
  ];
  for (const [ms, e] of events) {
    clock.at(ms);
    plain.onEvent(e);
  }
  assert.deepEqual(out.slice(2), [
    "[12:01:02] api attempt 1 conflicts with the integration branch in src/a.ts\n",
    "[12:01:02] api attempt 1 resolving: fixer resolves the conflicts in src/a.ts in /lanes/api.1.resolver\n",
    "[12:01:32] api attempt 1 resolver resolved after 30s, $0.05\n",
    "[12:01:40] api attempt 1 resolved merge rejected: post_merge gate failed\n",
  ]);

  const screen: string[] = [];
  const tty = createLiveView({
    write: (t) => screen.push(t),
    isTTY: true,
    now: clock.now,
    timers: fakeTimers().timers,
  });
  clock.at(0);
  for (const [, e] of events.slice(0, 4)) tty.onEvent(e);
  clock.at(5000);
  tty.onEvent({ type: "warning", message: "tick" });
  const lines = screenOf(screen.join(""));
  assert.match(lines[lines.length - 1]!, /^ {2}api +resolving +- +fixer +5s +-$/);
  tty.stop();
});

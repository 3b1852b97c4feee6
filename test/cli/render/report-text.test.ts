import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReport, buildStatusView } from "../../../src/core/report.js";
import { renderReportText } from "../../../src/cli/render/report-text.js";
import { renderStatusText } from "../../../src/cli/render/status-text.js";
import { attempts, gateRuns, items, NOW, run } from "../support/report-records.js";

test("the report text shows items with attempts, totals, failed gates and lanes, and what to do next", () => {
  const text = renderReportText(buildReport({ run, items, attempts, gateRuns, now: NOW }));
  assert.equal(
    text,
    `Run demo-1: partial (plans/demo.yaml)
  base main → integration flotilla/demo; landed c0ffee1 on main
  started 2025-01-01 10:00:00 UTC, ended 2025-01-01 10:08:30 UTC (8m30s)

Items
  id         status   attempts  cost   merged   files  title
  login-api  landed   2         $0.42  abcdef0  3      Add POST /login
      #1  claude  rejected  3m2s  $0.20  pre_merge gate \`npm test\` failed (exit 1)
          denied: Bash(curl example.com)
      #2  claude  accepted  2m1s  $0.22
  changelog  failed   1         -      -        0      Add the release note
      #1  shell   failed    2s    -      the agent exited with code 1
  docs       blocked  0         -      -        0      Document login
      a dependency did not merge: changelog

Totals
  cost $0.42, tokens 21,000 in / 1,500 out
  agent time 5m5s, wall 8m30s, 3 attempts, 1 merge, 2 gate runs (1 failed)
  items: 1 landed, 1 failed, 1 blocked

Failed gates
  pre_merge  login-api #1  exit 1  4s  npm test

Failed lanes (kept until \`flotilla cleanup --force\`; their branches and refs always stay)
  changelog #1  /repo/.git/flotilla/lanes/demo-1/changelog.1
    branch flotilla-lane/demo-1/changelog/1
    last reason: the agent exited with code 1
    agent output: /repo/.git/flotilla/runs/demo-1/items/changelog/1/stdout.log

Next
  - \`git log --oneline --first-parent main\`: the landed work is on main
  - \`flotilla cleanup demo-1\` removes the lanes of merged items and superseded attempts; failed lanes stay until --force (branches and refs stay either way)
`,
  );
});

test("the report text of a run with no items, costs or gates says so plainly", () => {
  const { endedAt: _e, landedCommit: _l, ...unfinished } = run;
  const text = renderReportText(
    buildReport({
      run: { ...unfinished, status: "running" },
      items: [],
      attempts: [],
      gateRuns: [],
      now: NOW,
    }),
  );
  assert.equal(
    text,
    `Run demo-1: running (plans/demo.yaml)
  base main → integration flotilla/demo; not landed
  started 2025-01-01 10:00:00 UTC, still running (10m)

Items
  none

Totals
  cost -, no tokens reported
  agent time 0s, wall 10m, 0 attempts, 0 merges, 0 gate runs (0 failed)
  items: none

Next
  - the run is still going: \`flotilla status demo-1\` follows it
`,
  );
});

test("long or multi-line reasons stay on one line and are cut in the text", () => {
  const long = `line one\n${"x".repeat(200)}`;
  const text = renderReportText(
    buildReport({
      run,
      items: items.slice(1, 2),
      attempts: attempts.filter((a) => a.itemId === "changelog").map((a) => ({ ...a, reason: long })),
      gateRuns: [],
      now: NOW,
    }),
  );
  const row = text.split("\n").find((l) => l.includes("#1  shell"));
  assert.equal(row, `      #1  shell  failed  2s  -  line one ${"x".repeat(110)}…`);
});

test("the status text shows each item's newest attempt, time, cost and a note", () => {
  const view = buildStatusView({
    run: { ...run, status: "running" },
    items,
    attempts,
    now: NOW,
    ownerAlive: false,
  });
  assert.equal(
    renderStatusText(view),
    `demo-1: running for 8m30s (plans/demo.yaml)
  base main → integration flotilla/demo
  items: 1 landed, 1 failed, 1 blocked; cost so far $0.42
  the orchestrator (pid 4242 on box) is gone: \`flotilla resume demo-1\` continues the run

  id         status   attempt  agent   time  cost   note
  login-api  landed   #2       claude  2m1s  $0.42  merged abcdef0
  changelog  failed   #1       shell   2s    -      the agent exited with code 1
  docs       blocked  -        -       -     -      a dependency did not merge: changelog
`,
  );
});

test("the status text of a live run with a live owner has no warning", () => {
  const { endedAt: _e, landedCommit: _l, ...unfinished } = run;
  const view = buildStatusView({
    run: { ...unfinished, status: "running" },
    items: items.map((i) => (i.id === "docs" ? { ...i, status: "pending" as const } : i)),
    attempts,
    now: NOW,
    ownerAlive: true,
  });
  assert.equal(
    renderStatusText(view),
    `demo-1: running for 10m (plans/demo.yaml)
  base main → integration flotilla/demo
  items: 1 pending, 1 landed, 1 failed; cost so far $0.42

  id         status   attempt  agent   time  cost   note
  login-api  landed   #2       claude  2m1s  $0.42  merged abcdef0
  changelog  failed   #1       shell   2s    -      the agent exited with code 1
  docs       pending  -        -       -     -      a dependency did not merge: changelog
`,
  );
});

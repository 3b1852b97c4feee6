// Fixed run records for the report builder and renderer tests: one landed item that needed two
// attempts, one failed item, one blocked item, two gate runs.
import type { AttemptRecord, GateRunRecord, ItemRecord, RunRecord } from "../../../src/core/state-types.js";

/** The clock of the fixture: ten minutes after the run started. */
export const NOW = new Date("2025-01-01T10:10:00.000Z");

/** The run: partial, landed. */
export const run: RunRecord = {
  id: "demo-1",
  planFile: "plans/demo.yaml",
  planName: "demo",
  planJson: JSON.stringify({
    name: "demo",
    items: [
      { id: "login-api", title: "Add POST /login" },
      { id: "changelog", title: "Add the release note" },
      { id: "docs", title: "Document login" },
    ],
  }),
  base: "main",
  baseCommit: "b".repeat(40),
  integrationBranch: "flotilla/demo",
  status: "partial",
  startedAt: "2025-01-01T10:00:00.000Z",
  endedAt: "2025-01-01T10:08:30.000Z",
  landedCommit: "c0ffee1234567890c0ffee1234567890c0ffee12",
  pid: 4242,
  host: "box",
  optionsJson: "{}",
};

/** The items, in plan order. */
export const items: ItemRecord[] = [
  {
    runId: "demo-1",
    id: "login-api",
    status: "landed",
    retriesUsed: 1,
    fixForwardsUsed: 0,
    mergedCommit: "abcdef0123456789abcdef0123456789abcdef01",
    conflictClass: "clean",
    conflictFiles: [],
    filesChanged: ["src/auth/login.ts", "src/server.ts", "test/login.test.ts"],
    commits: [
      { sha: "1111111111111111111111111111111111111111", subject: "add login" },
      { sha: "2222222222222222222222222222222222222222", subject: "fix test" },
    ],
    notes: "POST /login lives in src/auth/login.ts",
    lastReason: "pre_merge gate `npm test` failed (exit 1)",
    updatedAt: "2025-01-01T10:08:00.000Z",
  },
  {
    runId: "demo-1",
    id: "changelog",
    status: "failed",
    retriesUsed: 0,
    fixForwardsUsed: 0,
    conflictFiles: [],
    filesChanged: [],
    commits: [],
    lastReason: "the agent exited with code 1",
    updatedAt: "2025-01-01T10:03:00.000Z",
  },
  {
    runId: "demo-1",
    id: "docs",
    status: "blocked",
    retriesUsed: 0,
    fixForwardsUsed: 0,
    conflictFiles: [],
    filesChanged: [],
    commits: [],
    lastReason: "a dependency did not merge: changelog",
    updatedAt: "2025-01-01T10:03:00.000Z",
  },
];

const lane = (item: string, n: number) => `/repo/.git/flotilla/lanes/demo-1/${item}.${n}`;

/** The attempts, by item then n. */
export const attempts: AttemptRecord[] = [
  {
    runId: "demo-1",
    itemId: "login-api",
    n: 1,
    agent: "claude",
    laneDir: lane("login-api", 1),
    branch: "flotilla-lane/demo-1/login-api/1",
    baseCommit: "b".repeat(40),
    headCommit: "3".repeat(40),
    startedAt: "2025-01-01T10:00:01.000Z",
    endedAt: "2025-01-01T10:03:03.000Z",
    exitCode: 0,
    outcome: "rejected",
    reason: "pre_merge gate `npm test` failed (exit 1)",
    costUsd: 0.2,
    tokensIn: 12000,
    tokensOut: 800,
    numTurns: 7,
    sessionId: "s-1",
    permissionDenials: ["Bash(curl example.com)"],
    agentStatus: "COMPLETE",
    agentNotes: "added the handler",
    stdoutFile: "/repo/.git/flotilla/runs/demo-1/items/login-api/1/stdout.log",
    violations: [],
  },
  {
    runId: "demo-1",
    itemId: "login-api",
    n: 2,
    agent: "claude",
    laneDir: lane("login-api", 2),
    branch: "flotilla-lane/demo-1/login-api/2",
    baseCommit: "b".repeat(40),
    headCommit: "2".repeat(40),
    startedAt: "2025-01-01T10:03:10.000Z",
    endedAt: "2025-01-01T10:05:11.000Z",
    exitCode: 0,
    outcome: "accepted",
    feedback: "attempt 1 was rejected: pre_merge gate `npm test` failed (exit 1)",
    costUsd: 0.22,
    tokensIn: 9000,
    tokensOut: 700,
    permissionDenials: [],
    violations: [],
  },
  {
    runId: "demo-1",
    itemId: "changelog",
    n: 1,
    agent: "shell",
    laneDir: lane("changelog", 1),
    branch: "flotilla-lane/demo-1/changelog/1",
    baseCommit: "b".repeat(40),
    startedAt: "2025-01-01T10:00:01.000Z",
    endedAt: "2025-01-01T10:00:02.500Z",
    exitCode: 1,
    outcome: "failed",
    reason: "the agent exited with code 1",
    stdoutFile: "/repo/.git/flotilla/runs/demo-1/items/changelog/1/stdout.log",
    permissionDenials: [],
    violations: [],
  },
];

/** One failed pre-merge gate and one passed post-merge gate. */
export const gateRuns: GateRunRecord[] = [
  {
    id: 1,
    runId: "demo-1",
    itemId: "login-api",
    attempt: 1,
    stage: "pre_merge",
    command: "npm test",
    exitCode: 1,
    timedOut: false,
    durationMs: 4200,
    outputFile: "/repo/.git/flotilla/runs/demo-1/items/login-api/1/gate-1.log",
    outputTail: "1 failing",
    startedAt: "2025-01-01T10:02:58.000Z",
  },
  {
    id: 2,
    runId: "demo-1",
    stage: "post_merge",
    command: "npm test",
    exitCode: 0,
    timedOut: false,
    durationMs: 3000,
    outputTail: "ok",
    startedAt: "2025-01-01T10:05:30.000Z",
  },
];

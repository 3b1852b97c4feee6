// A real repository with a real state database for the command tests: runs, items and attempts
// written through the state store, lanes made with `git worktree add`, refs that keep the commits.
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { openStateStore } from "../../../src/adapters/state/sqlite-store.js";
import { processStartTime } from "../../../src/adapters/process/index.js";
import type { AttemptRecord, ItemInput, RunStatus, StateStore } from "../../../src/core/state-types.js";
import { flotillaPaths, names, type FlotillaPaths } from "../../../src/engine/paths.js";
import { gitdir, type Gitdir } from "../../support/gitdir.js";

export { captureIO, type CapturedIO } from "../../support/capture-io.js";

/** A repository with flotilla state in it. */
export interface StateRepo {
  readonly repo: Gitdir;
  readonly paths: FlotillaPaths;
  /** Opens the store (the test closes it). */
  open(): StateStore;
  cleanup(): void;
}

/** Makes a repository and its (empty) state database. */
export function stateRepo(): StateRepo {
  const repo = gitdir({ prefix: "cli" });
  const paths = flotillaPaths(join(repo.dir, ".git"));
  const open = (): StateStore => {
    const r = openStateStore({ file: paths.stateDb });
    if (!r.ok) throw r.error;
    return r.value;
  };
  open().close();
  return {
    repo,
    paths,
    open,
    cleanup: () => {
      repo.cleanup();
    },
  };
}

/** Creates a run of plan `name` with fixed times; the owner is this process on this host. */
export function addRun(
  store: StateStore,
  opts: { name: string; status: RunStatus; baseCommit: string; ended?: boolean; items: readonly ItemInput[] },
): string {
  const run = store.createRun({
    planFile: `plans/${opts.name}.yaml`,
    planName: opts.name,
    planJson: JSON.stringify({
      name: opts.name,
      items: opts.items.map((i) => ({ id: i.id, title: `Do ${i.id}` })),
    }),
    base: "main",
    baseCommit: opts.baseCommit,
    integrationBranch: `flotilla/${opts.name}`,
    status: opts.status,
    startedAt: "2025-01-01T10:00:00.000Z",
    endedAt: opts.ended === true ? "2025-01-01T10:05:00.000Z" : undefined,
    pid: process.pid,
    pidStartTime: processStartTime(process.pid),
    host: hostname(),
    optionsJson: "{}",
  });
  store.upsertItems(run.id, opts.items);
  return run.id;
}

/**
 * Starts attempt `n` of an item for real: a lane worktree on its lane branch with one commit, and the
 * attempt ref that keeps the commit; then records the attempt (ended unless `running`).
 */
export function addAttempt(
  sr: StateRepo,
  store: StateStore,
  opts: {
    runId: string;
    itemId: string;
    n: number;
    outcome?: AttemptRecord["outcome"];
    reason?: string;
    costUsd?: number;
    running?: boolean;
  },
): AttemptRecord {
  const { repo, paths } = sr;
  const laneDir = paths.laneDir(opts.runId, opts.itemId, opts.n);
  const branch = names.laneBranch(opts.runId, opts.itemId, opts.n);
  const base = repo.git("rev-parse", "main");
  mkdirSync(dirname(laneDir), { recursive: true });
  repo.git("worktree", "add", "--quiet", "-b", branch, laneDir, base);
  const file = join(laneDir, `${opts.itemId}-${opts.n}.txt`);
  writeFileSync(file, `work of ${opts.itemId} attempt ${opts.n}\n`);
  const inLane = (...args: string[]) => repo.git("-C", laneDir, ...args);
  inLane("add", "-A");
  inLane("commit", "--quiet", "-m", `${opts.itemId} attempt ${opts.n}`);
  const head = inLane("rev-parse", "HEAD");
  repo.git("update-ref", names.attemptRef(opts.runId, opts.itemId, opts.n), head);
  return store.insertAttempt({
    runId: opts.runId,
    itemId: opts.itemId,
    n: opts.n,
    agent: "shell",
    laneDir,
    branch,
    baseCommit: base,
    headCommit: head,
    startedAt: `2025-01-01T10:0${opts.n}:00.000Z`,
    endedAt: opts.running === true ? undefined : `2025-01-01T10:0${opts.n}:30.000Z`,
    exitCode: opts.running === true ? undefined : 0,
    outcome: opts.outcome,
    reason: opts.reason,
    costUsd: opts.costUsd,
  });
}

// Finds the run state of the repository the user is in, for the commands that only read it
// (`status`, `report`, `cleanup`): the common git dir from the working folder, then the state
// database there, opened only if it exists (reading never creates one).
import { existsSync } from "node:fs";
import { commonDir, repoRoot } from "../adapters/git/repo.js";
import { openStateStore } from "../adapters/state/sqlite-store.js";
import type { RunRecord, StateStore } from "../core/state-types.js";
import { flotillaPaths } from "../engine/paths.js";
import { err, ok, type Result } from "../util/result.js";
import { ExitCode } from "./exit-codes.js";
import type { CliIO } from "./io.js";

/** The opened state of the current repository. */
export interface OpenedState {
  readonly store: StateStore;
  /** The repository's common git dir (absolute); git commands about worktrees can run here. */
  readonly commonDir: string;
}

/**
 * Opens the state of the repository `io.cwd` is in, or prints why not (not a repository, no run
 * yet, an unreadable state file) and returns undefined: the caller exits 2.
 */
export async function openStateForCli(io: CliIO): Promise<OpenedState | undefined> {
  const where = await gitCommonDir(io);
  if (!where.ok) {
    io.err(`flotilla: error: ${where.error}\n`);
    return undefined;
  }
  const file = flotillaPaths(where.value, io.env).stateDb;
  const opened = openStateStore({ file, mustExist: true });
  if (!opened.ok) {
    if (opened.error.reason === "missing") {
      io.err(
        `flotilla: error: no flotilla run in this repository yet (there is no ${file}). Start one with \`flotilla run PLAN\`.\n`,
      );
    } else {
      io.err(`flotilla: error: ${opened.error.message}\n`);
    }
    return undefined;
  }
  return { store: opened.value, commonDir: where.value };
}

/**
 * The run `runId` names, or the newest run when it is undefined; prints which runs exist when there
 * is no such run and returns undefined (the caller exits 2).
 */
export function pickRun(io: CliIO, store: StateStore, runId: string | undefined): RunRecord | undefined {
  if (runId !== undefined) {
    const run = store.getRun(runId);
    if (run !== undefined) return run;
    const known = store.listRuns().map((r) => r.id);
    const shown = known.slice(0, 10).join(", ");
    const more = known.length > 10 ? ` and ${known.length - 10} more` : "";
    io.err(
      known.length === 0
        ? `flotilla: error: no run "${runId}": no flotilla run in this repository yet.\n`
        : `flotilla: error: no run "${runId}" in this repository; known runs (newest first): ${shown}${more}.\n`,
    );
    return undefined;
  }
  const latest = store.latestRun();
  if (latest === undefined) {
    io.err("flotilla: error: no flotilla run in this repository yet. Start one with `flotilla run PLAN`.\n");
  }
  return latest;
}

// The repository's common git dir, or why there is none, in words for the user.
async function gitCommonDir(io: CliIO): Promise<Result<string, string>> {
  if (!existsSync(io.cwd)) return err(`the folder ${io.cwd} does not exist`);
  const root = await repoRoot(io.cwd);
  if (root === undefined) {
    return err(
      `${io.cwd} is not inside a git repository, so there is no flotilla run here. ` +
        "Run this in the repository (or one of its worktrees) where `flotilla run` ran.",
    );
  }
  return ok(await commonDir(root));
}

/**
 * Opens the state, picks the run (`runId`, or the newest), hands both to `fn`, and closes the
 * store: the shape of every command that reads one run. Exit 2 when there is no such run.
 */
export async function withRun(
  io: CliIO,
  runId: string | undefined,
  fn: (store: StateStore, run: RunRecord) => number,
): Promise<number> {
  const opened = await openStateForCli(io);
  if (opened === undefined) return ExitCode.usage;
  try {
    const run = pickRun(io, opened.store, runId);
    return run === undefined ? ExitCode.usage : fn(opened.store, run);
  } finally {
    opened.store.close();
  }
}

// Finds the run state of the repository the user is in, for the commands that only read it
// (`status`, `report`, `cleanup`): the common git dir from the working folder, then the state
// database there, opened only if it exists (reading never creates one).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { openStateStore } from "../adapters/state/sqlite-store.js";
import type { RunRecord, StateStore } from "../core/state-types.js";
import { flotillaPaths } from "../engine/paths.js";
import { err, ok, type Result } from "../util/result.js";
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
export function openStateForCli(io: CliIO): OpenedState | undefined {
  const where = gitCommonDir(io);
  if (!where.ok) {
    io.err(`flotilla: error: ${where.error}\n`);
    return undefined;
  }
  const commonDir = where.value;
  const file = flotillaPaths(commonDir).stateDb;
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
  return { store: opened.value, commonDir };
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

// Variables that would point git at another repository than the working folder's; the git adapter
// drops the same ones, so every command agrees on which repository it is in.
const REDIRECTING_VARIABLES = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_COMMON_DIR",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
];

// Synchronous on purpose: `status` and `report` are synchronous commands (main.ts) and this is the
// one git question they ask. The async adapter (src/adapters/git/repo.ts commonDir) asks the same.
function gitCommonDir(io: CliIO): Result<string, string> {
  const env = Object.fromEntries(
    Object.entries(io.env).filter(([name]) => !REDIRECTING_VARIABLES.includes(name)),
  );
  try {
    const out = execFileSync("git", ["rev-parse", "--path-format=absolute", "--git-common-dir"], {
      cwd: io.cwd,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return ok(resolve(io.cwd, out.trim()));
  } catch (e) {
    const failure = e as NodeJS.ErrnoException & { stderr?: unknown };
    if (failure.code === "ENOENT") {
      return err(
        existsSync(io.cwd)
          ? "git was not found: check that it is installed and on PATH"
          : `the folder ${io.cwd} does not exist`,
      );
    }
    const stderr = typeof failure.stderr === "string" ? failure.stderr.trim() : "";
    if (stderr === "" || /not a git repository/i.test(stderr)) {
      return err(
        `${io.cwd} is not inside a git repository, so there is no flotilla run here. ` +
          "Run this in the repository (or one of its worktrees) where `flotilla run` ran.",
      );
    }
    return err(`git cannot read the repository at ${io.cwd}: ${stderr.split("\n")[0] ?? ""}`);
  }
}

// Where a run keeps its things. State and logs live in the repository's common git dir (shared by
// every worktree, never tracked). Lanes live outside both the working tree (editors, test runners
// and file watchers there must not see them) and the git dir: Claude Code treats every path under
// `.git/` as sensitive and silently refuses to edit files there, so a lane inside `.git/` gets no
// work done. They go to the user's cache folder, one folder per repository.
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

/** The on-disk layout of flotilla's state for one repository. */
export interface FlotillaPaths {
  readonly root: string;
  readonly stateDb: string;
  readonly lock: string;
  /** This repository's lanes: `<lanes root>/<repo name>-<hash of the common dir>`. */
  readonly lanesRoot: string;
  runDir(runId: string): string;
  attemptDir(runId: string, itemId: string, attempt: number): string;
  laneDir(runId: string, itemId: string, attempt: number): string;
  /** The lane of the resolver of an attempt's merge conflict (round 2 on: a resolution overtaken). */
  resolverLaneDir(runId: string, itemId: string, attempt: number, round?: number): string;
  /** The resolver's prompt and logs, beside its attempt's. */
  resolverDir(runId: string, itemId: string, attempt: number, round?: number): string;
  gateWorktree(runId: string): string;
}

/**
 * The layout for a repository: state under `<commonDir>/flotilla`, lanes under
 * `$FLOTILLA_LANES_DIR` or `$XDG_CACHE_HOME/flotilla/lanes` (default `~/.cache/flotilla/lanes`).
 * Ids are validated before they get here.
 */
export function flotillaPaths(commonDir: string, env: NodeJS.ProcessEnv = process.env): FlotillaPaths {
  const root = join(commonDir, "flotilla");
  const lanesRoot = join(lanesBase(env), repoKey(commonDir));
  return {
    root,
    stateDb: join(root, "state.db"),
    lock: join(root, "run.lock"),
    lanesRoot,
    runDir: (runId) => join(root, "runs", runId),
    attemptDir: (runId, itemId, attempt) => join(root, "runs", runId, "items", itemId, String(attempt)),
    laneDir: (runId, itemId, attempt) => join(lanesRoot, runId, `${itemId}.${attempt}`),
    resolverLaneDir: (runId, itemId, attempt, round = 1) =>
      join(lanesRoot, runId, `${itemId}.${attempt}.resolver${roundSuffix(round)}`),
    resolverDir: (runId, itemId, attempt, round = 1) =>
      join(root, "runs", runId, "items", itemId, String(attempt), `resolver${roundSuffix(round)}`),
    gateWorktree: (runId) => join(lanesRoot, runId, "_gate"),
  };
}

function lanesBase(env: NodeJS.ProcessEnv): string {
  const explicit = env["FLOTILLA_LANES_DIR"];
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const cache = env["XDG_CACHE_HOME"];
  return join(
    cache !== undefined && cache !== "" ? resolve(cache) : join(homedir(), ".cache"),
    "flotilla",
    "lanes",
  );
}

// A readable, collision-free folder name per repository: its folder name and a hash of its git dir.
function repoKey(commonDir: string): string {
  const abs = resolve(commonDir);
  const top = basename(abs) === ".git" ? basename(dirname(abs)) : basename(abs);
  const safe = top.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[.-]+/, "") || "repo";
  return `${safe}-${createHash("sha256").update(abs).digest("hex").slice(0, 10)}`;
}

/** Branch and ref names of the names-and-outcomes contract. */
export const names = {
  laneBranch: (runId: string, itemId: string, attempt: number) =>
    `flotilla-lane/${runId}/${itemId}/${attempt}`,
  attemptRef: (runId: string, itemId: string, attempt: number) =>
    `refs/flotilla/attempts/${runId}/${itemId}/${attempt}`,
  /** A separate prefix: `flotilla-lane/<run>/<item>/<n>` exists, so `<n>/…` below it cannot. */
  resolverBranch: (runId: string, itemId: string, attempt: number, round = 1) =>
    `flotilla-resolve/${runId}/${itemId}/${attempt}${roundSuffix(round)}`,
  resolverRef: (runId: string, itemId: string, attempt: number, round = 1) =>
    `refs/flotilla/resolutions/${runId}/${itemId}/${attempt}${roundSuffix(round)}`,
};

// The first resolver of an attempt keeps the plain names; a later round (its resolution was
// overtaken by other merges) gets `-<round>`.
function roundSuffix(round: number): string {
  return round > 1 ? `-${round}` : "";
}

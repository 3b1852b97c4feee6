// Where a run keeps its things: all under the repository's common git dir, shared by every
// worktree, never tracked, and outside the user's working tree.
import { join } from "node:path";

/** The on-disk layout of flotilla's state for one repository. */
export interface FlotillaPaths {
  readonly root: string;
  readonly stateDb: string;
  readonly lock: string;
  runDir(runId: string): string;
  attemptDir(runId: string, itemId: string, attempt: number): string;
  laneDir(runId: string, itemId: string, attempt: number): string;
  gateWorktree(runId: string): string;
}

/** The layout under `<commonDir>/flotilla`. Ids are validated before they get here. */
export function flotillaPaths(commonDir: string): FlotillaPaths {
  const root = join(commonDir, "flotilla");
  return {
    root,
    stateDb: join(root, "state.db"),
    lock: join(root, "run.lock"),
    runDir: (runId) => join(root, "runs", runId),
    attemptDir: (runId, itemId, attempt) => join(root, "runs", runId, "items", itemId, String(attempt)),
    laneDir: (runId, itemId, attempt) => join(root, "lanes", runId, `${itemId}.${attempt}`),
    gateWorktree: (runId) => join(root, "lanes", runId, "_gate"),
  };
}

/** Branch and ref names of the names-and-outcomes contract. */
export const names = {
  laneBranch: (runId: string, itemId: string, attempt: number) =>
    `flotilla-lane/${runId}/${itemId}/${attempt}`,
  attemptRef: (runId: string, itemId: string, attempt: number) =>
    `refs/flotilla/attempts/${runId}/${itemId}/${attempt}`,
};

// One active run per repository: a lock file in the common git dir naming the owner (pid, the
// pid's start time, host, run). A lock whose owner is gone is stale and taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hostname } from "node:os";
import { isProcessAlive, processStartTime } from "../adapters/process/group.js";

/** Who holds the run lock. */
export interface LockOwner {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly host: string;
  readonly runId: string;
}

/** The result of trying to take the lock. */
export type LockResult =
  | { readonly ok: true; readonly release: () => void; readonly tookOverFrom?: LockOwner }
  | { readonly ok: false; readonly holder: LockOwner };

/** Takes the run lock for `runId`, or names who holds it. */
export function acquireRunLock(opts: { file: string; runId: string }): LockResult {
  mkdirSync(dirname(opts.file), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    host: hostname(),
    runId: opts.runId,
  };
  let tookOverFrom: LockOwner | undefined;
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(opts.file, JSON.stringify(me), { flag: "wx" });
      const release = () => {
        const now = readOwner(opts.file);
        if (now?.pid === me.pid && now.runId === me.runId) rmSync(opts.file, { force: true });
      };
      return tookOverFrom === undefined ? { ok: true, release } : { ok: true, release, tookOverFrom };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = readOwner(opts.file);
    if (holder !== undefined && isLive(holder)) return { ok: false, holder };
    tookOverFrom = holder;
    rmSync(opts.file, { force: true });
  }
  throw new Error(`could not take the run lock ${opts.file}`);
}

/** The current holder of the lock if it is alive (for `run` to refuse with a name). */
export function liveLockHolder(file: string): LockOwner | undefined {
  const holder = readOwner(file);
  return holder !== undefined && isLive(holder) ? holder : undefined;
}

function isLive(o: LockOwner): boolean {
  // A lock from another host cannot be checked from here; treat it as live (the user decides).
  if (o.host !== hostname()) return true;
  if (!isProcessAlive(o.pid)) return false;
  return o.startTime === undefined || processStartTime(o.pid) === o.startTime;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    if (typeof v.pid !== "number" || typeof v.runId !== "string" || typeof v.host !== "string")
      return undefined;
    return {
      pid: v.pid,
      startTime: typeof v.startTime === "string" ? v.startTime : undefined,
      host: v.host,
      runId: v.runId,
    };
  } catch {
    return undefined;
  }
}

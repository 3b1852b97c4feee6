// Process groups and process identity: an agent and everything it starts share one group, so the
// whole tree can be stopped at once; a pid plus its start time names a process even after the pid
// is reused.
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Polls until no live process of the group led by `pid` is left; false when `ms` passed first. */
export async function waitGroupGone(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (!isGroupAlive(pid)) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
  }
}

// How often waitGroupGone looks.
const GROUP_POLL_MS = 20;

/** Signals flotilla sends to process groups. */
export type GroupSignal = "SIGTERM" | "SIGKILL" | "SIGINT" | "SIGHUP";

/**
 * Sends `signal` to the process group led by `pid` (`kill(-pid, signal)`), so grandchildren get it
 * too. Returns false when the group does not exist (or may not be signalled by us); a group of
 * zombies still exists to the kernel, so use isGroupAlive to know whether anything is left.
 */
export function killGroup(pid: number, signal: GroupSignal): boolean {
  assertGroupPid(pid);
  try {
    process.kill(-pid, signal);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ESRCH" || code === "EPERM") return false;
    throw e;
  }
}

/**
 * Whether any live process of the group led by `pid` is left: decides when a kill is complete.
 * Zombies do not count (where PID 1 does not reap orphans, as in some containers, they stay forever).
 */
export function isGroupAlive(pid: number): boolean {
  assertGroupPid(pid);
  try {
    process.kill(-pid, 0);
  } catch (e) {
    // EPERM: a member exists but belongs to someone else; it is still alive.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const members = groupMembers(pid);
  return members === undefined || members.length > 0;
}

/** The live (non-zombie) processes of a group, from /proc; undefined where /proc is not available. */
export function groupMembers(pgid: number): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== "Z") members.push(Number(name));
  }
  return members;
}

/** Whether a process exists and is not a zombie: lets a lock or a run be judged stale. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // A zombie has exited; only its parent has not reaped it yet.
  return readStat(pid)?.state !== "Z";
}

/**
 * The start time of `pid` (field 22 of /proc/<pid>/stat, clock ticks since boot) as a string, so a
 * stored (pid, start time) pair is not mistaken for a new process that reuses the pid. Undefined
 * when the process does not exist or /proc is not available.
 */
export function processStartTime(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ...". comm may hold spaces and parentheses, so the
// fields are counted from the last ")": the one after it is field 3 (state), field 5 (pgrp) is
// index 2, field 22 (starttime) is index 19.
function readStat(pid: number): { state: string; pgrp: number; startTime: string } | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined || !/^\d+$/.test(startTime)) return undefined;
  return { state, pgrp, startTime };
}

// kill(-0) signals our own group and kill(-1) every process we may signal: never a caller's intent.
function assertGroupPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`refusing to signal process group ${pid}`);
}

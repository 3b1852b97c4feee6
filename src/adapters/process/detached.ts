// An agent that outlives its orchestrator: it runs in its own session and process group with its
// output going straight to files (no pipe to us that could break), under a tiny `sh` wrapper that
// writes its exit status to a file when it ends. A restarted orchestrator re-attaches by pid (and
// the pid's start time, so a reused pid is not taken for ours) and learns the outcome from the file.
import { spawn } from "node:child_process";
import {
  closeSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { constants } from "node:os";
import { performance } from "node:perf_hooks";
import { isGroupAlive, isProcessAlive, killGroup, processStartTime, waitGroupGone } from "./group.js";
import { notStartedOutcome, type ProcessOutcome } from "./run-process.js";

// The wrapper: $1 is the exit file, the rest is the agent's argv, never interpolated into the script.
// It writes its own pid (the group's) beside the exit file before the agent starts, so an agent that
// did anything can be found again even when the orchestrator died before it recorded the pid.
const WRAPPER =
  'x=$1; shift; printf "%s\\n" "$$" >"$x.pid.tmp" && mv -f "$x.pid.tmp" "$x.pid"; "$@"; c=$?; printf "%s\\n" "$c" >"$x.tmp" && mv -f "$x.tmp" "$x"; exit "$c"';
const POLL_MS = 100;
const KILL_SETTLE_MS = 2000;

/** Where a detached process writes, and how it is bounded while someone watches it. */
export interface DetachedFiles {
  readonly stdoutFile: string;
  readonly stderrFile: string;
  /** Written by the wrapper with the exit status once the program ends. */
  readonly exitFile: string;
}

/** Limits applied while the process is watched. */
export interface DetachedWatch {
  /** Each log file is cut back to this many bytes whenever it grows past it. */
  readonly capBytes: number;
  readonly tailBytes?: number;
  readonly timeoutMs?: number;
  readonly killGraceMs: number;
  readonly signal?: AbortSignal;
}

/** Who a detached process is: enough to find it again after a restart. */
export interface DetachedIdentity {
  readonly pid: number;
  readonly startTime: string | undefined;
}

/** Starts `argv` detached and watches it to its end. */
export async function runDetached(
  opts: DetachedFiles &
    DetachedWatch & {
      readonly argv: readonly string[];
      readonly cwd: string;
      readonly env: NodeJS.ProcessEnv;
      readonly onSpawn?: (who: DetachedIdentity) => void;
    },
): Promise<ProcessOutcome> {
  const started = performance.now();
  rmQuiet(opts.exitFile);
  if (opts.signal?.aborted === true) return notRun(started, { cancelled: true });
  let out: number;
  let errFd: number;
  try {
    out = openSync(opts.stdoutFile, "w");
    errFd = openSync(opts.stderrFile, "w");
  } catch (e) {
    return notRun(started, { message: `cannot open the log files: ${String(e)}` });
  }
  const child = spawn("/bin/sh", ["-c", WRAPPER, "flotilla-agent", opts.exitFile, ...opts.argv], {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", out, errFd],
  });
  closeSync(out);
  closeSync(errFd);
  let exited = false;
  let status: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      status = { code, signal };
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exit;
    return notRun(started, { message: `cannot start /bin/sh in ${opts.cwd}` });
  }
  child.unref();
  opts.onSpawn?.({ pid, startTime: processStartTime(pid) });
  const watched = await watch({ ...opts, pid, started, done: () => exited, exit });
  return outcome({ ...opts, pid, started, watched, status: status ?? readExitFile(opts.exitFile) });
}

/** Re-attaches to a detached process started by an earlier orchestrator and watches it to its end. */
export async function awaitDetached(
  opts: DetachedFiles & DetachedWatch & DetachedIdentity,
): Promise<ProcessOutcome> {
  const started = performance.now();
  const alive = () => detachedAlive(opts);
  const watched = await watch({ ...opts, started, done: () => !alive(), exit: new Promise(() => undefined) });
  return outcome({ ...opts, started, watched, status: readExitFile(opts.exitFile) });
}

/** Whether the process is still the one we started (same pid and start time) and running. */
export function detachedAlive(who: DetachedIdentity): boolean {
  if (!isProcessAlive(who.pid)) return false;
  return who.startTime === undefined || processStartTime(who.pid) === who.startTime;
}

/**
 * The wrapper's pid from the file it writes before its program starts: undefined when the file is
 * not there (the program never started). The pid alone may have been reused since: see `ownedBy`.
 */
export function readPidFile(exitFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(`${exitFile}.pid`, "utf8").trim();
  } catch {
    return undefined;
  }
  const pid = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether live process `pid` leads its own group and works in `cwd` (a wrapper we started there). */
export function ownedBy(pid: number, cwd: string): boolean {
  if (!isProcessAlive(pid) || !isGroupAlive(pid)) return false;
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(cwd);
  } catch {
    return false;
  }
}

/** The exit status the wrapper wrote, as Node reports one (a signal for 128+n), or undefined. */
export function readExitFile(file: string): { code: number | null; signal: string | null } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  if (!/^\d+$/.test(text)) return undefined;
  return fromShellStatus(Number(text));
}

// A shell reports death by signal n as 128+n.
function fromShellStatus(code: number): { code: number | null; signal: string | null } {
  if (code > 128 && code < 128 + 65) {
    const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name !== undefined) return { code: null, signal: name };
  }
  return { code, signal: null };
}

interface Watched {
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly truncated: { stdout: boolean; stderr: boolean };
  readonly bytes: { stdout: number; stderr: number };
  readonly durationMs: number;
}

// Polls until `done`: cuts the logs back to the cap, stops the group on timeout or abort (SIGTERM,
// SIGKILL after the grace), and once it is done stops whatever the program left in its group.
async function watch(
  w: DetachedFiles &
    DetachedWatch & { pid: number; started: number; done: () => boolean; exit: Promise<void> },
): Promise<Watched> {
  const truncated = { stdout: false, stderr: false };
  const bytes = { stdout: 0, stderr: 0 };
  const cap = () => {
    for (const [key, file] of [
      ["stdout", w.stdoutFile],
      ["stderr", w.stderrFile],
    ] as const) {
      const size = sizeOf(file);
      bytes[key] = Math.max(bytes[key], size);
      if (size > w.capBytes) {
        truncateQuiet(file, w.capBytes);
        bytes[key] = size;
        truncated[key] = true;
      }
    }
  };
  let timedOut = false;
  let cancelled = false;
  let termAt: number | undefined;
  let killed = false;
  const deadline = w.timeoutMs === undefined ? undefined : w.started + w.timeoutMs;
  for (;;) {
    cap();
    if (w.done()) break;
    const now = performance.now();
    if (termAt === undefined && deadline !== undefined && now >= deadline) timedOut = true;
    if (termAt === undefined && w.signal?.aborted === true) cancelled = true;
    if (termAt === undefined && (timedOut || cancelled)) {
      termAt = now;
      killGroup(w.pid, "SIGTERM");
    } else if (termAt !== undefined && !killed && now - termAt >= w.killGraceMs) {
      killed = true;
      killGroup(w.pid, "SIGKILL");
    }
    await Promise.race([w.exit, sleep(POLL_MS)]);
  }
  const durationMs = performance.now() - w.started;
  if (isGroupAlive(w.pid)) {
    killGroup(w.pid, termAt === undefined ? "SIGTERM" : "SIGKILL");
    if (!(await waitGroupGone(w.pid, termAt === undefined ? w.killGraceMs : KILL_SETTLE_MS))) {
      killGroup(w.pid, "SIGKILL");
      await waitGroupGone(w.pid, KILL_SETTLE_MS);
    }
  }
  cap();
  for (const [key, file] of [
    ["stdout", w.stdoutFile],
    ["stderr", w.stderrFile],
  ] as const) {
    if (truncated[key]) appendNote(file, `\n[flotilla: log cut at ${w.capBytes} bytes]\n`);
  }
  return { timedOut, cancelled, truncated, bytes, durationMs };
}

function outcome(o: {
  pid: number;
  started: number;
  watched: Watched;
  status: { code: number | null; signal: string | null } | undefined;
  stdoutFile: string;
  stderrFile: string;
  tailBytes?: number;
}): ProcessOutcome {
  const shell =
    o.status?.code === null || o.status === undefined ? undefined : fromShellStatus(o.status.code);
  const status = shell ?? o.status ?? { code: null, signal: "SIGKILL" };
  const tail = o.tailBytes ?? 16 * 1024;
  return {
    pid: o.pid,
    exitCode: status.code,
    signal: status.signal,
    timedOut: o.watched.timedOut,
    cancelled: o.watched.cancelled,
    durationMs: o.watched.durationMs,
    stdoutTail: tailOf(o.stdoutFile, tail),
    stderrTail: tailOf(o.stderrFile, tail),
    stdoutBytes: o.watched.bytes.stdout,
    stderrBytes: o.watched.bytes.stderr,
    truncated: o.watched.truncated,
    strays: false,
  };
}

function notRun(started: number, o: { cancelled?: boolean; message?: string }): ProcessOutcome {
  return notStartedOutcome(started, {
    ...(o.cancelled === undefined ? {} : { cancelled: o.cancelled }),
    ...(o.message === undefined ? {} : { spawnError: { reason: "other", message: o.message } }),
  });
}

function tailOf(file: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = statSync(file).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buf
      .subarray(0, read)
      .toString("utf8")
      .replace(/^\uFFFD+/, "");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function truncateQuiet(file: string, bytes: number): void {
  try {
    truncateSync(file, bytes);
  } catch {
    // Gone or not writable: nothing to cap.
  }
}

function appendNote(file: string, text: string): void {
  try {
    writeFileSync(file, text, { flag: "a" });
  } catch {
    // The disk may be the reason the log was cut; the outcome still says so.
  }
}

function rmQuiet(file: string): void {
  try {
    renameSync(file, `${file}.old`);
  } catch {
    // Not there: the usual case.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

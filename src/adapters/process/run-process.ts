// Running a long child (an agent, a gate, a setup command): in its own process group so the whole
// tree can be stopped, with output streamed to capped log files and only the tails kept in memory.
// Everything that can go wrong with the child is a field of the outcome, never an exception.
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { isGroupAlive, killGroup, waitGroupGone } from "./group.js";
import { openOutputSink, type OutputSink } from "./output-sink.js";
import { classifySpawnError, type SpawnError } from "./spawn-error.js";

/** Default cap of each log file: past it the child is drained but nothing more is written. */
export const DEFAULT_CAP_BYTES = 50 * 1024 * 1024;
/** Default bytes of each stream kept in memory for feedback. */
export const DEFAULT_TAIL_BYTES = 16 * 1024;
/** Default wait between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 5000;
// After the group is gone, how long to wait for the pipes to close (a process outside the group,
// e.g. a daemon that called setsid, may hold them forever).
const PIPE_CLOSE_WAIT_MS = 500;
// Turns of the event loop `within` still grants after its timer fired (see there).
const LATE_TIMER_TURNS = 10;
// How long a SIGKILLed group may take to disappear before we stop waiting for it.
const KILL_SETTLE_MS = 2000;

/** What to run and how to bound it. */
export interface RunProcessOptions {
  /** The program and its arguments; no shell is involved. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The full environment of the child (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin, which is then closed (default: stdin is /dev/null). */
  readonly stdin?: string;
  /** Log file for stdout, created or truncated. */
  readonly stdoutFile?: string;
  /** Log file for stderr, created or truncated. */
  readonly stderrFile?: string;
  /** Bytes written to each log file at most (default 50 MiB); a note line marks the cut. */
  readonly capBytes?: number;
  /** Bytes of each stream kept in memory (default 16 KiB). */
  readonly tailBytes?: number;
  /** Stop the child's group after this long. */
  readonly timeoutMs?: number;
  /** Wait between SIGTERM and SIGKILL (default 5000). */
  readonly killGraceMs?: number;
  /** Aborting stops the child's group with the same sequence as a timeout. */
  readonly signal?: AbortSignal;
  /** Called once the child has a pid (to record it for adoption after a crash). */
  readonly onSpawn?: (pid: number) => void;
}

/** How a child ended; a record to branch on, not an exception. */
export interface ProcessOutcome {
  readonly pid: number | undefined;
  /** Null when the child was ended by a signal or never started. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** From start until the direct child exited. */
  readonly durationMs: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  /** Bytes the child wrote to each stream, including those past the cap. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** Whether each log file was cut at the cap. */
  readonly truncated: { readonly stdout: boolean; readonly stderr: boolean };
  /**
   * Processes of the child's group were still running after it exited (background jobs it left)
   * and were stopped (SIGTERM, then SIGKILL after the grace).
   */
  readonly strays: boolean;
  /** Writing a log file failed (disk full, …); the tails are still complete. */
  readonly logError?: string;
  readonly spawnError?: SpawnError;
}

/**
 * Runs `argv` in its own process group and resolves once the direct child has exited and its
 * group is gone: a timeout or an abort sends SIGTERM to the group, SIGKILL after the grace, and
 * SIGKILL once more when the child has exited (for grandchildren that ignored SIGTERM).
 */
export async function runProcess(opts: RunProcessOptions): Promise<ProcessOutcome> {
  const started = performance.now();
  const command = opts.argv[0];
  if (command === undefined) throw new Error("runProcess: argv is empty");
  const notStarted = (extra: { cancelled?: boolean; spawnError?: SpawnError }) =>
    notStartedOutcome(started, extra);
  if (opts.signal?.aborted === true) return notStarted({ cancelled: true });

  const capBytes = opts.capBytes ?? DEFAULT_CAP_BYTES;
  const tailBytes = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
  const out = openOutputSink({
    capBytes,
    tailBytes,
    ...(opts.stdoutFile === undefined ? {} : { file: opts.stdoutFile }),
  });
  if (!out.ok) return notStarted({ spawnError: { reason: "other", message: out.error.message } });
  const errSink = openOutputSink({
    capBytes,
    tailBytes,
    ...(opts.stderrFile === undefined ? {} : { file: opts.stderrFile }),
  });
  if (!errSink.ok) {
    await out.value.finish();
    return notStarted({ spawnError: { reason: "other", message: errSink.error.message } });
  }
  const sinks = { stdout: out.value, stderr: errSink.value };

  let child: ChildProcess;
  try {
    child = spawn(command, opts.argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (e) {
    // Node throws synchronously for arguments no process can receive (a NUL byte in argv).
    await Promise.all([sinks.stdout.finish(), sinks.stderr.finish()]);
    return notStarted({ spawnError: { reason: "other", message: `cannot start ${command}: ${String(e)}` } });
  }
  return supervise({ child, opts, sinks, started, command, notStarted });
}

interface Supervision {
  readonly child: ChildProcess;
  readonly opts: RunProcessOptions;
  readonly sinks: { readonly stdout: OutputSink; readonly stderr: OutputSink };
  readonly started: number;
  readonly command: string;
  readonly notStarted: (extra: { spawnError: SpawnError }) => ProcessOutcome;
}

function supervise(s: Supervision): Promise<ProcessOutcome> {
  const { child, opts, sinks } = s;
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise<ProcessOutcome>((resolve, reject) => {
    const pid = child.pid;
    const pipesClosed = Promise.all([pump(child.stdout, sinks.stdout), pump(child.stderr, sinks.stderr)]);

    if (pid === undefined) {
      // The spawn failed: Node emits "error" (and no "exit").
      child.once("error", (e) => {
        void (async () => {
          await within(pipesClosed, PIPE_CLOSE_WAIT_MS);
          child.stdout?.destroy();
          child.stderr?.destroy();
          await Promise.all([sinks.stdout.finish(), sinks.stderr.finish()]);
          resolve(
            s.notStarted({ spawnError: classifySpawnError({ error: e, command: s.command, cwd: opts.cwd }) }),
          );
        })();
      });
      return;
    }

    let timedOut = false;
    let cancelled = false;
    let terminating = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (terminating) return;
      terminating = true;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            terminate();
          }, opts.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      terminate();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    // Errors after a successful spawn (a failed kill) change nothing: the exit still comes.
    child.on("error", () => undefined);

    if (child.stdin !== null) {
      child.stdin.on("error", () => undefined); // the child may exit without reading: EPIPE
      child.stdin.end(opts.stdin);
    }

    child.once("exit", (code, signal) => {
      const durationMs = performance.now() - s.started;
      if (timer !== undefined) clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      void (async () => {
        let strays = false;
        if (terminating) {
          // Grandchildren that ignored SIGTERM: no second grace for them. (Only while the group has
          // live members: an empty group's id may be reused.)
          if (isGroupAlive(pid)) killGroup(pid, "SIGKILL");
          await waitGroupGone(pid, KILL_SETTLE_MS);
        } else if (isGroupAlive(pid)) {
          strays = true;
          await stopGroup(pid, graceMs);
        }
        await within(pipesClosed, PIPE_CLOSE_WAIT_MS);
        child.stdout?.destroy();
        child.stderr?.destroy();
        await Promise.all([sinks.stdout.finish(), sinks.stderr.finish()]);
        const logError = sinks.stdout.fileError ?? sinks.stderr.fileError;
        resolve({
          pid,
          exitCode: code,
          signal,
          timedOut,
          cancelled,
          durationMs,
          stdoutTail: sinks.stdout.tail(),
          stderrTail: sinks.stderr.tail(),
          stdoutBytes: sinks.stdout.bytes,
          stderrBytes: sinks.stderr.bytes,
          truncated: { stdout: sinks.stdout.truncated, stderr: sinks.stderr.truncated },
          strays,
          ...(logError === undefined ? {} : { logError }),
        });
      })();
    });

    try {
      opts.onSpawn?.(pid);
    } catch (e) {
      // A throwing callback is a bug of the caller; the child must not outlive it.
      terminate();
      child.once("exit", () => {
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    }
  });
}

// Feeds a child's stream into its sink, pausing while the log file is behind; resolves on close.
function pump(stream: Readable | null, sink: OutputSink): Promise<void> {
  if (stream === null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      if (!sink.write(chunk)) {
        stream.pause();
        sink.onDrain(() => stream.resume());
      }
    });
    stream.once("close", resolve);
    stream.on("error", () => undefined);
  });
}

// SIGTERM to what is left of the group, then SIGKILL if it is still there after the grace.
async function stopGroup(pid: number, graceMs: number): Promise<void> {
  killGroup(pid, "SIGTERM");
  if (await waitGroupGone(pid, graceMs)) return;
  killGroup(pid, "SIGKILL");
  await waitGroupGone(pid, KILL_SETTLE_MS);
}

/**
 * Waits for `promise` at most `ms`. A timer can fire late and first in the loop's turn when the
 * process was busy or starved for longer than `ms` (a loaded machine): the I/O that became ready
 * meanwhile — a child's last output and its pipes' end — is then read in the same turn, after the
 * timers. So before giving up, a few turns of the loop run, letting that I/O in: without them a
 * command's output was sometimes cut off although it had all been written (seen as an empty
 * `git rev-parse` with exit 0 under load).
 */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  const state = { settled: false };
  const done = () => {
    state.settled = true;
  };
  promise.then(done, done);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  for (let turn = 0; !state.settled && turn < LATE_TIMER_TURNS; turn++)
    await new Promise((resolve) => setImmediate(resolve));
}

/** The outcome of a process that never ran (cancelled first, or it could not be spawned). */
export function notStartedOutcome(
  started: number,
  extra: { cancelled?: boolean; spawnError?: SpawnError },
): ProcessOutcome {
  return {
    pid: undefined,
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: extra.cancelled ?? false,
    durationMs: performance.now() - started,
    stdoutTail: "",
    stderrTail: "",
    stdoutBytes: 0,
    stderrBytes: 0,
    truncated: { stdout: false, stderr: false },
    strays: false,
    ...(extra.spawnError === undefined ? {} : { spawnError: extra.spawnError }),
  };
}

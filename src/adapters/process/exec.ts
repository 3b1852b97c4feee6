// Short commands whose whole output we need (git): buffered without a size trap (git output can
// be many MB), in their own process group like every child, with a non-zero exit as a value.
import { constants } from "node:os";
import { runProcess } from "./run-process.js";
import type { SpawnError } from "./spawn-error.js";

/** What to run. */
export interface ExecOptions {
  /** The program and its arguments; no shell is involved. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The full environment of the child (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to stdin, which is then closed (default: stdin is /dev/null). */
  readonly input?: string;
  /** Stop the command's group after this long (SIGTERM, SIGKILL after 2 s). */
  readonly timeoutMs?: number;
  /** Aborting stops the command's group. */
  readonly signal?: AbortSignal;
}

/** A finished short command. */
export interface ExecResult {
  /**
   * The exit code; for a child ended by a signal 128 + the signal number, for one that could not
   * start 127 (not found) or 126 (anything else), as a shell would say.
   */
  readonly exitCode: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  readonly spawnError?: SpawnError;
}

const EXEC_KILL_GRACE_MS = 2000;

/** Runs a short command to completion and returns everything it printed. */
export async function exec(opts: ExecOptions): Promise<ExecResult> {
  const outcome = await runProcess({
    argv: opts.argv,
    cwd: opts.cwd,
    tailBytes: Number.POSITIVE_INFINITY,
    killGraceMs: EXEC_KILL_GRACE_MS,
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.input === undefined ? {} : { stdin: opts.input }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const exitCode =
    outcome.exitCode ??
    (outcome.spawnError !== undefined
      ? outcome.spawnError.reason === "not-found"
        ? 127
        : 126
      : 128 + signalNumber(outcome.signal));
  return {
    exitCode,
    signal: outcome.signal,
    stdout: outcome.stdoutTail,
    stderr: outcome.stderrTail,
    timedOut: outcome.timedOut,
    cancelled: outcome.cancelled,
    durationMs: outcome.durationMs,
    ...(outcome.spawnError === undefined ? {} : { spawnError: outcome.spawnError }),
  };
}

function signalNumber(signal: string | null): number {
  if (signal === null) return 0;
  return (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
}

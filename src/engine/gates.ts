// Gates: shell commands from the plan that must exit 0. They are shell by definition, so each runs
// as `sh -c <command>` with the command as one argv element; their output is kept as evidence.
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { runProcess } from "../adapters/process/run-process.js";
import type { GateStage, ReviewCheck } from "../core/state-types.js";
import type { EngineContext } from "./context.js";
import type { AcceptedCheck } from "./criteria-gates.js";

/** Why a gate list did not pass: the first failing command and what it printed. */
export interface GateFailure {
  readonly stage: GateStage;
  readonly command: string;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly outputTail: string;
  /** A one-line explanation for feedback and the report. */
  readonly summary: string;
  /** Set when the failing command is an accepted item's check: the item and criterion it broke. */
  readonly broke?: AcceptedCheck;
}

/** Where and for whom a gate list runs. */
export interface GateRunOptions {
  readonly ctx: EngineContext;
  readonly stage: GateStage;
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  readonly itemId?: string;
  readonly attempt?: number;
}

const TAIL_LINES = 40;

/** One gate command's run: its evidence (the shape a review stores per check), passed or not. */
export interface GateRun extends Omit<ReviewCheck, "criterion"> {
  /** Set when it failed: a one-line explanation. */
  readonly summary?: string;
}

/** Runs the commands in order and stops at the first failure; undefined means every gate passed. */
export async function runGates(opts: GateRunOptions): Promise<GateFailure | undefined> {
  for (const [i, command] of opts.commands.entries()) {
    const run = await runGate(opts, command, i);
    if (run.summary !== undefined) {
      return {
        stage: opts.stage,
        command,
        exitCode: run.exitCode,
        timedOut: run.timedOut,
        outputTail: run.outputTail,
        summary: run.summary,
      };
    }
  }
  return undefined;
}

/** Runs one command of a gate list (the i-th, for its log file names) and records it. */
export async function runGate(opts: GateRunOptions, command: string, i: number): Promise<GateRun> {
  const { ctx } = opts;
  mkdirSync(opts.logDir, { recursive: true });
  const base = join(opts.logDir, `${opts.stage}-${i + 1}`);
  const startedAt = new Date().toISOString();
  const outcome = await runProcess({
    argv: ["sh", "-c", command],
    cwd: opts.cwd,
    env: opts.env,
    stdoutFile: `${base}.out`,
    stderrFile: `${base}.err`,
    timeoutMs: ctx.options.gateTimeoutSeconds * 1000,
    signal: ctx.hardStop,
  });
  const outputTail = lastLines(`${outcome.stdoutTail}${outcome.stderrTail}`, TAIL_LINES);
  const passed = outcome.exitCode === 0 && !outcome.timedOut;
  const durationMs = Math.round(outcome.durationMs);
  ctx.store.recordGateRun({
    runId: ctx.runId,
    itemId: opts.itemId,
    attempt: opts.attempt,
    stage: opts.stage,
    command,
    exitCode: outcome.exitCode ?? undefined,
    timedOut: outcome.timedOut,
    durationMs,
    outputFile: `${base}.out`,
    outputTail,
    startedAt,
  });
  ctx.emit({
    type: "gate-ended",
    stage: opts.stage,
    ...(opts.itemId === undefined ? {} : { itemId: opts.itemId }),
    ...(opts.attempt === undefined ? {} : { attempt: opts.attempt }),
    command,
    passed,
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
  });
  const run = {
    command,
    passed,
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    durationMs,
    outputTail,
  };
  if (passed) return run;
  const summary = outcome.timedOut
    ? `${opts.stage} gate \`${command}\` timed out after ${ctx.options.gateTimeoutSeconds}s`
    : outcome.exitCode === 127
      ? `${opts.stage} gate \`${command}\` failed: command not found (exit 127)`
      : `${opts.stage} gate \`${command}\` failed with exit code ${outcome.exitCode ?? `signal ${outcome.signal ?? "?"}`}`;
  return { ...run, summary };
}

/** The last `n` lines of a text, for feedback that stays short. */
export function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-n).join("\n");
}

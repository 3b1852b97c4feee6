// Timing helpers for benches: run a command several times and keep min/median/max.
import { spawnSync } from "node:child_process";

/** Wall-clock samples of one measured thing, in milliseconds. */
export interface Samples {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}

/** Summarises raw samples. */
export function summarize(values: readonly number[]): Samples {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) throw new Error("no samples");
  return { min: v[0]!, median: v[Math.floor(v.length / 2)]!, max: v[v.length - 1]!, runs: v.length };
}

/** Times a process start to exit, `runs` times, interleaved with others by the caller. */
export function timeCommand(argv: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): number {
  const t0 = process.hrtime.bigint();
  // stdout is discarded: a large `check --json` would overflow spawnSync's buffer; stderr is kept.
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 2) {
    throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  }
  return ms;
}

/** Formats samples as "min / median / max ms". */
export function fmt(s: Samples): string {
  return `${s.min.toFixed(0)} / ${s.median.toFixed(0)} / ${s.max.toFixed(0)} ms`;
}

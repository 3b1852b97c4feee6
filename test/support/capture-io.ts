// A CliIO for in-process command tests: what commands print is kept in memory for the test to read.
import type { CliIO } from "../../src/cli/io.js";

/** A CliIO whose output the test reads. */
export interface CapturedIO extends CliIO {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** An io for `cwd` that captures what commands print (not a terminal; the test process's env unless given). */
export function captureIO(cwd: string, env: NodeJS.ProcessEnv = process.env): CapturedIO {
  let out = "";
  let err = "";
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    isTTY: false,
    errIsTTY: false,
    cwd,
    env,
    stdout: () => out,
    stderr: () => err,
  };
}

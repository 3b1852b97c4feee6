// The built `flotilla` CLI as a separate process, for tests that kill the orchestrator outright
// (SIGKILL cannot be sent to a run inside the test process).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** dist/src/cli/bin.js, next to this compiled helper's dist/test/support. */
export const FLOTILLA_BIN = fileURLToPath(new URL("../../src/cli/bin.js", import.meta.url));

/** A running `flotilla` and how it ends. */
export interface FlotillaProcess {
  readonly child: ChildProcess;
  /** Resolves when it exits (never rejects). */
  readonly done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

/** Starts `flotilla ...args` in `cwd`, with FLOTILLA_DEPTH cleared (tests may run inside a lane). */
export function startFlotilla(opts: {
  cwd: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Another build of the CLI (the bench passes its own). */
  bin?: string;
}): FlotillaProcess {
  const child = spawn(process.execPath, [opts.bin ?? FLOTILLA_BIN, ...opts.args], {
    cwd: opts.cwd,
    env: { ...process.env, FLOTILLA_DEPTH: "0", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      child.once("close", (code, signal) => {
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
  return { child, done };
}

/** Runs `flotilla ...args` to its end. */
export function flotilla(opts: { cwd: string; args: readonly string[]; env?: NodeJS.ProcessEnv }) {
  return startFlotilla(opts).done;
}

/** Resolves once `check` is true, polling; rejects after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

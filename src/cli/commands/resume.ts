// `flotilla resume [RUN]`: continues an unfinished run (the newest one without RUN) with the plan
// it started with, re-attaching to agents that still run and judging the rest from git.
import type { Plan } from "../../plan/types.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { openStateForCli } from "../open-state.js";
import { runSession } from "../run-session.js";

/** Runs `resume`; exit 2 "nothing to resume" when no run is unfinished. */
export async function resumeCommand(opts: {
  io: CliIO;
  runId: string | undefined;
  json: boolean;
}): Promise<number> {
  const { io } = opts;
  const opened = await openStateForCli(io);
  if (opened === undefined) return ExitCode.usage;
  let plan: Plan;
  let runId: string;
  try {
    const { store } = opened;
    const run = opts.runId === undefined ? store.latestUnfinishedRun() : store.getRun(opts.runId);
    if (run === undefined) {
      io.err(
        opts.runId === undefined
          ? "flotilla: error: nothing to resume: no unfinished run in this repository.\n"
          : `flotilla: error: no run "${opts.runId}" in this repository.\n`,
      );
      return ExitCode.usage;
    }
    if (run.status !== "running" && run.status !== "interrupted") {
      io.err(`flotilla: error: nothing to resume: run ${run.id} is ${run.status}.\n`);
      return ExitCode.usage;
    }
    plan = JSON.parse(run.planJson) as Plan;
    runId = run.id;
  } finally {
    opened.store.close();
  }
  io.err(`flotilla: resuming ${runId}\n`);
  return runSession({ io, plan, cwd: io.cwd, resume: { runId }, json: opts.json });
}

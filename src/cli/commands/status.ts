// `flotilla status [RUN] [--json]`: where a run stands, read from the state database while the run
// goes on in another terminal (or after it ended).
import { hostname } from "node:os";
import { isProcessAlive, processStartTime } from "../../adapters/process/index.js";
import { buildStatusView } from "../../core/report.js";
import type { RunRecord } from "../../core/state-types.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { withRun } from "../open-state.js";
import { renderStatusText } from "../render/status-text.js";

/** Runs `status`: exit 0 with the view; 2 outside a repository, without state, or for an unknown run. */
export async function statusCommand(opts: {
  io: CliIO;
  runId: string | undefined;
  json: boolean;
}): Promise<number> {
  const { io } = opts;
  return withRun(io, opts.runId, (store, run) => {
    const alive = ownerAlive(run);
    const view = buildStatusView({
      run,
      items: store.listItems(run.id),
      attempts: store.listAttempts(run.id),
      events: run.status === "running" ? store.listEvents(run.id) : [],
      ...(alive === undefined ? {} : { ownerAlive: alive }),
    });
    io.out(opts.json ? `${JSON.stringify(view, null, 2)}\n` : renderStatusText(view));
    return ExitCode.ok;
  });
}

// Whether the orchestrator of a running run still lives; undefined when that cannot be told here
// (the run is over, or it runs on another host).
function ownerAlive(run: RunRecord): boolean | undefined {
  if (run.status !== "running" || run.host !== hostname()) return undefined;
  if (!isProcessAlive(run.pid)) return false;
  // A different start time means the pid was reused by another process; unknown (no /proc) counts as alive.
  const started = processStartTime(run.pid);
  return run.pidStartTime === undefined || started === undefined || started === run.pidStartTime;
}

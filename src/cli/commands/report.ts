// `flotilla report [RUN] [--json]`: the report of a run (the newest by default), for people or as
// the `report --json` contract object.
import { reportFromStore } from "../../core/report.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { withRun } from "../open-state.js";
import { renderReportText } from "../render/report-text.js";

/** Runs `report`: exit 0 with the report; 2 outside a repository, without state, or for an unknown run. */
export async function reportCommand(opts: {
  io: CliIO;
  runId: string | undefined;
  json: boolean;
}): Promise<number> {
  const { io } = opts;
  return withRun(io, opts.runId, (store, run) => {
    const report = reportFromStore(store, run);
    io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
    return ExitCode.ok;
  });
}

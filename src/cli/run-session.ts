// Runs a plan from the terminal: signals (first Ctrl-C stops dispatching, second stops agents),
// the live view, the SQLite store, and the final report. Shared by `run` and `demo`.
import { openStateStore } from "../adapters/state/sqlite-store.js";
import { reportFromStore } from "../core/report.js";
import { executeRun, type RunRequest } from "../engine/run.js";
import type { EngineOptions } from "../engine/context.js";
import type { Plan } from "../plan/types.js";
import { StateStoreError, type JsonObject } from "../core/state-types.js";
import { ExitCode } from "./exit-codes.js";
import type { CliIO } from "./io.js";
import { createLiveView } from "./render/live-view.js";
import { renderReportText } from "./render/report-text.js";

/** What `run` and `demo` hand over. */
export interface RunSessionOptions {
  readonly io: CliIO;
  readonly plan: Plan;
  readonly cwd: string;
  readonly restart?: boolean;
  /** Continue an unfinished run instead of starting one (`resume`, `run --resume`). */
  readonly resume?: { readonly runId?: string };
  readonly allowNested?: boolean;
  readonly json?: boolean;
  readonly overrides?: JsonObject;
  readonly engineOptions?: Partial<EngineOptions>;
  /** Install SIGINT/SIGTERM handlers (off in tests that run several sessions in one process). */
  readonly handleSignals?: boolean;
}

/** Runs the plan and prints the report; returns the exit code of the contract. */
export async function runSession(opts: RunSessionOptions): Promise<number> {
  const { io } = opts;
  const stop = new AbortController();
  const hard = new AbortController();
  let interrupts = 0;
  // Agent sessions running now, from the events: what the first Ctrl-C says is still going on.
  const running = new Set<string>();
  const onInt = () => {
    interrupts += 1;
    if (interrupts === 1) {
      stop.abort();
      const n = running.size;
      io.err(
        `\nflotilla: stopping: no new attempts will start; ${n} attempt${n === 1 ? " is" : "s are"} still running and will finish and merge. Ctrl-C again stops them now (the run can be resumed).\n`,
      );
    } else {
      hard.abort();
      io.err("\nflotilla: stopping the agents now; the run can be resumed.\n");
    }
  };
  const onTerm = () => {
    stop.abort();
    hard.abort();
  };
  if (opts.handleSignals !== false) {
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  }
  const view = createLiveView({
    write: io.err,
    isTTY: io.errIsTTY,
    now: () => Date.now(),
    ...(io.errColumns === undefined ? {} : { columns: io.errColumns }),
  });
  try {
    const request: RunRequest = {
      plan: opts.plan,
      cwd: opts.cwd,
      env: io.env,
      openStore: (file) => openStateStore({ file }),
      emit: (e) => {
        if (e.type === "attempt-started") running.add(`${e.itemId}#${e.attempt}`);
        if (e.type === "attempt-ended") running.delete(`${e.itemId}#${e.attempt}`);
        view.onEvent(e);
      },
      stop: stop.signal,
      hardStop: hard.signal,
      restart: opts.restart === true,
      ...(opts.resume === undefined ? {} : { resume: opts.resume }),
      allowNested: opts.allowNested === true,
      ...(opts.overrides === undefined ? {} : { overrides: opts.overrides }),
      ...(opts.engineOptions === undefined ? {} : { options: opts.engineOptions }),
    };
    let result: Awaited<ReturnType<typeof executeRun>>;
    try {
      result = await executeRun(request);
    } catch (e) {
      view.stop();
      if (e instanceof StateStoreError) {
        io.err(`flotilla: error: ${e.message}\n`);
        return ExitCode.interrupted;
      }
      io.err(
        `flotilla: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n` +
          "The run was marked interrupted; every attempt's commits are kept under refs/flotilla/. Please report this.\n",
      );
      return ExitCode.interrupted;
    }
    view.stop();
    if (!result.ok) {
      const r = result.error;
      switch (r.reason) {
        case "preflight":
          for (const p of r.problems) io.err(`flotilla: error: ${p.message}\n`);
          break;
        case "unfinished-run":
        case "locked":
        case "state":
          io.err(`flotilla: error: ${r.message}\n`);
          break;
      }
      io.err("nothing was started.\n");
      return ExitCode.usage;
    }
    const opened = openStateStore({ file: result.value.stateDb, mustExist: true });
    if (!opened.ok) {
      io.err(`flotilla: error: ${opened.error.message}\n`);
      return result.value.exitCode;
    }
    const store = opened.value;
    try {
      const report = reportFromStore(store, store.getRun(result.value.runId)!);
      io.out(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
    } finally {
      store.close();
    }
    return result.value.exitCode;
  } finally {
    view.stop();
    if (opts.handleSignals !== false) {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    }
  }
}

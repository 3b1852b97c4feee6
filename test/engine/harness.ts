// Runs a plan (YAML text) with the real engine in a real repository, collecting events, and opens
// the state afterwards: the engine tests' one way in.
import { openStateStore } from "../../src/adapters/state/sqlite-store.js";
import type { RunEvent } from "../../src/core/events.js";
import type { StateStore } from "../../src/core/state-types.js";
import { reportFromStore } from "../../src/core/report.js";
import type { Report } from "../../src/core/report-types.js";
import type { EngineOptions } from "../../src/engine/context.js";
import { executeRun, type RunOutcome, type RunRefusal } from "../../src/engine/run.js";
import { flotillaPaths } from "../../src/engine/paths.js";
import { loadPlan } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/types.js";
import type { Result } from "../../src/util/result.js";
import { gitdir, type Gitdir } from "../support/gitdir.js";
import { join } from "node:path";

/** Loads plan text or fails the test with the diagnostics. */
export function planFrom(text: string): Plan {
  const r = loadPlan({ file: "plan.yaml", text });
  if (!r.ok)
    throw new Error(
      `test plan is invalid: ${JSON.stringify(r.error.map((d) => `${d.loc.line}:${d.loc.column} ${d.message}`))}`,
    );
  return r.value;
}

/** Everything a test looks at after a run. */
export interface RunResult {
  readonly result: Result<RunOutcome, RunRefusal>;
  readonly events: RunEvent[];
  /** The report of the run (only when it started). */
  report(): Report;
  /** Opens the state (closed by the harness's cleanup). */
  store(): StateStore;
}

/** Options for one engine run in a test. */
export interface RunInRepoOptions {
  readonly repo: Gitdir;
  readonly plan: string | Plan;
  readonly env?: NodeJS.ProcessEnv;
  readonly options?: Partial<EngineOptions>;
  readonly stop?: AbortSignal;
  readonly hardStop?: AbortSignal;
  readonly allowNested?: boolean;
  readonly restart?: boolean;
  readonly resume?: { readonly runId?: string };
  readonly cwd?: string;
}

const stores: StateStore[] = [];

/** Runs the plan in the repo with the real engine. */
export async function runInRepo(opts: RunInRepoOptions): Promise<RunResult> {
  const plan = typeof opts.plan === "string" ? planFrom(opts.plan) : opts.plan;
  const events: RunEvent[] = [];
  const env = { ...process.env, FLOTILLA_DEPTH: "0", ...opts.env };
  const result = await executeRun({
    plan,
    cwd: opts.cwd ?? opts.repo.dir,
    env,
    openStore: (file) => openStateStore({ file }),
    emit: (e) => events.push(e),
    allowNested: opts.allowNested ?? false,
    restart: opts.restart ?? false,
    ...(opts.resume === undefined ? {} : { resume: opts.resume }),
    options: { killGraceMs: 500, ...opts.options },
    ...(opts.stop === undefined ? {} : { stop: opts.stop }),
    ...(opts.hardStop === undefined ? {} : { hardStop: opts.hardStop }),
  });
  const store = (): StateStore => {
    const r = openStateStore({
      file: join(
        opts.repo.git("rev-parse", "--path-format=absolute", "--git-common-dir"),
        "flotilla",
        "state.db",
      ),
      mustExist: true,
    });
    if (!r.ok) throw r.error;
    stores.push(r.value);
    return r.value;
  };
  return {
    result,
    events,
    store,
    report: () => {
      if (!result.ok) throw new Error(`the run did not start: ${JSON.stringify(result.error)}`);
      const s = store();
      return reportFromStore(s, s.getRun(result.value.runId)!);
    },
  };
}

/** A fresh repository for an engine test, with cleanup of stores opened on it. */
export function engineRepo(): Gitdir {
  const repo = gitdir({ prefix: "engine" });
  return {
    ...repo,
    cleanup: () => {
      for (const s of stores.splice(0)) s.close();
      repo.cleanup();
    },
  };
}

/** The flotilla paths of a test repository. */
export function repoPaths(repo: Gitdir) {
  return flotillaPaths(repo.git("rev-parse", "--path-format=absolute", "--git-common-dir"));
}

/** The report entry of one item. */
export function itemOf(report: Report, id: string) {
  const item = report.items.find((i) => i.id === id);
  if (item === undefined) throw new Error(`no item ${id} in the report`);
  return item;
}

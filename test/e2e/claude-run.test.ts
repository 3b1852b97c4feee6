// The real engine driving the real Claude Code CLI (node_modules/.bin/claude) against a scripted
// model server: every scenario is a fresh repository, a plan of `claude` items, executeRun with the
// SQLite store, and then the outcome, the state, the report and git are checked.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStateStore } from "../../src/adapters/state/sqlite-store.js";
import { groupMembers } from "../../src/adapters/process/group.js";
import type { RunEvent } from "../../src/core/events.js";
import { buildReport } from "../../src/core/report.js";
import type { Report, ReportAttempt, ReportItem } from "../../src/core/report-types.js";
import type { AttemptRecord } from "../../src/core/state-types.js";
import { executeRun, type RunOutcome } from "../../src/engine/run.js";
import { loadPlan } from "../../src/plan/load.js";
import { claudeTestEnv, NO_RETRY_ENV } from "../support/claude-env.js";
import { gitdir, type Gitdir } from "../support/gitdir.js";
import {
  startModelServer,
  type MessagesBody,
  type ModelServer,
  type Script,
} from "../support/model-server.js";

// dist/test/e2e/ → the repository root.
const BIN_DIR = fileURLToPath(new URL("../../../node_modules/.bin", import.meta.url));
const skip = existsSync(join(BIN_DIR, "claude")) ? false : `no Claude Code CLI in ${BIN_DIR}`;

/** What a scenario leaves behind to look at. */
interface Ran {
  readonly repo: Gitdir;
  readonly server: ModelServer;
  readonly outcome: RunOutcome;
  readonly events: readonly RunEvent[];
  readonly report: Report;
  readonly attempts: readonly AttemptRecord[];
  /** The first user message of each main conversation, by item and attempt ("gamma#1"). */
  readonly prompts: ReadonlyMap<string, string>;
  readonly ms: number;
  /** What the model saw, request by request: item, turn and the last tool result. */
  readonly transcript: readonly string[];
}

interface ScenarioOptions {
  readonly plan: string;
  readonly script: Script;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs one plan with the real engine and the real CLI; everything is torn down by `t.after`. */
async function scenario(t: TestContext, opts: ScenarioOptions): Promise<Ran> {
  const repo = gitdir({ prefix: "e2e-claude" });
  // Lanes may live outside the repository folder: each is removed by what the engine announced.
  const lanes: string[] = [];
  t.after(() => {
    for (const dir of [repo.dir, ...lanes]) killLeftovers(dir);
    removeLanes(lanes, repo.dir);
    repo.cleanup();
  });
  const prompts = new Map<string, string>();
  const transcript: string[] = [];
  const server = await startModelServer({
    safetyMs: 90_000,
    script: (ctx) => {
      transcript.push(`${ctx.item ?? "?"} turn ${ctx.turn}: ${ctx.lastToolResult ?? "-"}`);
      if (ctx.turn === 0) {
        const text = firstUserText(ctx.body);
        const attempt = /^Attempt: (\d+)$/m.exec(text)?.[1] ?? "?";
        const role = /^Role: reviewer$/m.test(text) ? ":review" : "";
        prompts.set(`${ctx.item ?? "?"}#${attempt}${role}`, text);
      }
      return opts.script(ctx);
    },
  });
  t.after(() => server.close());
  const scratch = claudeTestEnv({
    baseUrl: server.url,
    extra: { ...NO_RETRY_ENV, API_TIMEOUT_MS: "30000", ...opts.env },
  });
  t.after(() => {
    scratch.cleanup();
  });
  const env = { ...scratch.env, PATH: `${BIN_DIR}:${scratch.env["PATH"] ?? "/usr/bin:/bin"}` };

  const loaded = loadPlan({ file: "plan.yaml", text: opts.plan });
  if (!loaded.ok) assert.fail(`test plan is invalid: ${JSON.stringify(loaded.error)}`);
  const events: RunEvent[] = [];
  const t0 = Date.now();
  const result = await executeRun({
    plan: loaded.value,
    cwd: repo.dir,
    env,
    openStore: (file) => openStateStore({ file }),
    emit: (e) => {
      events.push(e);
      if (e.type === "attempt-started") lanes.push(e.lane);
    },
    options: { killGraceMs: 1000, gateTimeoutSeconds: 30 },
  });
  const ms = Date.now() - t0;
  if (!result.ok) assert.fail(`the run did not start: ${JSON.stringify(result.error)}`);
  const opened = openStateStore({ file: result.value.stateDb, mustExist: true });
  if (!opened.ok) throw opened.error;
  const store = opened.value;
  try {
    const run = store.getRun(result.value.runId)!;
    const attempts = store.listAttempts(run.id);
    const report = buildReport({
      run,
      items: store.listItems(run.id),
      attempts,
      gateRuns: store.listGateRuns(run.id),
    });
    return { repo, server, outcome: result.value, events, report, attempts, prompts, ms, transcript };
  } finally {
    store.close();
  }
}

/** What happened, for assertion messages: the events in order, one line each. */
function story(r: Ran): string {
  return [
    ...r.events.map((e) => JSON.stringify(e)),
    ...r.transcript,
    ...r.attempts.map((a) => `${a.itemId}#${a.n}: denials ${JSON.stringify(a.permissionDenials)}`),
  ].join("\n");
}

/** Asserts how the run ended, telling the whole story when it ended otherwise. */
function assertEnded(r: Ran, status: RunOutcome["status"], exitCode: RunOutcome["exitCode"]): void {
  assert.equal(r.outcome.status, status, story(r));
  assert.equal(r.outcome.exitCode, exitCode, story(r));
  assert.equal(r.report.run.status, status);
}

function item(r: Ran, id: string): ReportItem {
  const found = r.report.items.find((i) => i.id === id);
  assert.ok(found, `item ${id} is in the report`);
  return found;
}

function onlyAttempt(r: Ran, id: string): ReportAttempt {
  const i = item(r, id);
  assert.equal(i.attempts.length, 1, `${id}: one attempt`);
  return i.attempts[0]!;
}

function attemptRefs(repo: Gitdir): Map<string, string> {
  const out = repo.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/flotilla/attempts/");
  return new Map(
    out
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(" ") as [string, string]),
  );
}

/** Writes `file` and commits it with one Bash call — allowed by the default `Bash(git:*)` list. */
function writer(file: string, subject: string, notes: string): Script {
  return (ctx) =>
    ctx.turn === 0
      ? { bash: `printf 'from ${file}\\n' > ${file} && git add -A && git commit -qm '${subject}'` }
      : { text: `Wrote ${file}.\nNOTES: ${notes}\nSTATUS: COMPLETE` };
}

/** Routes each item to its own script. */
function byItem(scripts: Readonly<Record<string, Script>>): Script {
  return (ctx) => {
    const s = ctx.item === undefined ? undefined : scripts[ctx.item];
    return s === undefined ? { status: 400 } : s(ctx);
  };
}

function firstUserText(body: MessagesBody): string {
  const first = (body.messages ?? []).find((m) => m.role === "user");
  const content = first?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return (content as unknown[])
    .map((b) =>
      typeof b === "object" && b !== null && "text" in b && typeof b.text === "string" ? b.text : "",
    )
    .join("\n");
}

/** Live processes whose working directory is under `dir`, or whose FLOTILLA_WORKTREE is. */
function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (/\) Z /.test(stat)) continue;
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      const environ = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      if (
        cwd === dir ||
        cwd.startsWith(`${dir}/`) ||
        environ.some((v) => v.startsWith(`FLOTILLA_WORKTREE=${dir}`))
      ) {
        found.push(Number(name));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Removes lane folders outside the repository, and their parents as they become empty. */
function removeLanes(lanes: readonly string[], repoDir: string): void {
  const stop = dirname(repoDir);
  for (const lane of lanes) {
    if (lane.startsWith(`${repoDir}/`)) continue; // goes with the repository
    rmSync(lane, { recursive: true, force: true });
    for (let dir = dirname(lane); dir.startsWith(`${stop}/`) && dir !== stop; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty (or gone): its owner removes it
      }
    }
  }
}

/** Teardown safety: processes left in this test's repository were started by this test. */
function killLeftovers(dir: string): void {
  for (const pid of processesUnder(dir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

describe("the engine with the real Claude Code CLI", { concurrency: true, skip }, () => {
  test(
    "three items, one depending on another, all land with cost, tokens and the relay",
    { timeout: 80_000 },
    async (t) => {
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-three
retries: 0
timeout: 60s
items:
  - id: alpha
    title: Write alpha.txt
  - id: beta
    title: Write beta.txt
  - id: gamma
    title: Write gamma.txt after alpha
    depends_on: [alpha]
`,
        script: byItem({
          alpha: writer("alpha.txt", "alpha: add alpha.txt", "alpha.txt holds the greeting"),
          beta: writer("beta.txt", "beta: add beta.txt", "beta.txt is independent"),
          gamma: writer("gamma.txt", "gamma: add gamma.txt", "gamma.txt follows alpha"),
        }),
      });
      console.log(`# three items landed in ${r.ms} ms`);
      // Claude Code treats every path with a `.git` component as sensitive: in acceptEdits (flotilla's
      // default) it denies Write/Edit and Bash redirections there, so a lane under .git/ gets no work done.
      for (const e of r.events) {
        if (e.type === "attempt-started") {
          assert.equal(e.lane.split("/").includes(".git"), false, `lane ${e.lane} is under a .git folder`);
        }
      }
      assertEnded(r, "landed", 0);
      const main = r.repo.git("rev-parse", "main");
      assert.equal(r.report.run.landed_commit, main);

      const refs = attemptRefs(r.repo);
      for (const id of ["alpha", "beta", "gamma"]) {
        const i = item(r, id);
        const a = onlyAttempt(r, id);
        assert.equal(i.status, "landed", id);
        assert.equal(a.outcome, "accepted", id);
        assert.equal(a.exit_code, 0, id);
        assert.ok((a.cost_usd ?? 0) > 0, `${id}: cost ${String(a.cost_usd)}`);
        assert.ok((a.tokens_in ?? 0) > 0 && (a.tokens_out ?? 0) > 0, `${id}: tokens`);
        assert.equal(a.num_turns, 2, id);
        assert.match(a.session_id ?? "", /^[0-9a-f-]{36}$/);
        assert.deepEqual(a.permission_denials, [], id);
        assert.deepEqual(a.violations, [], id);
        assert.equal(a.agent_status, "COMPLETE", id);
        assert.deepEqual(i.files_changed, [`${id}.txt`]);
        assert.deepEqual(
          i.commits.map((c) => c.subject),
          [`${id}: add ${id}.txt`],
        );
        assert.equal(r.repo.git("show", `main:${id}.txt`), `from ${id}.txt`);
        assert.equal(
          readFileSync(join(r.repo.dir, `${id}.txt`), "utf8"),
          `from ${id}.txt\n`,
          "the checkout follows main",
        );
        assert.ok(i.merged_commit !== null);
        r.repo.git("merge-base", "--is-ancestor", i.merged_commit, "main");
        assert.equal(
          refs.get(`refs/flotilla/attempts/${r.outcome.runId}/${id}/1`),
          a.head_commit,
          `${id}: attempt ref`,
        );
      }
      const subjects = r.repo.git("log", "--format=%s", "main").split("\n");
      for (const id of ["alpha", "beta", "gamma"])
        assert.ok(subjects.includes(`${id}: add ${id}.txt`), subjects.join("|"));
      assert.equal(r.repo.git("status", "--porcelain"), "", "the user's checkout is clean");
      assert.ok((r.report.totals.cost_usd ?? 0) > 0);
      assert.equal(r.report.totals.merges, 3);

      // gamma started from an integration head that already had alpha, and was told what alpha did.
      const gammaBase = onlyAttempt(r, "gamma").base_commit;
      assert.equal(r.repo.git("show", `${gammaBase}:alpha.txt`), "from alpha.txt");
      const alphaSha = item(r, "alpha").commits[0]!.sha;
      const gammaPrompt = r.prompts.get("gamma#1") ?? "";
      assert.match(gammaPrompt, /^Item: gamma$/m);
      assert.ok(gammaPrompt.includes("### alpha: Write alpha.txt"), gammaPrompt);
      assert.ok(gammaPrompt.includes("- Files changed: alpha.txt"), gammaPrompt);
      assert.ok(gammaPrompt.includes(`- Commit ${alphaSha.slice(0, 10)}: alpha: add alpha.txt`), gammaPrompt);
      assert.ok(gammaPrompt.includes("- Notes: alpha.txt holds the greeting"), gammaPrompt);
      // beta is no dependency of gamma: relayed only as a recent merge, and marked so.
      const betaAt = gammaPrompt.indexOf("### beta");
      if (betaAt >= 0) {
        assert.ok(
          gammaPrompt.slice(betaAt).includes("- Status: merged (recently; not a dependency of this item)"),
          gammaPrompt,
        );
      }
      assert.equal((r.prompts.get("alpha#1") ?? "").includes("## Prior results"), false);
    },
  );

  test(
    "an HTTP 500 from the model fails the attempt; the other item still lands (partial)",
    { timeout: 60_000 },
    async (t) => {
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-api-error
retries: 0
timeout: 60s
items:
  - id: boom
    title: Meets a broken API
  - id: fine
    title: Write fine.txt
`,
        script: byItem({
          boom: () => ({ status: 500 }),
          fine: writer("fine.txt", "fine: add fine.txt", "fine"),
        }),
      });
      console.log(`# HTTP 500 scenario ended in ${r.ms} ms`);
      assertEnded(r, "partial", 1);
      const a = onlyAttempt(r, "boom");
      assert.equal(a.outcome, "failed");
      assert.equal(a.exit_code, 1);
      assert.match(a.reason ?? "", /the agent (exited with code 1|reported an error)/);
      const boom = item(r, "boom");
      assert.equal(boom.status, "failed");
      assert.equal(boom.last_reason, a.reason);
      assert.equal(
        r.server.requests.filter((q) => q.main && q.reply === "status 500").length,
        1,
        "no retries",
      );
      const out = readFileSync(a.stdout_file ?? "", "utf8");
      assert.match(out, /"is_error":\s*true/);
      assert.match(out, /API Error: 500/);
      // Nothing lost, nothing invented: no commit, no ref, and the failed lane stays for inspection.
      assert.equal(a.head_commit, a.base_commit);
      assert.equal(attemptRefs(r.repo).has(`refs/flotilla/attempts/${r.outcome.runId}/boom/1`), false);
      assert.ok(existsSync(a.lane), "a failed item's lane stays");
      assert.equal(item(r, "fine").status, "landed");
      assert.equal(r.repo.git("show", "main:fine.txt"), "from fine.txt");
    },
  );

  test(
    "a model that only talks makes no commit: no-work, and the retry is told so",
    { timeout: 60_000 },
    async (t) => {
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-no-work
retries: 1
timeout: 60s
items:
  - id: idle
    title: Says it is done
`,
        script: () => ({ text: "All done, nothing needed changing.\nSTATUS: COMPLETE" }),
      });
      console.log(`# no-work scenario ended in ${r.ms} ms`);
      assertEnded(r, "failed", 1);
      const idle = item(r, "idle");
      assert.equal(idle.status, "failed");
      assert.equal(idle.retries_used, 1);
      assert.deepEqual(
        idle.attempts.map((a) => a.outcome),
        ["no-work", "no-work"],
      );
      for (const a of idle.attempts) {
        assert.equal(a.exit_code, 0);
        assert.match(a.reason ?? "", /made no commits/);
        assert.equal(a.agent_status, "COMPLETE");
      }
      assert.equal(attemptRefs(r.repo).size, 0);
      const second = r.prompts.get("idle#2") ?? "";
      assert.ok(second.includes("## Previous attempt feedback"), second);
      assert.ok(second.includes("### Attempt 1: no-work"), second);
      assert.match(idle.attempts[1]?.feedback ?? "", /Attempt 1 \(no-work\): the agent made no commits/);
      assert.equal(r.repo.git("rev-list", "--count", "main"), "1", "main did not move");
    },
  );

  test(
    "a file written but not committed is committed by flotilla and lands",
    { timeout: 60_000 },
    async (t) => {
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-leftover
retries: 0
timeout: 60s
items:
  - id: dirty
    title: Writes without committing
`,
        script: (ctx) => {
          if (ctx.turn === 0) {
            const lane = /^- Work only in this directory: (.+)$/m.exec(firstUserText(ctx.body))?.[1] ?? ".";
            return { tool: "Write", input: { file_path: join(lane, "left.txt"), content: "left behind\n" } };
          }
          return { text: "Wrote left.txt.\nSTATUS: COMPLETE" };
        },
      });
      console.log(`# leftover scenario ended in ${r.ms} ms`);
      assertEnded(r, "landed", 0);
      const dirty = item(r, "dirty");
      const a = onlyAttempt(r, "dirty");
      assert.equal(a.outcome, "accepted");
      assert.deepEqual(a.permission_denials, []);
      assert.equal(dirty.status, "landed");
      assert.deepEqual(
        dirty.commits.map((c) => c.subject),
        ["flotilla: uncommitted work left by the agent"],
      );
      assert.deepEqual(dirty.files_changed, ["left.txt"]);
      assert.equal(r.repo.git("show", "main:left.txt"), "left behind");
      assert.equal(
        r.repo.git("log", "-1", "--format=%s", a.head_commit ?? ""),
        "flotilla: uncommitted work left by the agent",
      );
    },
  );

  test(
    "a model that never answers is stopped at the plan's timeout; nothing of the agent survives",
    { timeout: 60_000 },
    async (t) => {
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-hang
retries: 0
timeout: 15s
items:
  - id: stuck
    title: Waits forever
`,
        script: () => ({ hang: true }),
        // The CLI's own request timeout stays far beyond the plan's, so flotilla's timeout is what acts.
        env: { API_TIMEOUT_MS: "120000" },
      });
      console.log(`# hang scenario ended in ${r.ms} ms`);
      assertEnded(r, "failed", 1);
      const a = onlyAttempt(r, "stuck");
      assert.equal(a.outcome, "timeout");
      assert.match(a.reason ?? "", /did not finish within 15s/);
      assert.equal(item(r, "stuck").status, "failed");
      assert.ok(
        (a.duration_seconds ?? 0) >= 15 && (a.duration_seconds ?? 99) < 30,
        `took ${String(a.duration_seconds)} s`,
      );
      // 15 s: the CLI starts in 2–3 s here, but CI shares two cores with the whole suite.
      assert.equal(r.server.requests.filter((q) => q.reply === "hang").length, 1, "the model was asked once");
      const pid = r.attempts.find((x) => x.itemId === "stuck")?.pid;
      assert.ok(pid !== undefined && pid > 1, "the agent's pid was recorded");
      assert.deepEqual(groupMembers(pid), [], "the agent's process group is gone");
      assert.deepEqual(processesUnder(a.lane), [], "no process works in the lane");
    },
  );

  test(
    "the agent may run the plan's gate command by default; other commands are denied",
    { timeout: 60_000 },
    async (t) => {
      // Keyed by turn, not pushed in order: a request the CLI repeats (a slow reply under load)
      // must not shift which tool result is which.
      const said = new Map<number, string | undefined>();
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-allow
retries: 0
timeout: 60s
gates:
  pre_merge: ["printenv FLOTILLA_ITEM"]
items:
  - id: envy
    title: Checks what it is judged by
`,
        script: (ctx) => {
          said.set(ctx.turn, ctx.lastToolResult);
          switch (ctx.turn) {
            case 0:
              return { bash: "printenv FLOTILLA_ITEM" };
            case 1:
              return { bash: "printenv HOME" };
            case 2:
              return {
                bash: "printf 'envy\\n' > envy.txt && git add -A && git commit -qm 'envy: add envy.txt'",
              };
            default:
              return { text: `The gate command printed ${said.get(1) ?? "?"}.\nSTATUS: COMPLETE` };
          }
        },
      });
      console.log(`# allow-list scenario ended in ${r.ms} ms`);
      assertEnded(r, "landed", 0);
      assert.equal(said.get(1), "envy", "the gate command ran for the agent and saw FLOTILLA_ITEM");
      const a = onlyAttempt(r, "envy");
      assert.deepEqual(a.permission_denials, ["Bash: printenv HOME"], "off the allow-list: denied");
      assert.equal(a.outcome, "accepted");
      assert.ok(
        (r.prompts.get("envy#1") ?? "").includes("- `printenv FLOTILLA_ITEM`"),
        "the prompt names the gate",
      );
      const gates = r.report.gates.filter((g) => g.item === "envy");
      assert.deepEqual(
        gates.map((g) => [g.stage, g.command, g.passed, g.output_tail.trim()]),
        [["pre_merge", "printenv FLOTILLA_ITEM", true, "envy"]],
      );
      assert.equal(r.repo.git("show", "main:envy.txt"), "envy");
    },
  );
  test(
    "reviewer FAIL then PASS: the second attempt's prompt holds the feedback with the criterion verbatim",
    { timeout: 120_000 },
    async (t) => {
      const criterion = "polite.txt says `please` (in lower case)";
      let reviews = 0;
      const agent = writer("polite.txt", "polite: add polite.txt", "wrote polite.txt");
      const r = await scenario(t, {
        plan: `version: 1
name: e2e-review
retries: 1
timeout: 60s
review:
  reviewer: claude
items:
  - id: polite
    title: Write polite.txt
    acceptance:
      - "${criterion}"
`,
        script: (ctx) => {
          if (!/^Role: reviewer$/m.test(firstUserText(ctx.body))) return agent(ctx);
          reviews += 1;
          const verdict =
            reviews === 1
              ? {
                  verdict: "FAIL",
                  criteria: [{ criterion, status: "unmet", evidence: "polite.txt:1 has no please" }],
                }
              : { verdict: "PASS", criteria: [{ criterion, status: "met", evidence: "polite.txt:1" }] };
          return { text: `Checked.\n\n\`\`\`json\n${JSON.stringify(verdict)}\n\`\`\`` };
        },
      });
      console.log(`# review scenario ended in ${r.ms} ms`);
      assertEnded(r, "landed", 0);
      assert.equal(reviews, 2, story(r));
      const polite = item(r, "polite");
      assert.deepEqual(
        polite.attempts.map((a) => a.outcome),
        ["rejected", "accepted"],
      );
      assert.equal(polite.attempts[0]!.reason, `the reviewer found unmet criteria: "${criterion}"`);
      // What the scripted model received: the reviewer saw the criterion; the retry got the feedback.
      const review1 = r.prompts.get("polite#1:review") ?? "";
      assert.ok(review1.includes(`1. ${criterion}`), review1);
      assert.ok(review1.includes("+from polite.txt"), "the reviewer saw the diff");
      const second = r.prompts.get("polite#2") ?? "";
      const feedback = second.slice(second.indexOf("## Previous attempt feedback"));
      assert.ok(second.includes("## Previous attempt feedback"), second);
      assert.ok(feedback.includes(`> ${criterion}\n`), feedback);
      assert.ok(feedback.includes("polite.txt:1 has no please"), feedback);
      assert.equal(r.repo.git("show", "main:polite.txt"), "from polite.txt");
    },
  );
});

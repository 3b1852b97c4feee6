// `flotilla demo` as a user runs it: the built bin, a real process, an empty folder as its cwd.
// The whole flow runs (parallel lanes, a dependency, a gate failure retried, merge queue, land).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tempDir, type TempDir } from "../support/temp.js";

const BIN = fileURLToPath(new URL("../../src/cli/bin.js", import.meta.url));
const DEMO_ITEMS = ["farewell", "shout", "tests", "docs"];

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Spawns the bin; kills its process group if it outlives `timeoutMs`. */
function spawnBin(
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, opts.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe("flotilla demo", () => {
  let cwd: TempDir;
  let tmp: TempDir;
  let run: Finished;

  before(async () => {
    cwd = tempDir("demo-cwd");
    // The demo makes its scratch repository in the temp folder: point that at one of ours, so the
    // test sees it go (and removes it if it stays).
    tmp = tempDir("demo-tmp");
    const scrub = new Set(["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "FLOTILLA_DEPTH", "FLOTILLA_RUN"]);
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !scrub.has(k)),
    );
    env.TMPDIR = tmp.dir;
    env.NODE_OPTIONS = "";
    run = await spawnBin(["demo"], { cwd: cwd.dir, env, timeoutMs: 60_000 });
  });

  after(() => {
    cwd.cleanup();
    tmp.cleanup();
  });

  it("exits 0 within 60 seconds", () => {
    assert.equal(run.signal, null, `killed after ${run.ms} ms\n${run.stderr}`);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.ok(run.ms < 60_000, `took ${run.ms} ms`);
  });

  it("prints a report where every item landed", () => {
    assert.match(run.stdout, /^Run demo-1: landed \(plan\.yaml\)\n/, `${run.stdout}\n${run.stderr}`);
    const items = run.stdout.slice(run.stdout.indexOf("\nItems\n"));
    for (const id of DEMO_ITEMS) {
      assert.match(items, new RegExp(`^ {2}${id} +landed `, "m"), `${id} landed\n${run.stdout}`);
    }
    assert.match(run.stdout, /\n {2}items: 4 landed\n/, run.stdout);
    // The `tests` item's first attempt fails its gate and the retry is accepted.
    assert.match(items, /^ {2}tests +landed +2 /m, run.stdout);
    assert.match(items, /#1 +shell +rejected .*pre_merge gate/, run.stdout);
  });

  it("shows `main after the run` with every item's merge and the land", () => {
    const at = run.stdout.indexOf("\nmain after the run:\n");
    assert.ok(at >= 0, run.stdout);
    const log = run.stdout.slice(at);
    assert.match(log, /Merge branch 'flotilla\/demo' \(flotilla run demo-1\)/);
    assert.match(log, /\(HEAD -> main\)/);
    for (const id of DEMO_ITEMS)
      assert.match(log, new RegExp(`flotilla: merge ${id} \\(attempt \\d\\)`), `${id} merged`);
    assert.match(log, /flotilla: merge tests \(attempt 2\)/);
    assert.match(
      run.stdout,
      /\nfiles on main: README\.md, bin\/farewell\.sh, bin\/greet\.sh, run-tests\.sh, tests\/greet\.sh\n$/,
    );
  });

  it("leaves the cwd alone and removes its scratch repository", () => {
    assert.deepEqual(readdirSync(cwd.dir), []);
    assert.match(run.stderr, /flotilla demo: a scratch repository at /);
    assert.match(run.stderr, new RegExp(`a scratch repository at ${tmp.dir}/flotilla-demo-`));
    assert.deepEqual(readdirSync(tmp.dir), [], "the scratch repository was removed");
  });
});

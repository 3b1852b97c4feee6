// `flotilla run` up to the point where it would start: --dry-run prints the summary and starts nothing,
// and bad flags or a bad plan exit 2 with nothing started (no state folder, no branch, no worktree).
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../support/capture-io.js";
import { gitdir, type Gitdir } from "../support/gitdir.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));

let repo: Gitdir;
let before: string;

/** Everything a started run would leave behind: refs, worktrees, the working tree's status. */
function repoState(): string {
  return [
    repo.git("for-each-ref", "--format=%(refname) %(objectname)"),
    repo.git("worktree", "list", "--porcelain"),
    repo.git("status", "--porcelain", "--untracked-files=all"),
  ].join("\n--\n");
}

function assertNothingStarted(): void {
  assert.equal(existsSync(join(repo.dir, ".git", "flotilla")), false, "no .git/flotilla");
  assert.equal(repoState(), before, "no branch, ref, worktree or file changed");
  assert.equal(repo.git("branch", "--list", "--all", "--format=%(refname:short)"), "main");
}

beforeEach(() => {
  repo = gitdir({ prefix: "run-flags" });
  copyFileSync(join(FIXTURES, "cli", "check-plan.yaml"), join(repo.dir, "plan.yaml"));
  copyFileSync(join(FIXTURES, "cli", "check-invalid.yaml"), join(repo.dir, "invalid.yaml"));
  copyFileSync(join(FIXTURES, "plans", "flotilla-minimal.yaml"), join(repo.dir, "minimal.yaml"));
  repo.commit("plans");
  before = repoState();
});

afterEach(() => {
  repo.cleanup();
});

async function flotilla(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIO(repo.dir);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("flotilla run --dry-run", () => {
  it("prints the check summary and what would run, and starts nothing", async () => {
    const check = await flotilla("check", "plan.yaml");
    assert.equal(check.code, 0, check.stderr);
    const r = await flotilla("run", "--dry-run", "plan.yaml");
    assert.equal(r.stderr, "");
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `${check.stdout}\ndry run: 6 items would run with at most 4 at once (continuous); land: merge. Nothing was started.\n`,
    );
    assertNothingStarted();
  });

  it("shows the flags' overrides: --max-parallel, --land, --agent", async () => {
    const r = await flotilla(
      "run",
      "--dry-run",
      "--max-parallel",
      "2",
      "--land",
      "none",
      "--agent",
      "claude",
      "plan.yaml",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /\ndry run: 6 items would run with at most 2 at once \(continuous\); land: none\. Nothing was started\.\n$/,
    );
    // Every item used the plan's default profile (shell), so --agent switches them all.
    assert.match(r.stdout, /^ {2}schema {2}claude /m);
    assert.doesNotMatch(r.stdout, /^ {2}\S+ +shell /m);
    assertNothingStarted();
  });
});

describe("flotilla run: usage errors exit 2 and start nothing", () => {
  for (const dry of [true, false]) {
    const flags = dry ? ["--dry-run"] : [];
    it(`--agent with an unknown profile${dry ? " (with --dry-run)" : ""}`, async () => {
      const r = await flotilla("run", ...flags, "--agent", "unknown", "plan.yaml");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /--agent unknown: no such agent profile \(known: [^)]*\bclaude\b[^)]*\bshell\b[^)]*\)/,
      );
      assertNothingStarted();
    });
  }

  it("--agent shell when items have no `run:` command", async () => {
    const r = await flotilla("run", "--dry-run", "--agent", "shell", "minimal.yaml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--agent shell: items a, b have no `run:` command/);
    assertNothingStarted();
  });

  for (const value of ["0", "-1", "1.5", "abc"]) {
    it(`--max-parallel ${value}`, async () => {
      const r = await flotilla("run", "--max-parallel", value, "plan.yaml");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assertNothingStarted();
    });
  }

  // BUG (reported): positiveInt throws a CommanderError whose code is not
  // "commander.invalidArgument", so commander rethrows it unprinted and main exits 2 in silence.
  it("--max-parallel 0 says what is wrong", async () => {
    const r = await flotilla("run", "--max-parallel", "0", "plan.yaml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-parallel/);
    assert.match(r.stderr, /not a positive integer: 0|0.*positive integer/);
  });

  it("--land with a mode that does not exist", async () => {
    const r = await flotilla("run", "--land", "force", "plan.yaml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--land.*force|force.*--land/);
    assert.match(r.stderr, /merge, ff, none/);
    assertNothingStarted();
  });

  it("an unknown flag", async () => {
    const r = await flotilla("run", "--max-paralel", "2", "plan.yaml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--max-paralel'/);
    assertNothingStarted();
  });

  for (const dry of [true, false]) {
    it(`an invalid plan prints its diagnostics${dry ? " (with --dry-run)" : ""}`, async () => {
      const r = await flotilla("run", ...(dry ? ["--dry-run"] : []), "invalid.yaml");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^invalid\.yaml:\d+:\d+ error: /);
      assert.ok(r.stderr.endsWith("in invalid.yaml; nothing was started.\n"), r.stderr);
      assertNothingStarted();
    });
  }

  it("a plan file that does not exist", async () => {
    const r = await flotilla("run", "missing.yaml");
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "missing.yaml: error: cannot read the plan: no such file\n");
    assertNothingStarted();
  });
});

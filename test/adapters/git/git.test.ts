// The low-level git call: failures as values with a message that names the command and what to
// check, and an environment that cannot point git at another repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { git, GitCommandError, orThrow, runGit } from "../../../src/adapters/git/git.js";
import { gitdir } from "../../support/gitdir.js";
import { tempDir } from "../../support/temp.js";

test("git returns stdout on success and a GitError value on failure", async () => {
  const repo = gitdir();
  try {
    const r = await git({ cwd: repo.dir, args: ["rev-parse", "--abbrev-ref", "HEAD"] });
    assert.ok(r.ok);
    assert.equal(r.value.stdout, "main\n");
    const bad = await git({ cwd: repo.dir, args: ["rev-parse", "--verify", "no-such-branch"] });
    assert.ok(!bad.ok);
    assert.equal(bad.error.reason, "git-failed");
    assert.equal(bad.error.exitCode, 128);
    assert.deepEqual(bad.error.args, ["rev-parse", "--verify", "no-such-branch"]);
    assert.match(bad.error.message, /^git rev-parse --verify no-such-branch failed \(exit 128\) in /);
    assert.match(bad.error.stderr, /Needed a single revision/);
  } finally {
    repo.cleanup();
  }
});

test("the message says what to check", async () => {
  const t = tempDir("nogit");
  const repo = gitdir();
  try {
    const r = await git({ cwd: t.dir, args: ["status"] });
    assert.ok(!r.ok);
    assert.match(r.error.message, /Check that the folder is inside a git repository/);
    repo.write(".git/index.lock", "");
    repo.write("file.txt", "x");
    const locked = await git({ cwd: repo.dir, args: ["add", "file.txt"] });
    assert.ok(!locked.ok);
    assert.match(locked.error.message, /lock file named above/);
    const gone = await git({ cwd: `${t.dir}/missing`, args: ["status"] });
    assert.ok(!gone.ok);
    assert.match(gone.error.message, /Check that the folder exists/);
  } finally {
    t.cleanup();
    repo.cleanup();
  }
});

test("GIT_DIR and friends in the environment do not redirect git away from cwd", async () => {
  const a = gitdir();
  const b = gitdir();
  try {
    const env = {
      ...process.env,
      GIT_DIR: `${b.dir}/.git`,
      GIT_WORK_TREE: b.dir,
      GIT_INDEX_FILE: `${b.dir}/.git/index`,
    };
    const r = await runGit({ cwd: a.dir, args: ["rev-parse", "--show-toplevel"], env });
    assert.equal(r.stdout.trim(), a.dir);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test("orThrow turns a failure into a GitCommandError carrying the value", async () => {
  const t = tempDir("nogit");
  try {
    const r = await git({ cwd: t.dir, args: ["log"] });
    assert.throws(
      () => orThrow(r),
      (e: unknown) => e instanceof GitCommandError && e.failure.exitCode === 128 && /git log/.test(e.message),
    );
  } finally {
    t.cleanup();
  }
});

// Commits on real git: everything in a worktree (or "nothing to commit" as a value), and commit
// objects from a tree with the parents given.
import { test } from "node:test";
import assert from "node:assert/strict";
import { commitAll, commitTree } from "../../../src/adapters/git/commit.js";
import { gitdir } from "../../support/gitdir.js";

test("commitAll stages tracked, untracked and deleted files and returns the commit", async () => {
  const repo = gitdir();
  try {
    repo.write("a.txt", "a");
    repo.commit("a");
    repo.write("a.txt", "changed");
    repo.write("new dir/b.txt", "b");
    repo.git("rm", "--quiet", "--cached", "README.md");
    const message = "flotilla: leftovers\n\n$(not a shell) `nor this` \"quoted\" 'single'\nünïcødé\n";
    const r = await commitAll({ cwd: repo.dir, message });
    assert.ok(r.ok);
    assert.equal(r.value, repo.git("rev-parse", "HEAD"));
    assert.equal(repo.git("status", "--porcelain"), "");
    assert.equal(repo.git("log", "-1", "--format=%B").trimEnd(), message.trimEnd());
    assert.deepEqual(repo.git("show", "--name-status", "--format=", "HEAD").split("\n"), [
      "M\ta.txt",
      "A\tnew dir/b.txt",
    ]);
  } finally {
    repo.cleanup();
  }
});

test("commitAll with nothing to commit is a value", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    const r = await commitAll({ cwd: repo.dir, message: "nothing" });
    assert.ok(!r.ok && r.error.reason === "nothing-to-commit");
    assert.equal(repo.git("rev-parse", "HEAD"), head);
  } finally {
    repo.cleanup();
  }
});

test("commitAll takes an author and committer; a failing hook is a git-failed value unless noVerify", async () => {
  const repo = gitdir();
  try {
    repo.write("x.txt", "x");
    const r = await commitAll({
      cwd: repo.dir,
      message: "by someone",
      author: { name: "Agent <Smith>", email: "agent@example.invalid" },
      committer: { name: "flotilla", email: "flotilla@example.invalid" },
    });
    assert.ok(r.ok);
    assert.equal(
      repo.git("log", "-1", "--format=%an|%ae|%cn|%ce"),
      "Agent Smith|agent@example.invalid|flotilla|flotilla@example.invalid",
    );

    repo.write(".git/hooks/pre-commit", "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n");
    (await import("node:fs")).chmodSync(`${repo.dir}/.git/hooks/pre-commit`, 0o755);
    repo.write("y.txt", "y");
    const refused = await commitAll({ cwd: repo.dir, message: "blocked" });
    assert.ok(!refused.ok && refused.error.reason === "git-failed");
    assert.match(refused.error.stderr, /hook says no/);
    const forced = await commitAll({ cwd: repo.dir, message: "not blocked", noVerify: true });
    assert.ok(forced.ok);
  } finally {
    repo.cleanup();
  }
});

test("commitTree writes a commit with the parents in order and moves no ref", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    repo.write("side.txt", "side");
    const side = repo.commit("side");
    repo.git("reset", "--quiet", "--hard", head);
    const tree = repo.git("rev-parse", `${side}^{tree}`);
    const sha = await commitTree({
      cwd: repo.dir,
      tree,
      parents: [head, side],
      message: "merge\n\nbody with ünï\n",
    });
    assert.match(sha, /^[0-9a-f]{40}$/);
    assert.equal(repo.git("rev-parse", "HEAD"), head);
    assert.equal(repo.git("log", "-1", "--format=%P", sha), `${head} ${side}`);
    assert.equal(repo.git("log", "-1", "--format=%T", sha), tree);
    assert.equal(repo.git("log", "-1", "--format=%B", sha).trimEnd(), "merge\n\nbody with ünï");
    const root = await commitTree({ cwd: repo.dir, tree, parents: [], message: "root" });
    assert.equal(repo.git("log", "-1", "--format=%P", root), "");
    await assert.rejects(
      commitTree({ cwd: repo.dir, tree: "-x", parents: [], message: "m" }),
      /not a valid object name -x/,
    );
  } finally {
    repo.cleanup();
  }
});

// Where a folder's repository is, from the main checkout, a subfolder and a linked worktree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { commonDir, currentBranch, gitDir, isInsideRepo, repoRoot } from "../../../src/adapters/git/repo.js";
import { gitdir } from "../../support/gitdir.js";
import { tempDir } from "../../support/temp.js";

test("repoRoot and isInsideRepo from the top, a subfolder, and outside", async () => {
  const repo = gitdir();
  const outside = tempDir("nogit");
  try {
    mkdirSync(join(repo.dir, "a", "b"), { recursive: true });
    assert.equal(await repoRoot(repo.dir), repo.dir);
    assert.equal(await repoRoot(join(repo.dir, "a", "b")), repo.dir);
    assert.equal(await repoRoot(outside.dir), undefined);
    assert.equal(await repoRoot(join(outside.dir, "missing")), undefined);
    assert.equal(await isInsideRepo(join(repo.dir, "a")), true);
    assert.equal(await isInsideRepo(outside.dir), false);
    assert.equal(await isInsideRepo(join(repo.dir, ".git")), false);
  } finally {
    repo.cleanup();
    outside.cleanup();
  }
});

test("commonDir is absolute and the same from a linked worktree; gitDir differs", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const lane = join(lanes.dir, "lane");
    repo.git("worktree", "add", "--quiet", "-b", "lane", lane);
    assert.equal(await commonDir(repo.dir), join(repo.dir, ".git"));
    assert.equal(await commonDir(join(lane)), join(repo.dir, ".git"));
    assert.equal(await gitDir(repo.dir), join(repo.dir, ".git"));
    assert.equal(await gitDir(lane), join(repo.dir, ".git", "worktrees", "lane"));
    await assert.rejects(commonDir(lanes.dir), /not a git repository/i);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("currentBranch: the short name, undefined when detached", async () => {
  const repo = gitdir();
  try {
    assert.equal(await currentBranch(repo.dir), "main");
    repo.git("switch", "--quiet", "-c", "feature/x");
    assert.equal(await currentBranch(repo.dir), "feature/x");
    repo.git("switch", "--quiet", "--detach", "HEAD");
    assert.equal(await currentBranch(repo.dir), undefined);
  } finally {
    repo.cleanup();
  }
});

test("currentBranch on an unborn branch still names it", async () => {
  const repo = gitdir({ initialCommit: false });
  try {
    assert.equal(await currentBranch(repo.dir), "main");
  } finally {
    repo.cleanup();
  }
});

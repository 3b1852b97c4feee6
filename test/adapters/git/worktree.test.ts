// Worktrees on real git: lanes added on a new branch or detached, listed from porcelain output,
// removed (forced or not), pruned when their folder is gone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseWorktreeList,
  worktreeAdd,
  worktreeAddDetached,
  worktreeList,
  worktreePrune,
  worktreeRemove,
} from "../../../src/adapters/git/worktree.js";
import { gitdir } from "../../support/gitdir.js";
import { tempDir } from "../../support/temp.js";

test("worktreeAdd makes a lane on a new branch; worktreeList shows it; worktreeRemove removes it", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const head = repo.git("rev-parse", "HEAD");
    const path = join(lanes.dir, "run-1", "item.1");
    const added = await worktreeAdd({
      cwd: repo.dir,
      path,
      branch: "flotilla-lane/run-1/item/1",
      startPoint: "main",
    });
    assert.deepEqual(added, { ok: true, value: { path, head } });
    assert.ok(existsSync(join(path, "README.md")));
    assert.equal(repo.git("-C", path, "symbolic-ref", "HEAD"), "refs/heads/flotilla-lane/run-1/item/1");
    // No upstream was configured.
    assert.equal(repo.git("config", "--list").includes("branch.flotilla-lane"), false);

    const list = await worktreeList(repo.dir);
    assert.equal(list.length, 2);
    assert.deepEqual(list[0], {
      path: repo.dir,
      head,
      branch: "refs/heads/main",
      detached: false,
      bare: false,
      locked: false,
      lockReason: undefined,
      prunable: false,
      prunableReason: undefined,
    });
    assert.equal(list[1]?.path, path);
    assert.equal(list[1].branch, "refs/heads/flotilla-lane/run-1/item/1");

    assert.ok((await worktreeRemove({ cwd: repo.dir, path, force: false })).ok);
    assert.equal(existsSync(path), false);
    assert.equal((await worktreeList(repo.dir)).length, 1);
    // The branch (the work) stays.
    assert.equal(repo.git("rev-parse", "flotilla-lane/run-1/item/1"), head);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("worktreeAddDetached checks out a commit on a detached HEAD", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const first = repo.git("rev-parse", "HEAD");
    repo.write("later.txt", "later");
    repo.commit("later");
    const path = join(lanes.dir, "_gate");
    const added = await worktreeAddDetached({ cwd: repo.dir, path, commit: first });
    assert.deepEqual(added, { ok: true, value: { path, head: first } });
    assert.equal(existsSync(join(path, "later.txt")), false);
    const entry = (await worktreeList(repo.dir)).find((w) => w.path === path);
    assert.equal(entry?.detached, true);
    assert.equal(entry.branch, undefined);
    assert.equal(entry.head, first);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("worktreeAdd refuses a used path, an existing branch and a bad start point, as values", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const used = join(lanes.dir, "used");
    mkdirSync(used);
    writeFileSync(join(used, "keep.txt"), "mine");
    const a = await worktreeAdd({ cwd: repo.dir, path: used, branch: "lane-a", startPoint: "main" });
    assert.ok(!a.ok && a.error.reason === "path-exists");
    // An empty folder is fine.
    const empty = join(lanes.dir, "empty");
    mkdirSync(empty);
    assert.ok((await worktreeAdd({ cwd: repo.dir, path: empty, branch: "lane-e", startPoint: "main" })).ok);
    const b = await worktreeAdd({
      cwd: repo.dir,
      path: join(lanes.dir, "b"),
      branch: "main",
      startPoint: "main",
    });
    assert.ok(!b.ok && b.error.reason === "branch-exists");
    const c = await worktreeAdd({
      cwd: repo.dir,
      path: join(lanes.dir, "c"),
      branch: "lane-c",
      startPoint: "nowhere",
    });
    assert.ok(!c.ok && c.error.reason === "bad-start-point");
    // git 2.39 would pass "-x" to `git branch` as an option; it must be a bad start point here.
    const d = await worktreeAdd({
      cwd: repo.dir,
      path: join(lanes.dir, "d"),
      branch: "lane-d",
      startPoint: "-x",
    });
    assert.ok(!d.ok && d.error.reason === "bad-start-point");
    const e = await worktreeAddDetached({ cwd: repo.dir, path: join(lanes.dir, "e"), commit: "--orphan" });
    assert.ok(!e.ok && e.error.reason === "bad-start-point");
    assert.equal(existsSync(join(lanes.dir, "d")), false);
    // A branch name git refuses comes back as git-failed, with git's reason.
    const f = await worktreeAdd({
      cwd: repo.dir,
      path: join(lanes.dir, "f"),
      branch: "bad..name",
      startPoint: "main",
    });
    assert.ok(!f.ok && f.error.reason === "git-failed");
    assert.match(f.error.message, /not a valid branch name/);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("worktreeRemove refuses a dirty lane unless forced; a vanished lane is pruned", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const path = join(lanes.dir, "dirty");
    assert.ok((await worktreeAdd({ cwd: repo.dir, path, branch: "dirty", startPoint: "HEAD" })).ok);
    writeFileSync(join(path, "untracked.txt"), "work in progress");
    const refused = await worktreeRemove({ cwd: repo.dir, path, force: false });
    assert.ok(!refused.ok);
    assert.match(refused.error.message, /worktree remove/);
    assert.ok(existsSync(join(path, "untracked.txt")));
    repo.git("worktree", "lock", path);
    assert.ok((await worktreeRemove({ cwd: repo.dir, path, force: true })).ok);
    assert.equal(existsSync(path), false);

    const gone = join(lanes.dir, "gone");
    assert.ok((await worktreeAdd({ cwd: repo.dir, path: gone, branch: "gone", startPoint: "HEAD" })).ok);
    rmSync(gone, { recursive: true, force: true });
    const listed = (await worktreeList(repo.dir)).find((w) => w.path === gone);
    assert.equal(listed?.prunable, true);
    assert.ok((await worktreeRemove({ cwd: repo.dir, path: gone, force: false })).ok);
    assert.equal((await worktreeList(repo.dir)).length, 1);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("worktreePrune forgets lanes whose folder was deleted", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const path = join(lanes.dir, "lane");
    assert.ok((await worktreeAdd({ cwd: repo.dir, path, branch: "lane", startPoint: "HEAD" })).ok);
    rmSync(path, { recursive: true, force: true });
    assert.equal((await worktreeList(repo.dir)).length, 2);
    assert.ok((await worktreePrune(repo.dir)).ok);
    assert.equal((await worktreeList(repo.dir)).length, 1);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("worktreeList reads locked and prunable reasons; paths with spaces survive", async () => {
  const repo = gitdir();
  const lanes = tempDir("lanes");
  try {
    const path = join(lanes.dir, "with space\nand newline");
    assert.ok((await worktreeAdd({ cwd: repo.dir, path, branch: "spaced", startPoint: "HEAD" })).ok);
    repo.git("worktree", "lock", "--reason", "agent running", path);
    const entry = (await worktreeList(repo.dir)).find((w) => w.branch === "refs/heads/spaced");
    assert.equal(entry?.path, path);
    assert.equal(entry.locked, true);
    assert.equal(entry.lockReason, "agent running");
    repo.git("worktree", "unlock", path);
  } finally {
    repo.cleanup();
    lanes.cleanup();
  }
});

test("parseWorktreeList handles bare, locked without a reason, and prunable", () => {
  const text = [
    "worktree /r",
    "bare",
    "",
    "worktree /l",
    "HEAD " + "a".repeat(40),
    "detached",
    "locked",
    "prunable gitdir file points to non-existent location",
    "",
    "",
  ].join("\0");
  const list = parseWorktreeList(text);
  assert.equal(list.length, 2);
  assert.equal(list[0]?.bare, true);
  assert.equal(list[0].head, undefined);
  assert.equal(list[1]?.locked, true);
  assert.equal(list[1].lockReason, undefined);
  assert.equal(list[1].prunableReason, "gitdir file points to non-existent location");
});

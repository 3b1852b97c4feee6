// statusPorcelain on real changes: modified, staged, untracked (each file), deleted, renamed, and
// names with spaces and newlines, exactly as they are.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { isDirty, parseStatusPorcelain, statusPorcelain } from "../../../src/adapters/git/status.js";
import { gitdir } from "../../support/gitdir.js";

test("modified, untracked, deleted, renamed, and odd file names", async () => {
  const repo = gitdir();
  try {
    repo.write("keep.txt", "keep\n");
    repo.write("old name.txt", "some content that is long enough to be found as a rename\n");
    repo.write("gone.txt", "gone\n");
    repo.commit("files");
    repo.write("keep.txt", "changed\n");
    repo.git("mv", "old name.txt", "new name.txt");
    rmSync(join(repo.dir, "gone.txt"));
    repo.write("with space.txt", "s");
    repo.write("line\nbreak.txt", "n");
    repo.write("deep/dir/file.txt", "d");
    repo.write("ünï.txt", "u");
    const entries = await statusPorcelain(repo.dir);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.deepEqual(byPath.get("keep.txt"), { code: " M", path: "keep.txt" });
    assert.deepEqual(byPath.get("new name.txt"), {
      code: "R ",
      path: "new name.txt",
      origPath: "old name.txt",
    });
    assert.deepEqual(byPath.get("gone.txt"), { code: " D", path: "gone.txt" });
    assert.deepEqual(byPath.get("with space.txt"), { code: "??", path: "with space.txt" });
    assert.deepEqual(byPath.get("line\nbreak.txt"), { code: "??", path: "line\nbreak.txt" });
    // Untracked folders are listed file by file.
    assert.deepEqual(byPath.get("deep/dir/file.txt"), { code: "??", path: "deep/dir/file.txt" });
    assert.deepEqual(byPath.get("ünï.txt"), { code: "??", path: "ünï.txt" });
    assert.equal(entries.length, 7);
    assert.equal(await isDirty(repo.dir), true);
  } finally {
    repo.cleanup();
  }
});

test("paths are relative to the top folder even from a subfolder; ignored files are left out", async () => {
  const repo = gitdir();
  try {
    repo.write(".gitignore", "*.log\n");
    repo.write("sub/a.txt", "a");
    repo.commit("sub");
    repo.write("sub/a.txt", "b");
    repo.write("debug.log", "ignored");
    const entries = await statusPorcelain(join(repo.dir, "sub"));
    assert.deepEqual(entries, [{ code: " M", path: "sub/a.txt" }]);
  } finally {
    repo.cleanup();
  }
});

test("a clean tree is not dirty; an untracked file makes it dirty", async () => {
  const repo = gitdir();
  try {
    assert.deepEqual(await statusPorcelain(repo.dir), []);
    assert.equal(await isDirty(repo.dir), false);
    repo.write("new.txt", "x");
    assert.equal(await isDirty(repo.dir), true);
  } finally {
    repo.cleanup();
  }
});

test("status does not take the index lock (a user's git may be working there)", async () => {
  const repo = gitdir();
  try {
    repo.write(".git/index.lock", "");
    repo.write("README.md", "touched\n");
    assert.deepEqual(await statusPorcelain(repo.dir), [{ code: " M", path: "README.md" }]);
  } finally {
    repo.cleanup();
  }
});

test("parseStatusPorcelain: copies carry their source, short fields are skipped", () => {
  assert.deepEqual(parseStatusPorcelain("C  b.txt\0a.txt\0 M c\0\0"), [
    { code: "C ", path: "b.txt", origPath: "a.txt" },
    { code: " M", path: "c" },
  ]);
  assert.deepEqual(parseStatusPorcelain(""), []);
});

// mergeTree on real branches: clean and conflicted merges decided by the exit code, then a merge
// commit with two parents written with commitTree and moved in with updateRef.
import { test } from "node:test";
import assert from "node:assert/strict";
import { commitTree } from "../../../src/adapters/git/commit.js";
import { mergeTree, parseMergeTree } from "../../../src/adapters/git/merge-tree.js";
import { updateRef } from "../../../src/adapters/git/refs.js";
import { gitdir, type Gitdir } from "../../support/gitdir.js";

// main has a file with three lines; branches `a` and `b` start from it.
function threeLines(): { repo: Gitdir; base: string } {
  const repo = gitdir();
  repo.write("f.txt", "one\ntwo\nthree\n");
  repo.write("g.txt", "g\n");
  const base = repo.commit("base");
  return { repo, base };
}

function branch(repo: Gitdir, name: string, from: string, files: Record<string, string | null>): string {
  repo.git("switch", "--quiet", "-c", name, from);
  for (const [path, content] of Object.entries(files)) {
    if (content === null) repo.git("rm", "--quiet", path);
    else repo.write(path, content);
  }
  const sha = repo.commit(`${name} changes`);
  repo.git("switch", "--quiet", "main");
  return sha;
}

test("non-overlapping edits merge clean; the merge commit gets two parents and moves the ref", async () => {
  const { repo, base } = threeLines();
  try {
    const a = branch(repo, "a", base, { "f.txt": "ONE\ntwo\nthree\n" });
    const b = branch(repo, "b", base, { "f.txt": "one\ntwo\nTHREE\n", "new.txt": "new\n" });
    repo.git("branch", "integration", a);
    const r = await mergeTree({ cwd: repo.dir, ours: a, theirs: b });
    assert.ok(r.ok);
    assert.equal(r.value.clean, true);
    const commit = await commitTree({
      cwd: repo.dir,
      tree: r.value.tree,
      parents: [a, b],
      message: "merge b into a",
    });
    const moved = await updateRef({
      cwd: repo.dir,
      ref: "refs/heads/integration",
      newValue: commit,
      oldValue: a,
    });
    assert.ok(moved.ok);
    assert.equal(repo.git("rev-parse", "integration"), commit);
    assert.equal(repo.git("log", "-1", "--format=%P", "integration"), `${a} ${b}`);
    assert.equal(repo.git("show", "integration:f.txt"), "ONE\ntwo\nTHREE");
    assert.equal(repo.git("show", "integration:new.txt"), "new");
    // Nothing in the checkout moved.
    assert.equal(repo.git("rev-parse", "HEAD"), base);
    assert.equal(repo.git("status", "--porcelain"), "");
  } finally {
    repo.cleanup();
  }
});

test("edits of the same line conflict: clean false, the file listed, messages kept", async () => {
  const { repo, base } = threeLines();
  try {
    const a = branch(repo, "a", base, { "f.txt": "one from a\ntwo\nthree\n", "g.txt": "g from a\n" });
    const b = branch(repo, "b", base, { "f.txt": "one from b\ntwo\nthree\n", "g.txt": null });
    const r = await mergeTree({ cwd: repo.dir, ours: a, theirs: b });
    assert.ok(r.ok);
    assert.ok(!r.value.clean);
    assert.match(r.value.tree, /^[0-9a-f]{40}$/);
    assert.deepEqual(r.value.conflictedFiles, ["f.txt", "g.txt"]);
    assert.match(r.value.messages, /CONFLICT \(content\): Merge conflict in f\.txt/);
    assert.match(r.value.messages, /CONFLICT \(modify\/delete\): g\.txt deleted in/);
    assert.deepEqual(
      r.value.notes.filter((n) => n.type.startsWith("CONFLICT")).map((n) => [n.type, n.paths]),
      [
        ["CONFLICT (contents)", ["f.txt"]],
        ["CONFLICT (modify/delete)", ["g.txt"]],
      ],
    );
    // The conflicted tree holds the markers.
    assert.match(repo.git("cat-file", "-p", `${r.value.tree}:f.txt`), /<<<<<<< /);
  } finally {
    repo.cleanup();
  }
});

test("conflicted names with spaces and newlines come back exactly", async () => {
  const { repo, base } = threeLines();
  try {
    const name = "dir with space/odd\nname.txt";
    const a = branch(repo, "a", base, { [name]: "from a\n" });
    const b = branch(repo, "b", base, { [name]: "from b\n" });
    const r = await mergeTree({ cwd: repo.dir, ours: a, theirs: b });
    assert.ok(r.ok && !r.value.clean);
    assert.deepEqual(r.value.conflictedFiles, [name]);
  } finally {
    repo.cleanup();
  }
});

test("a name that is not a commit is an error value, not a conflict", async () => {
  const { repo, base } = threeLines();
  try {
    for (const theirs of ["no-such-branch", "-x", "--stdin"]) {
      const r = await mergeTree({ cwd: repo.dir, ours: base, theirs });
      assert.ok(!r.ok, theirs);
      assert.equal(r.error.reason, "git-failed");
    }
  } finally {
    repo.cleanup();
  }
});

test("parseMergeTree reads the -z layout", () => {
  const tree = "a".repeat(40);
  assert.deepEqual(parseMergeTree(`${tree}\0`), { tree, conflictedFiles: [], notes: [] });
  const text =
    `${tree}\0x\0y z\0\0` +
    `1\0x\0Auto-merging\0Auto-merging x\n\0` +
    `2\0x\0y z\0CONFLICT (rename/rename)\0msg\n\0`;
  assert.deepEqual(parseMergeTree(text), {
    tree,
    conflictedFiles: ["x", "y z"],
    notes: [
      { paths: ["x"], type: "Auto-merging", message: "Auto-merging x\n" },
      { paths: ["x", "y z"], type: "CONFLICT (rename/rename)", message: "msg\n" },
    ],
  });
  assert.equal(parseMergeTree("merge-tree: -x - not something we can merge\n"), undefined);
});

// The object-store helpers on a real repository: blobs round-trip, replaceBlobs rewrites only the
// trees on the way to a path (modes kept), diffNames sees renames, mergeTreeStages keeps the stages.
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  blobsAt,
  diffNames,
  lsTree,
  mergeTreeStages,
  parseDiffNames,
  parseLsTree,
  readBlob,
  replaceBlobs,
  writeBlob,
} from "../../../src/adapters/git/objects.js";
import { gitdir } from "../../support/gitdir.js";

describe("git objects", () => {
  it("writes and reads a blob byte for byte (UTF-8, no filters)", async () => {
    const repo = gitdir();
    try {
      const content = "héllo\r\nwörld\n\tno final newline";
      const w = await writeBlob({ cwd: repo.dir, content });
      assert.ok(w.ok);
      assert.equal(Number(repo.git("cat-file", "-s", w.value)), Buffer.byteLength(content));
      const r = await readBlob({ cwd: repo.dir, oid: w.value });
      assert.ok(r.ok);
      assert.equal(r.value, content);
      const missing = await readBlob({ cwd: repo.dir, oid: "0".repeat(40) });
      assert.equal(!missing.ok && missing.error.reason, "git-failed");
    } finally {
      repo.cleanup();
    }
  });

  it("blobsAt finds the blobs at literal paths of a commit and leaves out paths that are not there", async () => {
    const repo = gitdir();
    try {
      repo.write("dir/b.txt", "b\n");
      repo.write("weird.txt", "w\n");
      repo.write("we*rd.txt", "star\n");
      const head = repo.commit("files");
      const r = await blobsAt({ cwd: repo.dir, rev: head, paths: ["dir/b.txt", "we*rd.txt", "missing.txt"] });
      assert.ok(r.ok);
      assert.deepEqual(
        [...r.value],
        [
          ["dir/b.txt", repo.git("rev-parse", `${head}:dir/b.txt`)],
          ["we*rd.txt", repo.git("rev-parse", `${head}:we*rd.txt`)],
        ],
      );
      const none = await blobsAt({ cwd: repo.dir, rev: head, paths: [] });
      assert.ok(none.ok);
      assert.equal(none.value.size, 0);
      const bad = await blobsAt({ cwd: repo.dir, rev: "0".repeat(40), paths: ["dir/b.txt"] });
      assert.equal(!bad.ok && bad.error.reason, "git-failed");
    } finally {
      repo.cleanup();
    }
  });

  it("replaceBlobs changes only the named files and keeps their modes", async () => {
    const repo = gitdir();
    try {
      repo.write("src/a/x.ts", "x\n");
      repo.write("src/a/y.ts", "y\n");
      repo.write("src/b.sh", "echo\n");
      chmodSync(join(repo.dir, "src/b.sh"), 0o755);
      repo.commit("files");
      const tree = repo.git("rev-parse", "HEAD^{tree}");
      const nx = await writeBlob({ cwd: repo.dir, content: "X\n" });
      const nb = await writeBlob({ cwd: repo.dir, content: "echo hi\n" });
      assert.ok(nx.ok && nb.ok);
      const r = await replaceBlobs({
        cwd: repo.dir,
        tree,
        replacements: [
          { path: "src/a/x.ts", oid: nx.value },
          { path: "src/b.sh", oid: nb.value },
        ],
      });
      assert.ok(r.ok);
      assert.equal(repo.git("cat-file", "blob", `${r.value}:src/a/x.ts`), "X");
      assert.equal(repo.git("cat-file", "blob", `${r.value}:src/b.sh`), "echo hi");
      assert.equal(
        repo.git("rev-parse", `${r.value}:src/a/y.ts`),
        repo.git("rev-parse", `${tree}:src/a/y.ts`),
      );
      assert.equal(repo.git("rev-parse", `${r.value}:README.md`), repo.git("rev-parse", `${tree}:README.md`));
      assert.match(repo.git("ls-tree", r.value, "src/b.sh"), /^100755 /);
      const listed = await lsTree({ cwd: repo.dir, tree: r.value });
      assert.ok(listed.ok);
      assert.deepEqual(
        listed.value.map((e) => [e.name, e.type]),
        [
          ["README.md", "blob"],
          ["src", "tree"],
        ],
      );
      const bad = await replaceBlobs({
        cwd: repo.dir,
        tree,
        replacements: [{ path: "src/a", oid: nx.value }],
      });
      assert.equal(!bad.ok && bad.error.reason, "no-such-blob");
      const none = await replaceBlobs({
        cwd: repo.dir,
        tree,
        replacements: [{ path: "nope/z", oid: nx.value }],
      });
      assert.equal(!none.ok && none.error.reason, "no-such-blob");
    } finally {
      repo.cleanup();
    }
  });

  it("diffNames reports renames with their old path", async () => {
    const repo = gitdir();
    try {
      repo.write("old.txt", "one\ntwo\nthree\nfour\n");
      const a = repo.commit("a");
      repo.git("mv", "old.txt", "new.txt");
      repo.write("added.txt", "z\n");
      const b = repo.commit("b");
      const r = await diffNames({ cwd: repo.dir, from: a, to: b });
      assert.ok(r.ok);
      assert.deepEqual(r.value, [
        { status: "A", path: "added.txt" },
        { status: "R", path: "new.txt", from: "old.txt", score: 100 },
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it("mergeTreeStages keeps each conflicted path's stages", async () => {
    const repo = gitdir();
    try {
      repo.write("f.txt", "a\n");
      const base = repo.commit("base");
      repo.git("switch", "--quiet", "-c", "o");
      repo.write("f.txt", "o\n");
      const o = repo.commit("o");
      repo.git("switch", "--quiet", "-c", "t", base);
      repo.write("f.txt", "t\n");
      const t = repo.commit("t");
      const r = await mergeTreeStages({ cwd: repo.dir, ours: o, theirs: t });
      assert.ok(r.ok && !r.value.clean);
      assert.deepEqual(
        r.value.stages.map((s) => [s.stage, s.path, s.oid]),
        [
          [1, "f.txt", repo.git("rev-parse", `${base}:f.txt`)],
          [2, "f.txt", repo.git("rev-parse", `${o}:f.txt`)],
          [3, "f.txt", repo.git("rev-parse", `${t}:f.txt`)],
        ],
      );
      assert.ok(r.value.notes.some((n) => n.type === "CONFLICT (contents)"));
      const clean = await mergeTreeStages({ cwd: repo.dir, ours: o, theirs: base });
      assert.ok(clean.ok && clean.value.clean);
      const bad = await mergeTreeStages({ cwd: repo.dir, ours: o, theirs: "nope" });
      assert.equal(!bad.ok && bad.error.reason, "git-failed");
    } finally {
      repo.cleanup();
    }
  });

  it("parses names with tabs, spaces and newlines", () => {
    assert.deepEqual(parseLsTree("100644 blob " + "a".repeat(40) + "\tx y\tz\nw\0"), [
      { mode: "100644", type: "blob", oid: "a".repeat(40), name: "x y\tz\nw" },
    ]);
    assert.deepEqual(parseDiffNames("M\0a b\0R087\0o\0n\0"), [
      { status: "M", path: "a b" },
      { status: "R", path: "n", from: "o", score: 87 },
    ]);
  });
});

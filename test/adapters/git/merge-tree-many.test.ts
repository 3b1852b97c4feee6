// mergeTreeMany on a real repository: several test merges in one git process, clean and conflicted,
// results in input order with the conflicted files; a pair git cannot merge stops the stream and the
// earlier results come back with the failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeTree } from "../../../src/adapters/git/merge-tree.js";
import { mergeTreeMany, parseMergeTreeStdin } from "../../../src/adapters/git/merge-tree-many.js";
import { gitdir, type Gitdir } from "../../support/gitdir.js";

function branch(repo: Gitdir, name: string, from: string, files: Record<string, string>): string {
  repo.git("switch", "--quiet", "-c", name, from);
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  const sha = repo.commit(`${name} changes`);
  repo.git("switch", "--quiet", "main");
  return sha;
}

function fixture(): { repo: Gitdir; base: string; a: string; b: string; c: string; d: string } {
  const repo = gitdir();
  repo.write("f.txt", "one\ntwo\nthree\n");
  repo.write("dir/g.txt", "g\n");
  const base = repo.commit("base");
  const a = branch(repo, "a", base, { "f.txt": "ONE\ntwo\nthree\n" });
  const b = branch(repo, "b", base, { "f.txt": "uno\ntwo\nthree\n", "dir/g.txt": "G from b\n" });
  const c = branch(repo, "c", base, { "f.txt": "one\ntwo\nTHREE\n", "new file.txt": "new\n" });
  const d = branch(repo, "d", base, { "dir/g.txt": "G from d\n" });
  return { repo, base, a, b, c, d };
}

test("five pairs in one process: clean and conflicted, in order, with the files", async () => {
  const { repo, base, a, b, c, d } = fixture();
  try {
    const pairs = [
      { ours: a, theirs: c }, // clean: different lines
      { ours: a, theirs: b }, // conflict in f.txt
      { ours: base, theirs: d }, // clean: fast-forward-like
      { ours: b, theirs: d }, // conflict in dir/g.txt
      { ours: c, theirs: b }, // clean: c edits line 3 and adds a file, b line 1 and g.txt
    ];
    const r = await mergeTreeMany({ cwd: repo.dir, pairs });
    assert.ok(r.ok, r.ok ? "" : r.error.message);
    assert.deepEqual(
      r.value.map((x) => [x.clean, x.conflictedFiles]),
      [
        [true, []],
        [false, ["f.txt"]],
        [true, []],
        [false, ["dir/g.txt"]],
        [true, []],
      ],
    );
    // The same answers, trees included, as one merge-tree process per pair.
    for (const [i, p] of pairs.entries()) {
      const one = await mergeTree({ cwd: repo.dir, ...p });
      assert.ok(one.ok);
      assert.equal(r.value[i]!.tree, one.value.tree, `pair ${i}`);
      assert.equal(r.value[i]!.clean, one.value.clean, `pair ${i}`);
    }
    const conflict = r.value[1]!;
    assert.ok(conflict.notes.some((n) => n.type === "CONFLICT (contents)" && n.paths.includes("f.txt")));
    // A clean merge's tree is a real tree with both sides' work.
    assert.equal(repo.git("show", `${r.value[4]!.tree}:new file.txt`), "new");
    // Nothing in the checkout or the refs moved.
    assert.equal(repo.git("status", "--porcelain"), "");
    assert.equal(repo.git("rev-parse", "HEAD"), base);
  } finally {
    repo.cleanup();
  }
});

test("no pairs: no process, no results", async () => {
  const r = await mergeTreeMany({ cwd: "/nonexistent", pairs: [] });
  assert.deepEqual(r, { ok: true, value: [] });
});

test("a pair git cannot merge stops the stream: a failure with the earlier results", async () => {
  const { repo, a, b, c } = fixture();
  try {
    repo.git("switch", "--quiet", "--orphan", "lone");
    repo.write("lone.txt", "alone\n");
    const lone = repo.commit("unrelated");
    repo.git("switch", "--quiet", "main");
    const r = await mergeTreeMany({
      cwd: repo.dir,
      pairs: [
        { ours: a, theirs: c },
        { ours: a, theirs: b },
        { ours: a, theirs: lone },
        { ours: b, theirs: c },
      ],
    });
    assert.ok(!r.ok);
    assert.equal(r.error.reason, "git-failed");
    assert.deepEqual(
      r.error.completed.map((x) => x.clean),
      [true, false],
    );
    assert.match(r.error.message, /unrelated histories/);
    assert.match(r.error.message, /pair 2/);

    const missing = await mergeTreeMany({
      cwd: repo.dir,
      pairs: [
        { ours: a, theirs: b },
        { ours: a, theirs: "no-such-branch" },
      ],
    });
    assert.ok(!missing.ok);
    assert.equal(missing.error.completed.length, 1);
  } finally {
    repo.cleanup();
  }
});

test("a revision stdin cannot carry is a caller bug", async () => {
  await assert.rejects(mergeTreeMany({ cwd: ".", pairs: [{ ours: "a b", theirs: "c" }] }), /not a revision/);
  await assert.rejects(mergeTreeMany({ cwd: ".", pairs: [{ ours: "", theirs: "c" }] }), /not a revision/);
});

test("parseMergeTreeStdin reads whole records and drops a record cut short", () => {
  const t1 = "1".repeat(40);
  const t2 = "2".repeat(40);
  const clean = `1\0${t1}\0\0`;
  const conflicted = `0\0${t2}\0f\0\x001\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0\0`;
  const all = parseMergeTreeStdin(clean + conflicted + clean);
  assert.deepEqual(
    all.map((r) => [r.clean, r.tree, r.conflictedFiles]),
    [
      [true, t1, []],
      [false, t2, ["f"]],
      [true, t1, []],
    ],
  );
  assert.deepEqual(all[1]!.notes, [
    { paths: ["f"], type: "CONFLICT (contents)", message: "CONFLICT (content): Merge conflict in f\n" },
  ]);
  assert.equal(parseMergeTreeStdin(clean + conflicted.slice(0, -1)).length, 1);
  assert.equal(parseMergeTreeStdin(clean.slice(0, -1)).length, 0);
  assert.equal(parseMergeTreeStdin("").length, 0);
});

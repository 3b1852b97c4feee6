// classifyMerge on real repositories: a constructed conflict of every class, each asserting the
// exact class and files, and for trivial ones the exact resolved blob in the tree. `ours` is the
// integration branch, `theirs` the item's lane; both branch off one base commit.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  classifyMerge,
  describeMerge,
  type MergeClassification,
} from "../../../src/engine/conflicts/index.js";
import { gitdir, type Gitdir } from "../../support/gitdir.js";

type Files = Record<string, string | null>;

// A repository with `base` committed on main, and branches ours/theirs changing it.
function scenario(base: Files, ours: Files, theirs: Files): { repo: Gitdir; ours: string; theirs: string } {
  const repo = gitdir({ prefix: "conflicts" });
  apply(repo, base);
  const start = repo.commit("base");
  const o = branch(repo, "ours", start, ours);
  const t = branch(repo, "theirs", start, theirs);
  return { repo, ours: o, theirs: t };
}

function apply(repo: Gitdir, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) repo.git("rm", "--quiet", path);
    else repo.write(path, content);
  }
}

function branch(repo: Gitdir, name: string, from: string, files: Files): string {
  repo.git("switch", "--quiet", "-c", name, from);
  apply(repo, files);
  const sha = repo.commit(`${name} changes`);
  repo.git("switch", "--quiet", "main");
  return sha;
}

async function classify(
  s: { repo: Gitdir; ours: string; theirs: string },
  thresholds?: { mediumMaxFiles?: number; rewriteRatio?: number },
): Promise<MergeClassification> {
  const r = await classifyMerge({
    cwd: s.repo.dir,
    ours: s.ours,
    theirs: s.theirs,
    ...(thresholds === undefined ? {} : { thresholds }),
  });
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
  return r.value;
}

function blob(repo: Gitdir, tree: string, path: string): string {
  return repo.git("cat-file", "blob", `${tree}:${path}`) + "\n";
}

const numbered = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join("");
const replaceLine = (text: string, from: string, to: string): string => text.replace(`${from}\n`, `${to}\n`);

describe("classifyMerge", () => {
  it("clean: non-overlapping edits give merge-tree's tree", async () => {
    const f = numbered("line", 10);
    const s = scenario({ "f.txt": f }, { "f.txt": replaceLine(f, "line 1", "ONE") }, { "g.txt": "new\n" });
    try {
      const m = await classify(s);
      assert.equal(m.class, "clean");
      assert.equal(m.tree, s.repo.git("merge-tree", "--write-tree", s.ours, s.theirs));
      assert.equal(describeMerge(m), "merges cleanly into the integration branch");
    } finally {
      s.repo.cleanup();
    }
  });

  it("trivial whitespace: tabs vs spaces and trailing spaces on one line keep ours", async () => {
    const base = "function f() {\n\treturn 1;\n}\n\nfunction g() {\n\treturn 2;\n}\n";
    const ours = "function f() {\n  return 1;\n}\n\nfunction g() {\n\treturn 2;\n}\n";
    const theirs = "function f() {\n\treturn 1;   \n}\n\nfunction g() {\n\treturn 3;\n}\n";
    const s = scenario({ "src/f.ts": base }, { "src/f.ts": ours }, { "src/f.ts": theirs });
    try {
      const m = await classify(s);
      assert.equal(m.class, "trivial");
      assert.deepEqual(m.files, ["src/f.ts"]);
      assert.deepEqual(
        m.resolutions.map((r) => [r.file, r.kind]),
        [["src/f.ts", "whitespace"]],
      );
      // Ours' formatting on the conflicting line; theirs' change elsewhere kept.
      assert.equal(
        blob(s.repo, m.tree, "src/f.ts"),
        "function f() {\n  return 1;\n}\n\nfunction g() {\n\treturn 3;\n}\n",
      );
      assert.match(
        describeMerge(m),
        /^src\/f\.ts conflicted with the integration branch \(trivial, resolved\): only whitespace differs at line 2/,
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("trivial both-added: two entries appended to a list keep ours, then theirs", async () => {
    const s = scenario(
      { "list.txt": "alpha\nbeta\n", "other.txt": "x\n" },
      { "list.txt": "alpha\nbeta\ngamma\n" },
      { "list.txt": "alpha\nbeta\ndelta\n", "other.txt": "y\n" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "trivial");
      assert.deepEqual(m.files, ["list.txt"]);
      assert.deepEqual(
        m.resolutions.map((r) => [r.file, r.kind]),
        [["list.txt", "both-added"]],
      );
      assert.equal(blob(s.repo, m.tree, "list.txt"), "alpha\nbeta\ngamma\ndelta\n");
      assert.equal(blob(s.repo, m.tree, "other.txt"), "y\n");
      assert.equal(
        describeMerge(m),
        "list.txt conflicted with the integration branch (trivial, resolved): both sides added lines after line 2; kept the integration branch's, then this item's",
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("trivial both-added: CHANGELOG entries at the top, the shared heading kept once", async () => {
    const base = "# Changelog\n\n## 0.1.0\n- initial\n";
    const s = scenario(
      { "CHANGELOG.md": base },
      { "CHANGELOG.md": "# Changelog\n\n## Unreleased\n- lanes\n\n## 0.1.0\n- initial\n" },
      { "CHANGELOG.md": "# Changelog\n\n## Unreleased\n- gates\n\n## 0.1.0\n- initial\n" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "trivial");
      assert.deepEqual(m.files, ["CHANGELOG.md"]);
      assert.equal(
        blob(s.repo, m.tree, "CHANGELOG.md"),
        "# Changelog\n\n## Unreleased\n- lanes\n- gates\n\n## 0.1.0\n- initial\n",
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("trivial both-added: an index of exports in a nested folder, the rest of the tree untouched", async () => {
    const base = 'export * from "./a.js";\nexport * from "./b.js";\n';
    const s = scenario(
      { "src/lib/index.ts": base, "src/lib/a.ts": "a\n", "src/lib/b.ts": "b\n", "src/main.ts": "m\n" },
      { "src/lib/index.ts": base + 'export * from "./c.js";\n', "src/lib/c.ts": "c\n" },
      { "src/lib/index.ts": base + 'export * from "./d.js";\n', "src/lib/d.ts": "d\n" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "trivial");
      assert.deepEqual(m.files, ["src/lib/index.ts"]);
      assert.equal(
        blob(s.repo, m.tree, "src/lib/index.ts"),
        base + 'export * from "./c.js";\nexport * from "./d.js";\n',
      );
      assert.equal(
        s.repo.git("ls-tree", "-r", "--name-only", m.tree),
        [
          "src/lib/a.ts",
          "src/lib/b.ts",
          "src/lib/c.ts",
          "src/lib/d.ts",
          "src/lib/index.ts",
          "src/main.ts",
          "README.md",
        ]
          .sort()
          .join("\n"),
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("medium: one file with overlapping edits; the tree has merge-tree's conflict markers", async () => {
    const f = numbered("line", 12);
    const s = scenario(
      { "src/x.ts": f },
      { "src/x.ts": replaceLine(f, "line 5", "ours 5") },
      { "src/x.ts": replaceLine(f, "line 5", "theirs 5") },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "medium");
      assert.deepEqual(m.files, ["src/x.ts"]);
      assert.match(blob(s.repo, m.tree, "src/x.ts"), /<<<<<<< [^\n]*\nours 5\n=======\ntheirs 5\n>>>>>>> /);
      assert.equal(
        describeMerge(m),
        "src/x.ts conflicted with the integration branch (medium): both sides changed line 5 (line 5 on the integration branch)",
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("medium: two files with overlapping edits, and a third, trivial one already resolved", async () => {
    const f = numbered("line", 12);
    const s = scenario(
      { "a.ts": f, "b.ts": f, "list.txt": "one\n" },
      {
        "a.ts": replaceLine(replaceLine(f, "line 3", "ours 3"), "line 4", "ours 4"),
        "b.ts": replaceLine(f, "line 9", "ours 9"),
        "list.txt": "one\ntwo\n",
      },
      {
        "a.ts": replaceLine(f, "line 4", "theirs 4"),
        "b.ts": replaceLine(f, "line 9", "theirs 9"),
        "list.txt": "one\nthree\n",
      },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "medium");
      assert.deepEqual(m.files, ["a.ts", "b.ts"]);
      assert.deepEqual(
        m.conflicts.map((c) => [c.file, c.class]),
        [
          ["a.ts", "medium"],
          ["b.ts", "medium"],
          ["list.txt", "trivial"],
        ],
      );
      assert.equal(blob(s.repo, m.tree, "list.txt"), "one\ntwo\nthree\n");
      assert.match(blob(s.repo, m.tree, "a.ts"), /<<<<<<< /);
      assert.match(
        describeMerge(m),
        /^a\.ts conflicted with the integration branch \(medium\): both sides changed lines 3–4 \(lines 3–4 on the integration branch\)$/m,
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("heavy: three files with overlapping edits", async () => {
    const f = numbered("line", 12);
    const ours = replaceLine(f, "line 6", "ours 6");
    const theirs = replaceLine(f, "line 6", "theirs 6");
    const s = scenario(
      { "a.ts": f, "b.ts": f, "c.ts": f },
      { "a.ts": ours, "b.ts": ours, "c.ts": ours },
      { "a.ts": theirs, "b.ts": theirs, "c.ts": theirs },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.files, ["a.ts", "b.ts", "c.ts"]);
      assert.deepEqual(m.reasons, [{ kind: "too-many-files", files: ["a.ts", "b.ts", "c.ts"], max: 2 }]);
      assert.match(describeMerge(m), /3 files have overlapping edits \(a\.ts, b\.ts, c\.ts\); at most 2/);
      // The threshold is the caller's.
      assert.equal((await classify(s, { mediumMaxFiles: 3 })).class, "medium");
    } finally {
      s.repo.cleanup();
    }
  });

  it("heavy: deleted on the integration branch, modified by the item", async () => {
    const f = numbered("line", 5);
    const s = scenario({ "m.txt": f }, { "m.txt": null }, { "m.txt": replaceLine(f, "line 2", "two") });
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.files, ["m.txt"]);
      assert.deepEqual(m.reasons, [{ kind: "deleted", file: "m.txt", side: "ours" }]);
      assert.equal(
        describeMerge(m),
        "m.txt conflicted with the integration branch (heavy): deleted on the integration branch while this item changed it",
      );
    } finally {
      s.repo.cleanup();
    }
  });

  it("rename vs modify: clean in git 2.39 when the contents merge; heavy when they conflict at the new path", async () => {
    const a = numbered("a", 20);
    const b = numbered("b", 20);
    const s = scenario(
      { "a.txt": a, "b.txt": b },
      { "a.txt": replaceLine(a, "a 5", "ours 5"), "b.txt": replaceLine(b, "b 5", "ours 5") },
      { "a.txt": null, "a2.txt": replaceLine(a, "a 5", "theirs 5"), "b.txt": null, "b2.txt": b },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      // b.txt → b2.txt merged cleanly (ours' edit followed the rename); a2.txt conflicted silently.
      assert.deepEqual(m.files, ["a2.txt"]);
      assert.deepEqual(m.reasons, [{ kind: "renamed", file: "a2.txt", from: "a.txt", side: "theirs" }]);
      assert.match(
        describeMerge(m),
        /renamed from a\.txt by this item while the integration branch changed it/,
      );
    } finally {
      s.repo.cleanup();
    }
    const clean = scenario(
      { "b.txt": b },
      { "b.txt": replaceLine(b, "b 5", "ours 5") },
      { "b.txt": null, "b2.txt": b },
    );
    try {
      const m = await classify(clean);
      assert.equal(m.class, "clean");
      assert.equal(blob(clean.repo, m.tree, "b2.txt"), replaceLine(b, "b 5", "ours 5"));
    } finally {
      clean.repo.cleanup();
    }
  });

  it("heavy: rewritten by one side (more than half the base lines changed)", async () => {
    const f = numbered("line", 10);
    let rewritten = f;
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) rewritten = replaceLine(rewritten, `line ${n}`, `new ${n}`);
    const s = scenario({ "r.ts": f }, { "r.ts": replaceLine(f, "line 4", "ours 4") }, { "r.ts": rewritten });
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.files, ["r.ts"]);
      assert.deepEqual(m.reasons, [
        { kind: "rewritten", file: "r.ts", side: "theirs", changedLines: 8, baseLines: 10 },
      ]);
      assert.match(describeMerge(m), /rewritten by this item: 8 of its 10 lines changed/);
      assert.equal((await classify(s, { rewriteRatio: 0.9 })).class, "medium");
    } finally {
      s.repo.cleanup();
    }
  });

  it("clean: a merge=union attribute makes both appends merge in git", async () => {
    const s = scenario(
      { ".gitattributes": "list.txt merge=union\n", "list.txt": "alpha\n" },
      { "list.txt": "alpha\nbeta\n" },
      { "list.txt": "alpha\ngamma\n" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "clean");
      assert.equal(blob(s.repo, m.tree, "list.txt"), "alpha\nbeta\ngamma\n");
    } finally {
      s.repo.cleanup();
    }
  });

  it("heavy: a -merge attribute is a binary conflict, never resolved by us", async () => {
    const s = scenario(
      { ".gitattributes": "list.txt -merge\n", "list.txt": "alpha\n" },
      { "list.txt": "alpha\nbeta\n" },
      { "list.txt": "alpha\ngamma\n" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.reasons, [{ kind: "binary", file: "list.txt" }]);
    } finally {
      s.repo.cleanup();
    }
  });

  it("add/add: text is medium (both created the file), binary is heavy", async () => {
    const s = scenario(
      {},
      { "new.txt": "ours\n", "bin.dat": "a\0b" },
      { "new.txt": "theirs\n", "bin.dat": "a\0c" },
    );
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.files, ["bin.dat", "new.txt"]);
      assert.deepEqual(
        m.conflicts.map((c) => [c.file, c.class]),
        [
          ["bin.dat", "heavy"],
          ["new.txt", "medium"],
        ],
      );
      assert.deepEqual(m.reasons, [{ kind: "binary", file: "bin.dat" }]);
    } finally {
      s.repo.cleanup();
    }
  });

  it("heavy: file/directory, with git's own words", async () => {
    const s = scenario({ fd: "f\n" }, { fd: null, "fd/x": "x\n" }, { fd: "f\ng\n" });
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.ok(m.reasons.some((r) => r.kind === "structural" && r.type === "CONFLICT (file/directory)"));
      assert.match(describeMerge(m), /git: CONFLICT \(file\/directory\)/);
    } finally {
      s.repo.cleanup();
    }
  });

  it("heavy: rename/rename is reported once, in git's words", async () => {
    const a = numbered("a", 10);
    const s = scenario({ "a.txt": a }, { "a.txt": null, "one.txt": a }, { "a.txt": null, "two.txt": a });
    try {
      const m = await classify(s);
      assert.equal(m.class, "heavy");
      assert.deepEqual(m.files, ["a.txt", "one.txt", "two.txt"]);
      assert.deepEqual(m.reasons, [
        {
          kind: "structural",
          files: ["a.txt", "one.txt", "two.txt"],
          type: "CONFLICT (rename/rename)",
          message:
            "CONFLICT (rename/rename): a.txt renamed to one.txt in " +
            s.ours +
            " and to two.txt in " +
            s.theirs +
            ".",
        },
      ]);
    } finally {
      s.repo.cleanup();
    }
  });

  it("a bad revision is a git failure value", async () => {
    const repo = gitdir({ prefix: "conflicts" });
    try {
      const r = await classifyMerge({ cwd: repo.dir, ours: "HEAD", theirs: "no-such-branch" });
      assert.ok(!r.ok);
      assert.equal(r.error.reason, "git-failed");
    } finally {
      repo.cleanup();
    }
  });

  it("property: both sides append distinct lines at the end → trivial, every line once, ours then theirs", async () => {
    const line = fc.stringMatching(/^[a-z]{1,6}$/).map((s) => `${s}\n`);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(line, { minLength: 3, maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        async (all, i, j) => {
          const base = all.slice(0, 1 + (i % (all.length - 2)));
          const rest = all.slice(base.length);
          const cut = 1 + (j % (rest.length - 1));
          const ours = rest.slice(0, cut);
          const theirs = rest.slice(cut);
          const s = scenario(
            { "l.txt": base.join("") },
            { "l.txt": [...base, ...ours].join("") },
            { "l.txt": [...base, ...theirs].join("") },
          );
          try {
            const m = await classify(s);
            assert.equal(m.class, "trivial");
            assert.equal(blob(s.repo, m.tree, "l.txt"), [...base, ...ours, ...theirs].join(""));
          } finally {
            s.repo.cleanup();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

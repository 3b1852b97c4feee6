// The line diff and three-way merge behind the conflict classes, without git: Myers' matching is a
// longest common subsequence, and each hunk kind resolves exactly as documented in merge-text.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { diff3Chunks, matchLines, splitLines } from "../../../src/engine/conflicts/diff3.js";
import { mergeText } from "../../../src/engine/conflicts/merge-text.js";

// The LCS length by dynamic programming, to check Myers against.
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0;
      row[j] = x === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1] ?? 0);
      diag = up;
    }
  }
  return row[b.length] ?? 0;
}

describe("splitLines", () => {
  it("keeps line endings, and a last line without one", () => {
    assert.deepEqual(splitLines("a\nb\r\nc"), ["a\n", "b\r\n", "c"]);
    assert.deepEqual(splitLines(""), []);
    assert.deepEqual(splitLines("\n\n"), ["\n", "\n"]);
  });
});

describe("matchLines", () => {
  it("is a longest common subsequence: equal lines, strictly increasing, of maximal length", () => {
    const lines = fc.array(fc.constantFrom("a\n", "b\n", "c\n", "d\n"), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const m = matchLines(a, b);
        assert.ok(m !== undefined);
        let last = -1;
        let count = 0;
        m.forEach((j, i) => {
          if (j < 0) return;
          assert.equal(a[i], b[j]);
          assert.ok(j > last);
          last = j;
          count++;
        });
        assert.equal(count, lcsLength(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("gives up beyond the edit limit", () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}\n`);
    const b = Array.from({ length: 50 }, (_, i) => `b${i}\n`);
    assert.equal(matchLines(a, b, 20), undefined);
    assert.ok(matchLines(a, b, 100) !== undefined);
  });
});

describe("diff3Chunks", () => {
  it("puts changes to adjacent lines in one chunk, as git conflicts on them", () => {
    const base = ["1\n", "2\n", "3\n", "4\n", "5\n"];
    const ours = ["1\n", "2\n", "THREE\n", "4\n", "5\n"];
    const theirs = ["1\n", "2\n", "3\n", "FOUR\n", "5\n"];
    const chunks = diff3Chunks({
      baseLength: 5,
      oursLength: 5,
      theirsLength: 5,
      ours: matchLines(base, ours)!,
      theirs: matchLines(base, theirs)!,
    });
    assert.deepEqual(
      chunks.map((c) => [c.kind, c.base.start, c.base.end]),
      [
        ["stable", 0, 2],
        ["change", 2, 4],
        ["stable", 4, 5],
      ],
    );
  });
});

describe("mergeText", () => {
  it("merges one-sided changes and reports no hunk", () => {
    const m = mergeText({ base: "a\nb\nc\nd\n", ours: "A\nb\nc\nd\n", theirs: "a\nb\nc\nD\n" });
    assert.deepEqual(m?.hunks, []);
    assert.equal(m.text, "A\nb\nc\nD\n");
  });

  it("whitespace-only: keeps ours, and theirs' other changes", () => {
    const m = mergeText({
      base: "a\n\tx = 1;\nb\nc\nd\n",
      ours: "a\n  x = 1;\nb\nc\nd\n",
      theirs: "a\n\tx  = 1;   \nb\nc\nD\n",
    });
    assert.equal(m?.text, "a\n  x = 1;\nb\nc\nD\n");
    assert.deepEqual(
      m.hunks.map((h) => h.kind),
      ["whitespace"],
    );
  });

  it("both-added: ours' lines, then theirs', common first and last lines once", () => {
    const m = mergeText({
      base: "# Log\n\n## 0.1\n",
      ours: "# Log\n\n## Next\n- a\n\n## 0.1\n",
      theirs: "# Log\n\n## Next\n- b\n\n## 0.1\n",
    });
    assert.equal(m?.text, "# Log\n\n## Next\n- a\n- b\n\n## 0.1\n");
    assert.deepEqual(m.hunks, [
      {
        kind: "both-added",
        base: { start: 2, end: 2 },
        ours: { start: 3, end: 4 },
        theirs: { start: 3, end: 4 },
      },
    ]);
  });

  it("both-added at the end of a file without a final newline gets one between the sides", () => {
    assert.equal(mergeText({ base: "a\n", ours: "a\nx", theirs: "a\ny" })?.text, "a\nx\ny");
    assert.equal(mergeText({ base: "a\r\n", ours: "a\r\nx", theirs: "a\r\ny" })?.text, "a\r\nx\r\ny");
  });

  it("overlapping edits are not resolved, and the hunk has the three ranges", () => {
    const m = mergeText({ base: "1\n2\n3\n4\n", ours: "1\nTWO\n3\n4\n", theirs: "1\ntwo!\n3\n4\n" });
    assert.equal(m?.text, undefined);
    assert.deepEqual(m?.hunks, [
      {
        kind: "overlap",
        base: { start: 1, end: 2 },
        ours: { start: 1, end: 2 },
        theirs: { start: 1, end: 2 },
      },
    ]);
    assert.deepEqual(m.changedBaseLines, { ours: 1, theirs: 1 });
  });

  it("the same insertion on both sides, differing only in whitespace, is kept once", () => {
    const m = mergeText({ base: "a\n", ours: "a\nx = 1\n", theirs: "a\nx=1\n" });
    assert.equal(m?.text, "a\nx = 1\n");
    assert.deepEqual(
      m.hunks.map((h) => h.kind),
      ["whitespace"],
    );
  });

  it("property: distinct lines appended by both sides keep every line once, ours then theirs", () => {
    const line = fc.stringMatching(/^[a-z]{1,6}$/).map((s) => `${s}\n`);
    fc.assert(
      fc.property(fc.uniqueArray(line, { minLength: 2, maxLength: 40 }), fc.nat(), fc.nat(), (all, i, j) => {
        const base = all.slice(0, i % (all.length - 1));
        const rest = all.slice(base.length);
        const cut = 1 + (j % (rest.length - 1));
        const ours = rest.slice(0, cut);
        const theirs = rest.slice(cut);
        const m = mergeText({
          base: base.join(""),
          ours: [...base, ...ours].join(""),
          theirs: [...base, ...theirs].join(""),
        });
        assert.equal(m?.text, [...base, ...ours, ...theirs].join(""));
        assert.deepEqual(
          m.hunks.map((h) => h.kind),
          ["both-added"],
        );
      }),
      { numRuns: 300 },
    );
  });
});

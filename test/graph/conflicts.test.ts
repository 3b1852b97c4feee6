import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  conflictGroups,
  conflictPairs,
  firstOverlap,
  overlapIndex,
  overlaps,
  type TouchingItem,
} from "../../src/graph/index.js";

const t = (id: string, ...touches: string[]): TouchingItem => ({ id, touches });

// All pairs, compared blindly: what the bucketed version must reproduce.
function bruteForcePairs(items: readonly TouchingItem[]) {
  const out = [];
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const p = firstOverlap(items[a]!, items[b]!);
      if (p !== undefined) out.push(p);
    }
  }
  return out;
}

const pool = [
  "src/a/**",
  "src/a/x.ts",
  "src/b/**",
  "src/b/y.ts",
  "src/*.ts",
  "src/index.ts",
  "**/*.md",
  "docs/guide.md",
  "docs/**",
  "package.json",
  "*.json",
  "{src,lib}/a/**",
  "lib/**",
  "src/@(a|b)/z.ts",
  "test/**/*.test.ts",
  "test/a.test.ts",
];

describe("conflicts", () => {
  it("pairs overlapping items with the first globs that overlap, in input order", () => {
    const items = [
      t("auth", "src/auth/**", "src/server.ts"),
      t("docs", "docs/**"),
      t("login", "src/server.ts", "src/auth/login.ts"),
    ];
    assert.deepEqual(conflictPairs(items), [
      { a: "auth", b: "login", globA: "src/auth/**", globB: "src/auth/login.ts" },
    ]);
    assert.ok(overlaps(items[0]!, items[2]!));
    assert.ok(!overlaps(items[0]!, items[1]!));
  });

  it("merges groups transitively and leaves out items without touches", () => {
    const items = [
      t("a", "src/a/**"),
      t("none"),
      t("b", "src/a/x.ts", "src/b/y.ts"),
      t("c", "src/b/**"),
      t("d", "docs/**"),
    ];
    const groups = conflictGroups(items);
    assert.deepEqual(groups, [
      {
        ids: ["a", "b", "c"],
        pairs: [
          { a: "a", b: "b", globA: "src/a/**", globB: "src/a/x.ts" },
          { a: "b", b: "c", globA: "src/b/y.ts", globB: "src/b/**" },
        ],
      },
    ]);
    assert.ok(!overlaps(t("x"), t("y", "**")));
  });

  it("finds the same pairs as comparing everything (random items)", () => {
    const items = fc.array(fc.subarray(pool, { maxLength: 3 }), { maxLength: 12 }).chain((touches) =>
      fc.shuffledSubarray(
        touches.map((ts, i) => t(`i${i}`, ...ts)),
        { minLength: touches.length },
      ),
    );
    fc.assert(
      fc.property(items, (list) => {
        const pairs = conflictPairs(list);
        assert.deepEqual(pairs, bruteForcePairs(list));
        const index = overlapIndex(pairs);
        for (const p of pairs) assert.ok(index.get(p.a)!.has(p.b) && index.get(p.b)!.has(p.a));
        // Groups are the connected components of the pairs, of two items or more.
        const groups = conflictGroups(list);
        const groupOf = new Map<string, number>();
        groups.forEach((g, k) => {
          for (const id of g.ids) groupOf.set(id, k);
        });
        for (const p of pairs) assert.equal(groupOf.get(p.a), groupOf.get(p.b));
        assert.equal(
          groups.reduce((n, g) => n + g.pairs.length, 0),
          pairs.length,
        );
        for (const g of groups) {
          assert.ok(g.ids.length >= 2);
          // connected through its own pairs
          const reached = new Set([g.ids[0]!]);
          for (let grew = true; grew;) {
            grew = false;
            for (const p of g.pairs) {
              if (reached.has(p.a) !== reached.has(p.b)) {
                reached.add(p.a).add(p.b);
                grew = true;
              }
            }
          }
          assert.equal(reached.size, g.ids.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("handles 10,000 items with a few shared files (bucketed, not all pairs)", () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      t(`i${i}`, `src/mod${i}/*.ts`, `test/mod${i}.test.ts`, ...(i % 1000 === 0 ? ["package.json"] : [])),
    );
    items.push(t("wild", "**/*.md"), t("readme", "README.md"));
    const groups = conflictGroups(items);
    assert.deepEqual(
      groups.map((g) => g.ids.length),
      [10, 2],
    );
  });
});

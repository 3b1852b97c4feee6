import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import picomatch from "picomatch";
import { globsOverlap, isExactGlob } from "../../src/graph/index.js";

const matcher = (glob: string): ((path: string) => boolean) => picomatch(glob, { dot: true });

// Every path of 1..maxDepth segments drawn from `segments`.
function paths(segments: readonly string[], maxDepth: number): string[] {
  const out: string[] = [];
  let layer = [""];
  for (let d = 1; d <= maxDepth; d++) {
    layer = layer.flatMap((p) => segments.map((s) => (p === "" ? s : `${p}/${s}`)));
    out.push(...layer);
  }
  return out;
}

// Strings of 1..maxLength characters from `chars`.
function strings(chars: readonly string[], maxLength: number): string[] {
  return paths(chars, maxLength).map((p) => p.replaceAll("/", ""));
}

const bruteForce = (a: string, b: string, candidates: readonly string[]): boolean => {
  const ma = matcher(a);
  const mb = matcher(b);
  return candidates.some((p) => ma(p) && mb(p));
};

const globOf = (segments: fc.Arbitrary<string>, maxSegments: number) =>
  fc.array(segments, { minLength: 1, maxLength: maxSegments }).map((s) => s.join("/"));

describe("globsOverlap: named cases", () => {
  const cases: [string, string, boolean][] = [
    ["src/auth/**", "src/auth/login.ts", true],
    ["src/a/**", "src/b/**", false],
    ["src/**", "src/x.ts", true],
    ["docs/*.md", "docs/a/b.md", false],
    ["src/**", "src", true],
    ["src/x.ts", "src/x.ts", true],
    ["src/x.ts", "src/y.ts", false],
    ["src/auth", "src/auth/**", true],
    ["src/auth/**", "src/authz/**", false],
    ["**", "anything/at/all", true],
    ["**/*.ts", "docs/readme.md", false],
    ["**/*.ts", "src/deep/x.ts", true],
    ["src/**/test/*.ts", "src/test/a.ts", true],
    ["*.md", "docs/*.md", false],
    ["src/*.{js,ts}", "src/index.ts", true],
    ["src/{a,b}/**", "src/c/**", false],
    ["src/{a,b/c}/**", "src/b/c/d.ts", true],
    ["src/[ab].ts", "src/c.ts", false],
    ["src/[^a].ts", "src/a.ts", false],
    ["src/[^a].ts", "src/?.ts", true],
    ["src/[!a].ts", "src/a.ts", true], // picomatch reads `[!a]` as the class of `!` and `a`
    ["src/a?.ts", "src/a.ts", false],
    ["a*b", "b*a", false],
    ["a*b", "*b*", true],
    ["a*", "*b", true],
    ["ab*", "b*", false],
    ["./src/x.ts", "src/**", true],
    ["src/**b", "src/x/b", false], // `**` inside a segment is a `*`
    ["", "src/**", false],
  ];
  for (const [a, b, expected] of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${expected}`, () => {
      assert.equal(globsOverlap(a, b), expected);
      assert.equal(globsOverlap(b, a), expected);
    });
  }

  it("is conservative for what it does not decide, keeping the leading literal segments", () => {
    assert.equal(globsOverlap("src/@(a|b)/x.ts", "src/c/x.ts"), true); // really false: approximated
    assert.equal(globsOverlap("src/@(a|b)/x.ts", "docs/**"), false); // the literal prefix still counts
    assert.equal(globsOverlap("!src/**", "src/x.ts"), true);
    assert.equal(globsOverlap("src/{1..3}.ts", "lib/1.ts"), false);
    assert.equal(globsOverlap("src/a|lib/b", "lib/b"), true); // picomatch: `|` splits the whole glob
    assert.equal(globsOverlap("src/{a,**}", "src/x/y"), true); // `**` in braces spans `/`
    assert.equal(globsOverlap("src/\\*.ts", "src/a.ts"), true);
    assert.equal(isExactGlob("src/@(a|b)/x.ts"), false);
    assert.equal(isExactGlob("src/{1..3}.ts"), false);
    assert.equal(isExactGlob("src//x"), false);
    assert.equal(isExactGlob("src/[!a].ts"), false);
    assert.equal(isExactGlob("src/*/**"), false); // picomatch: `**` must match a segment here
    assert.equal(globsOverlap("src/*/**", "src/a"), true); // really false: approximated
    assert.equal(isExactGlob("src/**/[a-z]*.{ts,js}"), true);
  });
});

describe("globsOverlap: properties", () => {
  it("is sound: a path matching both globs (picomatch) means overlap, for any glob syntax", () => {
    const segment = fc.oneof(
      fc.constantFrom(
        "a",
        "b",
        "ab",
        "c",
        "*",
        "?",
        "**",
        "a*",
        "*b",
        "[ab]",
        "[!a]",
        "[a-c]",
        "{a,b}",
        "{a,b/a}",
      ),
      fc.constantFrom(
        "@(a|b)",
        "!(a)",
        "(a|b)",
        "a|b",
        "*{a,**}",
        "{a,b/**}",
        "{1..2}",
        "\\a",
        "!a",
        "a+b",
        "[[:alpha:]]",
        "{a}",
        "",
        ".a",
        "a/",
      ),
    );
    const candidates = paths(["a", "b", "ab", "c", ".a", "a+b"], 3);
    fc.assert(
      fc.property(globOf(segment, 3), globOf(segment, 3), (a, b) => {
        fc.pre(a !== "" && b !== ""); // picomatch refuses an empty glob
        if (bruteForce(a, b, candidates)) assert.ok(globsOverlap(a, b), `${a} vs ${b}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("is exact for literal paths and directory prefixes", () => {
    const glob = fc
      .tuple(globOf(fc.constantFrom("a", "b", "ab"), 3), fc.boolean())
      .map(([p, dir]) => (dir ? `${p}/**` : p));
    const candidates = paths(["a", "b", "ab", "z"], 4);
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        assert.equal(globsOverlap(a, b), bruteForce(a, b, candidates), `${a} vs ${b}`);
      }),
      { numRuns: 1000 },
    );
  });

  it("is exact for `*`, `?`, `**`, classes and braces (paths of short segments are enough witnesses)", () => {
    const token = fc.constantFrom("a", "b", "*", "?", "[ab]", "[^a]");
    const segment = fc.oneof(
      { weight: 4, arbitrary: fc.array(token, { minLength: 1, maxLength: 2 }).map((t) => t.join("")) },
      { weight: 1, arbitrary: fc.constant("**") },
      { weight: 1, arbitrary: fc.constant("{a,b*}") },
    );
    const candidates = paths(strings(["a", "b"], 2), 4);
    fc.assert(
      fc.property(globOf(segment, 3), globOf(segment, 3), (a, b) => {
        const expected = bruteForce(a, b, candidates);
        if (isExactGlob(a) && isExactGlob(b)) assert.equal(globsOverlap(a, b), expected, `${a} vs ${b}`);
        else if (expected) assert.ok(globsOverlap(a, b), `${a} vs ${b}`);
      }),
      { numRuns: 1000 },
    );
  });

  it("is exact within one segment for longer patterns", () => {
    const token = fc.constantFrom("a", "b", "c", "*", "?", "[ab]", "[^a]", "[^ab]", "[a-c]", "[^c]");
    const segment = fc.array(token, { minLength: 1, maxLength: 3 }).map((t) => t.join(""));
    const candidates = strings(["a", "b", "c", "d"], 4);
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        assert.ok(isExactGlob(a) && isExactGlob(b));
        assert.equal(globsOverlap(a, b), bruteForce(a, b, candidates), `${a} vs ${b}`);
      }),
      { numRuns: 1000 },
    );
  });
});

// The relay's selection: dependencies first, then the most recent merges, capped by count and size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { selectRelay } from "../../src/core/relay.js";
import type { RelayEntry } from "../../src/core/prompt.js";

const entry = (id: string, notes = ""): RelayEntry => ({
  itemId: id,
  title: id,
  filesChanged: [`${id}.txt`],
  commits: [],
  notes,
});

test("dependencies come first and are marked; recent merges follow, each item once", () => {
  const got = selectRelay({ dependencies: [entry("a")], recent: [entry("c"), entry("a"), entry("b")] });
  assert.deepEqual(
    got.map((e) => [e.itemId, e.dependency]),
    [
      ["a", true],
      ["c", false],
      ["b", false],
    ],
  );
});

test("caps: recent entries by count, all entries by count and by bytes", () => {
  const recent = Array.from({ length: 9 }, (_, i) => entry(`r${i}`));
  const limits = { maxEntries: 4, maxRecent: 2, maxBytes: 10_000 };
  assert.deepEqual(
    selectRelay({ dependencies: [], recent, limits }).map((e) => e.itemId),
    ["r0", "r1"],
  );
  const deps = Array.from({ length: 6 }, (_, i) => entry(`d${i}`));
  assert.equal(selectRelay({ dependencies: deps, recent, limits }).length, 4);
  const big = [entry("x", "n".repeat(600)), entry("y", "n".repeat(600)), entry("z")];
  const bySize = selectRelay({
    dependencies: big,
    recent: [],
    limits: { maxEntries: 10, maxRecent: 5, maxBytes: 1000 },
  });
  // The first always goes in; the second would pass the byte cap; the small third still fits.
  assert.deepEqual(
    bySize.map((e) => e.itemId),
    ["x", "z"],
  );
});

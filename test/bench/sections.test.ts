// `--only X` replaces X's sections of BENCHMARKS.md in place and leaves everything else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { replaceSections } from "../../bench/sections.js";

test("a fresh section replaces its namesake in place; a new one is appended; the rest is untouched", () => {
  const existing = "# Benchmarks\n\nheader\n\n## A\n\nold a\n\n## B\n\nold b\n";
  const out = replaceSections(existing, ["## B\n\nnew b\n", "## C\n\nnew c\n"], "_note_");
  assert.equal(
    out,
    "# Benchmarks\n\nheader\n\n## A\n\nold a\n\n## B\n\nnew b\n\n_note_\n\n## C\n\nnew c\n\n_note_\n",
  );
});

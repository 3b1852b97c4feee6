import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pickSections, replaceSections } from "../../bench/sections.js";

describe("replaceSections", () => {
  const existing = "# Benchmarks\n\nheader line\n\n## A\n\nold a\n\n### sub\n\nmore a\n\n## B\n\nold b\n";

  it("replaces only the matching section, keeps the header and the others, stamps what it wrote", () => {
    const out = replaceSections(existing, [{ title: "A", text: "## A\n\nnew a\n" }], "commit abc");
    assert.equal(
      out,
      "# Benchmarks\n\nheader line\n\n## A\n\n_Rewritten alone (`--only`) at commit abc._\n\nnew a\n\n## B\n\nold b\n",
    );
  });

  it("appends a section the file did not have", () => {
    const out = replaceSections(existing, [{ title: "C", text: "## C\n\nc\n" }], "x");
    assert.ok(out.startsWith(existing.replace(/\n$/, "")));
    assert.ok(out.endsWith("## C\n\n_Rewritten alone (`--only`) at x._\n\nc\n"));
    assert.ok(out.includes("### sub\n\nmore a"));
  });

  it("pickSections takes the named sections whole (subsections included), in file order", () => {
    assert.deepEqual(pickSections(existing, new Set(["B", "A", "Z"])), [
      { title: "A", text: "## A\n\nold a\n\n### sub\n\nmore a\n" },
      { title: "B", text: "## B\n\nold b\n" },
    ]);
    assert.deepEqual(pickSections(existing, new Set(["Z"])), []);
  });
});

// Conflict markers a resolution left: only marker lines that neither side of the merge had count.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isMarkerLine, leftoverMarkers } from "../../src/core/conflict-markers.js";

describe("conflict markers", () => {
  test("git's marker lines, with or without a label, and nothing else", () => {
    for (const line of ["<<<<<<< HEAD", "<<<<<<<", "=======", ">>>>>>> abc123", "||||||| base", "=======\r"])
      assert.equal(isMarkerLine(line), true, line);
    for (const line of ["<<<<<<<< x", "======= x", "========", " =======", "<<<<<<", "a <<<<<<< b", ""])
      assert.equal(isMarkerLine(line), false, line);
  });

  test("a resolution that kept the markers: each marker line named with its line number", () => {
    const resolved = "name=demo\n<<<<<<< ours\nvalue=1\n=======\nvalue=2\n>>>>>>> theirs\nend=yes\n";
    assert.deepEqual(leftoverMarkers({ resolved, ours: "value=1\n", theirs: "value=2\n" }), [
      { line: 2, text: "<<<<<<< ours" },
      { line: 4, text: "=======" },
      { line: 6, text: ">>>>>>> theirs" },
    ]);
  });

  test("a clean resolution has none", () => {
    assert.deepEqual(leftoverMarkers({ resolved: "value=3\n", ours: "value=1\n", theirs: "value=2\n" }), []);
  });

  test("marker-like lines a side already had are kept, one for one; an extra copy counts", () => {
    const heading = "Title\n=======\n\nText\n";
    assert.deepEqual(leftoverMarkers({ resolved: `${heading}more\n`, ours: heading, theirs: "Title\n" }), []);
    assert.deepEqual(leftoverMarkers({ resolved: `${heading}=======\n`, ours: heading, theirs: heading }), [
      { line: 5, text: "=======" },
    ]);
  });
});

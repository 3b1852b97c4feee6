// Suggestions for typos: close names only, folding case and "-" vs "_".
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { editDistance, suggest } from "../../src/plan/suggest.js";

describe("suggest", () => {
  const keys = ["id", "title", "depends_on", "touches", "priority", "estimate"];
  test("finds near misses", () => {
    assert.equal(suggest("dependson", keys), "depends_on");
    assert.equal(suggest("depends-on", keys), "depends_on");
    assert.equal(suggest("touch", keys), "touches");
    assert.equal(suggest("Title", keys), "title");
    assert.equal(suggest("priorty", keys), "priority");
  });
  test("stays quiet when nothing is close", () => {
    assert.equal(suggest("colour", keys), undefined);
    assert.equal(suggest("P5", ["P0", "P1"]), undefined);
  });
  test("editDistance stops early past the limit", () => {
    assert.equal(editDistance("kitten", "sitting", 5), 3);
    assert.equal(editDistance("kitten", "sitting", 2), 3);
    assert.equal(editDistance("a", "abcdef", 2), 3);
  });
});

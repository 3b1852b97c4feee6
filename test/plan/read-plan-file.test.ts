// Reading a plan from disk: the file's text goes through loadPlan; a missing file is a diagnostic at 1:1.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostics, readPlanFile } from "../../src/plan/index.js";
import { FIXTURES } from "./fixtures.js";

describe("readPlanFile", () => {
  test("reads and loads a plan file", async () => {
    const r = await readPlanFile(FIXTURES + "flotilla-minimal.yaml");
    assert.ok(r.ok);
    assert.equal(r.value.file, FIXTURES + "flotilla-minimal.yaml");
    assert.equal(r.value.items.length, 2);
  });

  test("a missing file is one diagnostic at 1:1 naming the file", async () => {
    const r = await readPlanFile("no/such/plan.yaml");
    assert.ok(!r.ok);
    assert.equal(
      formatDiagnostics(r.error, ""),
      [
        'no/such/plan.yaml:1:1 error: cannot read plan file "no/such/plan.yaml": no such file',
        "  1 | ",
        "    | ^",
      ].join("\n"),
    );
  });

  test("a folder is not a plan file", async () => {
    const r = await readPlanFile(FIXTURES);
    assert.ok(!r.ok);
    assert.match(r.error[0]?.message ?? "", /it is a folder, not a file$/);
  });
});

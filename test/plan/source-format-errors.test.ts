// dispatch plan and dag.yaml diagnostics: each case prints exactly these diagnostics (formatDiagnostics output, compared in full).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostics, loadPlan } from "../../src/plan/index.js";

function printed(text: string): string {
  const r = loadPlan({ file: "plan.yaml", text });
  return r.ok ? "OK" : formatDiagnostics(r.error, text);
}

describe("dispatch plan and dag.yaml diagnostics", () => {
  test("milestone: depends-on names a missing issue", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        depends-on: [7]\n      - title: B\n        issue: 2\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:9:22 error: unknown dependency #7: no item in this plan is issue #7",
        "  9 |         depends-on: [7]",
        "    |                      ^",
      ].join("\n"),
    );
  });
  test("milestone: unknown key kebab", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        depend-on: [2]\n      - title: B\n        issue: 2\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:9:9 error: unknown key "depend-on" in wave item; did you mean "depends-on"?',
        "  9 |         depend-on: [2]",
        "    |         ^~~~~~~~~",
      ].join("\n"),
    );
  });
  test("milestone: duplicate issue", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n      - title: B\n        issue: 1\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:10:16 error: issue #1 is listed twice",
        "  10 |         issue: 1",
        "     |                ^",
        "plan.yaml:8:16 note: issue #1 is first listed here",
        "  8 |         issue: 1",
        "    |                ^",
      ].join("\n"),
    );
  });
  test("milestone: bad priority", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        priority: P5\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:9:19 error: invalid value "P5" for "priority"; expected one of: P0, P1, P2, P3',
        "  9 |         priority: P5",
        "    |                   ^~",
      ].join("\n"),
    );
  });
  test("milestone: unknown conflict group", () => {
    const text =
      "milestone:\n  number: 3\nconflict-groups:\n  - group-id: 1\n    items: [A]\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        conflict-group: 2\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:12:25 error: unknown conflict group 2; the groups are: 1",
        "  12 |         conflict-group: 2",
        "     |                         ^",
      ].join("\n"),
    );
  });
  test("milestone: group lists unknown title", () => {
    const text =
      "milestone:\n  number: 3\nconflict-groups:\n  - group-id: 1\n    items: [Add oauth]\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: Add auth\n        issue: 1\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:5:13 error: conflict group 1 lists "Add oauth", which is the title of no item; did you mean "Add auth"?',
        "  5 |     items: [Add oauth]",
        "    |             ^~~~~~~~~",
      ].join("\n"),
    );
  });
  test("milestone: all done", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        status: done\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:4:3 error: every item of the dispatch plan is already done; there is nothing to run",
        "  4 |   - wave: 1",
        "    |   ^~~~~~~~~",
      ].join("\n"),
    );
  });
  test("milestone: cycle", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        depends-on: [2]\n      - title: B\n        issue: 2\n        depends-on: [1]\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:8:16 error: dependency cycle: issue-1 → issue-2 → issue-1",
        "  8 |         issue: 1",
        "    |                ^",
        "plan.yaml:9:22 note: issue-1 depends on issue-2",
        "  9 |         depends-on: [2]",
        "    |                      ^",
        "plan.yaml:12:22 note: issue-2 depends on issue-1",
        "  12 |         depends-on: [1]",
        "     |                      ^",
      ].join("\n"),
    );
  });
  test("milestone: missing number", () => {
    const text = "milestone:\n  title: x\nwaves: []\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:2:3 error: missing required key "number" in "milestone"',
        "  2 |   title: x",
        "    |   ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("milestone: both spellings", () => {
    const text =
      "milestone:\n  number: 3\nwaves:\n  - wave: 1\n    parallel: true\n    items:\n      - title: A\n        issue: 1\n        depends-on: []\n        depends_on: []\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:7:9 error: key "depends_on" is given twice in this mapping (in kebab-case and snake_case)',
        "  7 |       - title: A",
        "    |         ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("dag: unknown epic dep", () => {
    const text =
      "epics:\n  - id: auth\n    name: Auth\n    spec_path: specs/x/epics/auth/epic.md\n    depends_on: [autth]\n  - id: ui\n    name: UI\n    spec_path: s\n    depends_on: [api]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:5:18 error: unknown dependency "autth"; did you mean "auth"?',
        "  5 |     depends_on: [autth]",
        "    |                  ^~~~~",
        "",
        'plan.yaml:9:18 error: unknown dependency "api": no item has this id',
        "  9 |     depends_on: [api]",
        "    |                  ^~~",
      ].join("\n"),
    );
  });
  test("dag: bad epic id", () => {
    const text = "epics:\n  - id: Epic_1\n    name: Auth\n    spec_path: s\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:2:9 error: invalid id "Epic_1": it contains upper case letters; use lower case',
        "  2 |   - id: Epic_1",
        "    |         ^~~~~~",
      ].join("\n"),
    );
  });
  test("dag: unknown feature dep", () => {
    const text =
      "epics:\n  - id: auth\n    name: Auth\n    spec_path: s\n    features:\n      - id: f-1\n        name: x\n        depends_on: [f-2]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:8:22 error: unknown feature dependency "f-2"; did you mean "f-1"?',
        "  8 |         depends_on: [f-2]",
        "    |                      ^~~",
      ].join("\n"),
    );
  });
  test("dag: bad status + missing spec_path", () => {
    const text = "epics:\n  - id: auth\n    name: Auth\n    status: done\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:2:5 error: missing required key "spec_path" in epic',
        "  2 |   - id: auth",
        "    |     ^~~~~~~~",
        "",
        'plan.yaml:4:13 error: invalid value "done" for "status"; expected one of: pending, in_progress, completed, blocked',
        "  4 |     status: done",
        "    |             ^~~~",
      ].join("\n"),
    );
  });
});

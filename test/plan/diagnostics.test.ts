// The printed form of diagnostics: headline, source line, caret; notes; sorting; tabs; clamping.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostics, type Diagnostic } from "../../src/plan/index.js";

function diag(
  line: number,
  column: number,
  length: number,
  message: string,
  related: Diagnostic["related"] = [],
): Diagnostic {
  return { severity: "error", message, loc: { file: "plan.yaml", line, column }, length, related };
}

describe("formatDiagnostics", () => {
  const source =
    Array.from({ length: 11 }, (_, i) => `line ${i + 1}`).join("\n") + "\n      dependson: [a]\n";

  test("prints the example from the brief exactly", () => {
    const d = diag(12, 7, 9, 'unknown key "dependson" in item; did you mean "depends_on"?');
    assert.equal(
      formatDiagnostics([d], source),
      [
        'plan.yaml:12:7 error: unknown key "dependson" in item; did you mean "depends_on"?',
        "  12 |       dependson: [a]",
        "     |       ^~~~~~~~~",
      ].join("\n"),
    );
  });

  test("sorts by line then column, separates with a blank line, and prints notes after their diagnostic", () => {
    const later = diag(3, 6, 1, "second", [
      { message: "see here", loc: { file: "plan.yaml", line: 1, column: 1 }, length: 4 },
    ]);
    const earlier = diag(2, 1, 4, "first");
    assert.equal(
      formatDiagnostics([later, earlier], "one\ntwo!\nthree\n"),
      [
        "plan.yaml:2:1 error: first",
        "  2 | two!",
        "    | ^~~~",
        "",
        "plan.yaml:3:6 error: second",
        "  3 | three",
        "    |      ^",
        "plan.yaml:1:1 note: see here",
        "  1 | one",
        "    | ^~~",
      ].join("\n"),
    );
  });

  test("copies tabs into the caret gutter so the caret lines up", () => {
    assert.equal(
      formatDiagnostics([diag(1, 4, 3, "here")], "\t\tx abc\n"),
      ["plan.yaml:1:4 error: here", "  1 | \t\tx abc", "    | \t\t ^~~"].join("\n"),
    );
  });

  test("clamps the underline to the end of the line and prints warnings as warnings", () => {
    const w: Diagnostic = { ...diag(1, 3, 50, "long"), severity: "warning" };
    assert.equal(
      formatDiagnostics([w], "abcd\r\nnext\n"),
      ["plan.yaml:1:3 warning: long", "  1 | abcd", "    |   ^~"].join("\n"),
    );
  });

  test("puts a single caret past the end of a line", () => {
    assert.equal(
      formatDiagnostics([diag(1, 6, 3, "end")], "abc\n"),
      ["plan.yaml:1:6 error: end", "  1 | abc", "    |      ^"].join("\n"),
    );
  });

  test("prints nothing for no diagnostics", () => {
    assert.equal(formatDiagnostics([], "x"), "");
  });
});

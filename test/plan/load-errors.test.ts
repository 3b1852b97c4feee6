// flotilla plan diagnostics: each case prints exactly these diagnostics (formatDiagnostics output, compared in full).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostics, loadPlan } from "../../src/plan/index.js";

function printed(text: string): string {
  const r = loadPlan({ file: "plan.yaml", text });
  return r.ok ? "OK" : formatDiagnostics(r.error, text);
}

describe("flotilla plan diagnostics", () => {
  test("bad YAML", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: [unclosed\n  - id: b\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:6:3 error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        "  6 |   - id: b",
        "    |   ^",
      ].join("\n"),
    );
  });
  test("unknown key with a near miss", () => {
    const text =
      "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    dependson: [b]\n  - id: b\n    title: B\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:5 error: unknown key "dependson" in item; did you mean "depends_on"?',
        "  6 |     dependson: [b]",
        "    |     ^~~~~~~~~",
      ].join("\n"),
    );
  });
  test("kebab-case key", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    depends-on: []\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:5 error: unknown key "depends-on" in item; keys are snake_case: did you mean "depends_on"?',
        "  6 |     depends-on: []",
        "    |     ^~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("touch for touches", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    touch: [src/**]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:5 error: unknown key "touch" in item; did you mean "touches"?',
        "  6 |     touch: [src/**]",
        "    |     ^~~~~",
      ].join("\n"),
    );
  });
  test("unknown top-level key", () => {
    const text = "version: 1\nname: demo\nmax_paralel: 2\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:1 error: unknown key "max_paralel" in plan; did you mean "max_parallel"?',
        "  3 | max_paralel: 2",
        "    | ^~~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("unknown key without a near miss", () => {
    const text = "version: 1\nname: demo\nreview:\n  colour: blue\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:3 error: unknown key "colour" in "review"; expected one of: reviewer',
        "  4 |   colour: blue",
        "    |   ^~~~~~",
      ].join("\n"),
    );
  });
  test("unknown keys in merge, setup, gates and an agent profile", () => {
    const text =
      "version: 1\nname: demo\nmerge:\n  batches: 2\nsetup:\n  links: [node_modules]\ngates:\n  premerge: [npm test]\nagents:\n  fast:\n    use: claude\n    modle: haiku\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:3 error: unknown key "batches" in "merge"; did you mean "batch"?',
        "  4 |   batches: 2",
        "    |   ^~~~~~~",
        "",
        'plan.yaml:6:3 error: unknown key "links" in "setup"; did you mean "link"?',
        "  6 |   links: [node_modules]",
        "    |   ^~~~~",
        "",
        'plan.yaml:8:3 error: unknown key "premerge" in "gates"; did you mean "pre_merge"?',
        "  8 |   premerge: [npm test]",
        "    |   ^~~~~~~~",
        "",
        'plan.yaml:12:5 error: unknown key "modle" in agent profile "fast"; did you mean "model"?',
        "  12 |     modle: haiku",
        "     |     ^~~~~",
      ].join("\n"),
    );
  });
  test("unknown key in an acceptance criterion", () => {
    const text =
      "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    acceptance:\n      - text: tests pass\n        chek: npm test\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:8:9 error: unknown key "chek" in acceptance criterion; did you mean "check"?',
        "  8 |         chek: npm test",
        "    |         ^~~~",
      ].join("\n"),
    );
  });
  test("wrong type", () => {
    const text = "version: 1\nname: demo\nmax_parallel: four\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:15 error: "max_parallel" must be a whole number, got a string ("four")',
        "  3 | max_parallel: four",
        "    |               ^~~~",
      ].join("\n"),
    );
  });
  test("wrong type in a list", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    touches: [src, 3]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:20 error: each entry of "touches" must be a string, got a number (3)',
        "  6 |     touches: [src, 3]",
        "    |                    ^",
      ].join("\n"),
    );
  });
  test("missing id", () => {
    const text = "version: 1\nname: demo\nitems:\n  - title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:5 error: missing required key "id" in item',
        "  4 |   - title: A",
        "    |     ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("missing title", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    description: no title\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:5 error: missing required key "title" in item',
        "  4 |   - id: a",
        "    |     ^~~~~",
      ].join("\n"),
    );
  });
  test("duplicate id", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n  - id: a\n    title: Again\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:9 error: duplicate item id "a"',
        "  6 |   - id: a",
        "    |         ^",
        'plan.yaml:4:9 note: "a" is first defined here',
        "  4 |   - id: a",
        "    |         ^",
      ].join("\n"),
    );
  });
  test("unknown dependency with a suggestion", () => {
    const text =
      "version: 1\nname: demo\nitems:\n  - id: login-api\n    title: A\n  - id: b\n    title: B\n    depends_on: [logn-api]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:8:18 error: unknown dependency "logn-api"; did you mean "login-api"?',
        "  8 |     depends_on: [logn-api]",
        "    |                  ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("unknown dependency without a suggestion", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    depends_on: [database]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:18 error: unknown dependency "database": no item has this id',
        "  6 |     depends_on: [database]",
        "    |                  ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("self dependency", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    depends_on: [a]\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:18 error: item "a" depends on itself',
        "  6 |     depends_on: [a]",
        "    |                  ^",
      ].join("\n"),
    );
  });
  test("cycle", () => {
    const text =
      "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    depends_on: [b]\n  - id: b\n    title: B\n    depends_on: [c]\n  - id: c\n    title: C\n    depends_on: [x, a]\n  - id: x\n    title: X\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:4:9 error: dependency cycle: a → b → c → a",
        "  4 |   - id: a",
        "    |         ^",
        "plan.yaml:6:18 note: a depends on b",
        "  6 |     depends_on: [b]",
        "    |                  ^",
        "plan.yaml:9:18 note: b depends on c",
        "  9 |     depends_on: [c]",
        "    |                  ^",
        "plan.yaml:12:21 note: c depends on a",
        "  12 |     depends_on: [x, a]",
        "     |                     ^",
      ].join("\n"),
    );
  });
  test("id with a leading dash", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: -rf\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "-rf": it starts with "-" (git would read it as an option)',
        "  4 |   - id: -rf",
        "    |         ^~~",
      ].join("\n"),
    );
  });
  test("id with ..", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a..b\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "a..b": it contains ".."',
        "  4 |   - id: a..b",
        "    |         ^~~~",
      ].join("\n"),
    );
  });
  test("id with /", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: auth/login\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "auth/login": it contains "/"',
        "  4 |   - id: auth/login",
        "    |         ^~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("id with upper case", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: LoginApi\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "LoginApi": it contains upper case letters; use lower case',
        "  4 |   - id: LoginApi",
        "    |         ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("id with a space", () => {
    const text = 'version: 1\nname: demo\nitems:\n  - id: "login api"\n    title: A\n';
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "login api": it contains whitespace',
        '  4 |   - id: "login api"',
        "    |         ^~~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("id with a control character", () => {
    const text = 'version: 1\nname: demo\nitems:\n  - id: "login\\u0007"\n    title: A\n';
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "login\\u0007": it contains a control character (U+0007)',
        '  4 |   - id: "login\\u0007"',
        "    |         ^~~~~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("id over 64 characters", () => {
    const text =
      "version: 1\nname: demo\nitems:\n  - id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": it is 70 characters long; the limit is 64',
        "  4 |   - id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "    |         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("id with other characters", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: login_api\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:9 error: invalid id "login_api": it contains "_"; only a-z, 0-9 and "-" are allowed',
        "  4 |   - id: login_api",
        "    |         ^~~~~~~~~",
      ].join("\n"),
    );
  });
  test("invalid plan name", () => {
    const text = "version: 1\nname: My Plan\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:2:7 error: invalid plan name "My Plan": it contains whitespace',
        "  2 | name: My Plan",
        "    |       ^~~~~~~",
      ].join("\n"),
    );
  });
  test("bad duration", () => {
    const text = "version: 1\nname: demo\ntimeout: 20 min\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:10 error: invalid duration "20 min" for "timeout": it contains whitespace; expected a whole number followed by h, m or s, such as 90s, 20m, 2h or 1h30m',
        "  3 | timeout: 20 min",
        "    |          ^~~~~~",
      ].join("\n"),
    );
  });
  test("duration given as a number", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    estimate: 30\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:15 error: "estimate" must be a duration such as 90s, 20m or 2h, got a number (30)',
        "  6 |     estimate: 30",
        "    |               ^~",
      ].join("\n"),
    );
  });
  test("missing items", () => {
    const text = "version: 1\nname: demo\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:1:1 error: the plan has no items; add an "items:" list',
        "  1 | version: 1",
        "    | ^~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("empty items", () => {
    const text = "version: 1\nname: demo\nitems: []\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:8 error: "items" is empty; a plan needs at least one item',
        "  3 | items: []",
        "    |        ^~",
      ].join("\n"),
    );
  });
  test("items with no value", () => {
    const text = "version: 1\nname: demo\nitems:\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:1 error: "items" is empty; a plan needs at least one item',
        "  3 | items:",
        "    | ^~~~~",
      ].join("\n"),
    );
  });
  test("unknown item agent", () => {
    const text =
      "version: 1\nname: demo\nagents:\n  fast:\n    use: claude\nitems:\n  - id: a\n    title: A\n    agent: fsat\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:9:12 error: unknown agent profile "fsat"; did you mean "fast"?',
        "  9 |     agent: fsat",
        "    |            ^~~~",
      ].join("\n"),
    );
  });
  test("unknown top-level agent", () => {
    const text = "version: 1\nname: demo\nagent: cladue\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:8 error: unknown agent profile "cladue"; did you mean "claude"?',
        "  3 | agent: cladue",
        "    |        ^~~~~~",
      ].join("\n"),
    );
  });
  test("unknown reviewer", () => {
    const text = "version: 1\nname: demo\nreview:\n  reviewer: gpt\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:13 error: unknown agent profile "gpt"; the profiles are: claude, codex, gemini, aider, opencode, shell',
        "  4 |   reviewer: gpt",
        "    |             ^~~",
      ].join("\n"),
    );
  });
  test("unknown resolver", () => {
    const text = "version: 1\nname: demo\nmerge:\n  resolver: codx\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:13 error: unknown agent profile "codx"; did you mean "codex"?',
        "  4 |   resolver: codx",
        "    |             ^~~~",
      ].join("\n"),
    );
  });
  test("a resolver that is the shell agent", () => {
    const text = "version: 1\nname: demo\nmerge:\n  resolver: shell\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        `plan.yaml:4:13 error: "shell" is the shell agent, which only runs an item's "run:" command and cannot resolve conflicts; name another agent profile`,
        "  4 |   resolver: shell",
        "    |             ^~~~~",
      ].join("\n"),
    );
  });
  test("a resolver profile that uses the shell agent", () => {
    const text =
      "version: 1\nname: demo\nagents:\n  scripted:\n    use: shell\nmerge:\n  resolver: scripted\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        `plan.yaml:7:13 error: "scripted" uses the shell agent, which only runs an item's "run:" command and cannot resolve conflicts; name another agent profile`,
        "  7 |   resolver: scripted",
        "    |             ^~~~~~~~",
      ].join("\n"),
    );
  });
  test("a reviewer that is the shell agent", () => {
    const text = "version: 1\nname: demo\nreview:\n  reviewer: shell\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        `plan.yaml:4:13 error: "shell" is the shell agent, which only runs an item's "run:" command and cannot review work; name another agent profile`,
        "  4 |   reviewer: shell",
        "    |             ^~~~~",
      ].join("\n"),
    );
  });
  test("version 2", () => {
    const text = "version: 2\nname: demo\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        "plan.yaml:1:10 error: unsupported plan version 2; this flotilla reads version 1",
        "  1 | version: 2",
        "    |          ^",
      ].join("\n"),
    );
  });
  test("missing version", () => {
    const text = "name: demo\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:1:1 error: missing required key "version" in plan; add "version: 1"',
        "  1 | name: demo",
        "    | ^~~~~~~~~~",
      ].join("\n"),
    );
  });
  test("shell item without run", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    agent: shell\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:12 error: item "a" needs a "run:" command: its agent is "shell"',
        "  6 |     agent: shell",
        "    |            ^~~~~",
      ].join("\n"),
    );
  });
  test("shell profile item without run", () => {
    const text =
      "version: 1\nname: demo\nagent: scripted\nagents:\n  scripted:\n    use: shell\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:8:5 error: item "a" needs a "run:" command: its agent "scripted" uses the shell agent',
        "  8 |   - id: a",
        "    |     ^~~~~",
      ].join("\n"),
    );
  });
  test("run on a non-shell item", () => {
    const text = "version: 1\nname: demo\nitems:\n  - id: a\n    title: A\n    run: make\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:6:5 error: "run" is only used by the shell agent; item "a" runs "claude"',
        "  6 |     run: make",
        "    |     ^~~",
      ].join("\n"),
    );
  });
  test("invalid enum value", () => {
    const text = "version: 1\nname: demo\nland: mereg\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:7 error: invalid value "mereg" for "land"; did you mean "merge"?',
        "  3 | land: mereg",
        "    |       ^~~~~",
      ].join("\n"),
    );
  });
  test("profile with neither use nor command", () => {
    const text = "version: 1\nname: demo\nagents:\n  mine:\n    model: x\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:3 error: agent profile "mine" needs "use:" (one of claude, codex, gemini, aider, opencode, shell) or "command:" (a program and its arguments)',
        "  4 |   mine:",
        "    |   ^~~~",
      ].join("\n"),
    );
  });
  test("unknown built-in in use", () => {
    const text =
      "version: 1\nname: demo\nagents:\n  fast:\n    use: claud\nitems:\n  - id: a\n    title: A\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:5:10 error: invalid value "claud" for "use"; did you mean "claude"?',
        "  5 |     use: claud",
        "    |          ^~~~~",
      ].join("\n"),
    );
  });
  test("not a mapping", () => {
    const text = "- a\n- b\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:1:1 error: a plan is a YAML mapping with "version", "name" and "items" (or a dispatch plan, or a dag.yaml); got a list',
        "  1 | - a",
        "    | ^~~",
      ].join("\n"),
    );
  });
  test("empty file", () => {
    const text = "";
    assert.equal(
      printed(text),
      [
        'plan.yaml:1:1 error: a plan is a YAML mapping with "version", "name" and "items" (or a dispatch plan, or a dag.yaml); the file is empty',
        "  1 | ",
        "    | ^",
      ].join("\n"),
    );
  });
  test("a problem inside a flow mapping", () => {
    const text = "version: 1\nname: demo\nitems:\n  - {id: a, title: A, depends_on: [b]}\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:4:36 error: unknown dependency "b": no item has this id',
        "  4 |   - {id: a, title: A, depends_on: [b]}",
        "    |                                    ^",
      ].join("\n"),
    );
  });
  test("several problems at once", () => {
    const text =
      "version: 1\nname: demo\nretries: -1\nitems:\n  - id: a\n    title: 5\n    depends_on: [c]\n  - id: A\n    title: B\n    priority: high\n";
    assert.equal(
      printed(text),
      [
        'plan.yaml:3:10 error: "retries" must be at least 0, got -1',
        "  3 | retries: -1",
        "    |          ^~",
        "",
        'plan.yaml:6:12 error: "title" must be a string, got a number (5)',
        "  6 |     title: 5",
        "    |            ^",
        "",
        'plan.yaml:7:18 error: unknown dependency "c": no item has this id',
        "  7 |     depends_on: [c]",
        "    |                  ^",
        "",
        'plan.yaml:8:9 error: invalid id "A": it contains upper case letters; use lower case',
        "  8 |   - id: A",
        "    |         ^",
        "",
        'plan.yaml:10:15 error: "priority" must be a whole number, got a string ("high")',
        "  10 |     priority: high",
        "     |               ^~~~",
      ].join("\n"),
    );
  });
});

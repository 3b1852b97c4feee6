// The README's inline plan is what new users copy first: it must stay valid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadPlan } from "../../src/plan/load.js";

test("the plan in README.md loads without diagnostics", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const block = /```yaml\n([\s\S]*?)```/.exec(readme);
  assert.ok(block !== null, "README.md has a yaml block");
  const r = loadPlan({ file: "README.md", text: block[1]! });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error.map((d) => d.message)));
  assert.deepEqual(
    r.value.items.map((i) => [i.id, i.agent, i.dependsOn]),
    [
      ["greet", "claude", []],
      ["docs", "shell", ["greet"]],
    ],
  );
});

// A PARTIAL attempt's follow-up item: `<id>-rest-<n>`, counted from the root, after its parent, same
// touches, the remaining work in its description; an id that would be invalid adds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { followUpItem, replayFollowUps } from "../../src/core/follow-up.js";
import type { Item } from "../../src/plan/types.js";

const parent: Item = {
  id: "docs",
  title: "Write the docs",
  description: "All pages.",
  acceptance: [{ text: "pages exist", check: "test -d docs" }],
  dependsOn: ["setup"],
  touches: ["docs/**"],
  priority: 1,
  agent: "fast",
  loc: { file: "plan.yaml", line: 3, column: 5 },
};

test("the follow-up continues the parent: id, dependency, touches, agent and the remaining work", () => {
  const r = followUpItem({ parent, remaining: "- page 3\n- page 4", taken: new Set(["docs"]) });
  assert.ok(r.ok);
  assert.equal(r.value.id, "docs-rest-1");
  assert.deepEqual(r.value.dependsOn, ["docs"]);
  assert.deepEqual(r.value.touches, ["docs/**"]);
  assert.equal(r.value.agent, "fast");
  assert.equal(r.value.priority, 1);
  assert.deepEqual(r.value.acceptance, []);
  assert.match(r.value.description, /^All pages\.\n\n## What remains .*\n\n- page 3\n- page 4$/);
});

test("a follow-up of a follow-up counts on from the root; taken ids are skipped", () => {
  const first = followUpItem({ parent, remaining: "x", taken: new Set(["docs", "docs-rest-1"]) });
  assert.ok(first.ok);
  assert.equal(first.value.id, "docs-rest-2");
  const second = followUpItem({
    parent: first.value,
    remaining: "y",
    taken: new Set(["docs", "docs-rest-1", "docs-rest-2"]),
  });
  assert.ok(second.ok);
  assert.equal(second.value.id, "docs-rest-3");
});

test("an id over the length limit is refused with the reason", () => {
  const r = followUpItem({ parent: { ...parent, id: "d".repeat(60) }, remaining: "x", taken: new Set() });
  assert.equal(r.ok, false);
  assert.match(r.error, /is invalid \(it is 67 characters long/);
});

test("resume rebuilds the run's follow-ups from its item-added events, chains included, the same as first made", () => {
  const first = followUpItem({ parent, remaining: "- page 3", taken: new Set(["docs"]) });
  assert.ok(first.ok);
  const second = followUpItem({
    parent: first.value,
    remaining: "- page 4",
    taken: new Set(["docs", "docs-rest-1"]),
  });
  assert.ok(second.ok);
  const added = (itemId: string, from: string, remaining: string) => ({
    type: "item-added",
    data: { itemId, parent: from, title: "t", remaining },
  });
  const replayed = replayFollowUps({
    items: [parent],
    events: [
      { type: "item-state", data: { itemId: "docs" } },
      added("docs-rest-1", "docs", "- page 3"),
      added("docs-rest-2", "docs-rest-1", "- page 4"),
      // Not what this code writes: an unknown parent, and an id the rebuild would not give.
      added("ghost-rest-1", "ghost", "x"),
      added("docs-rest-9", "docs", "y"),
    ],
  });
  assert.deepEqual(replayed, [first.value, second.value]);
});

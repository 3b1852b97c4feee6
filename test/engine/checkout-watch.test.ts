// The checkout watch: one snapshot per agent exit, changes attributed to everyone running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCheckoutWatch } from "../../src/engine/checkout-watch.js";
import { gitdir } from "../support/gitdir.js";

test("a change seen at one agent's exit is reported to every agent that was running, once", async () => {
  const repo = gitdir({ prefix: "watch" });
  try {
    const watch = createCheckoutWatch(repo.dir);
    const a = { itemId: "a", attempt: 1 };
    const b = { itemId: "b", attempt: 1 };
    const c = { itemId: "c", attempt: 2 };
    await watch.begin(a);
    await watch.begin(b);
    repo.write("stray.txt", "x");
    const seenByA = await watch.end(a);
    assert.deepEqual(seenByA, [{ paths: ["stray.txt"], suspects: [a, b] }]);
    await watch.begin(c);
    const seenByB = await watch.end(b);
    assert.deepEqual(
      seenByB,
      [{ paths: ["stray.txt"], suspects: [a, b] }],
      "b hears of the change it may have made",
    );
    assert.deepEqual(await watch.end(c), [], "c started after the change");
    // A second edit of an already-changed file is still a change.
    await watch.begin(a);
    repo.write("stray.txt", "longer content");
    assert.deepEqual(await watch.end(a), [{ paths: ["stray.txt"], suspects: [a] }]);
  } finally {
    repo.cleanup();
  }
});

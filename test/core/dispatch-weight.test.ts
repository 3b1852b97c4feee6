import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dispatchWeight } from "../../src/core/dispatch-weight.js";
import { itemWeight } from "../../src/core/plan-summary.js";
import type { GraphItem } from "../../src/graph/index.js";

describe("dispatchWeight", () => {
  it("weighs an item without estimate as the plan's median estimate", () => {
    const w = dispatchWeight([
      { estimateSeconds: 60 },
      { estimateSeconds: 600 },
      { estimateSeconds: 900 },
      {},
    ]);
    assert.equal(w({ id: "x", dependsOn: [], touches: [], priority: 2 }), 600);
    assert.equal(w({ id: "y", dependsOn: [], touches: [], priority: 2, estimateSeconds: 60 }), 60);
  });

  it("falls back to check's weight when no item has an estimate", () => {
    const item: GraphItem = { id: "x", dependsOn: [], touches: [], priority: 2 };
    assert.equal(dispatchWeight([{}, {}])(item), itemWeight(item));
  });
});

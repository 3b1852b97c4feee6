import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { stripPlot } from "../../bench/svg.js";

describe("stripPlot", () => {
  it("draws one dot per value, open beyond the axis, and escapes labels", () => {
    const svg = stripPlot({
      title: "a < b",
      xLabel: "ratio",
      xMin: 1,
      xMax: 2,
      rows: [
        { label: "x & y", values: [1.1, 1.2, 3] },
        { label: "z", values: [1.5] },
      ],
    });
    assert.equal(svg.match(/<circle /g)?.length, 4);
    assert.equal(svg.match(/fill="none"/g)?.length, 1);
    assert.ok(svg.includes("a &lt; b") && svg.includes("x &amp; y"));
    assert.ok(svg.startsWith("<svg ") && svg.trimEnd().endsWith("</svg>"));
  });
});

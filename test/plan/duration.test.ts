// Durations: 90s, 20m, 2h and combinations, in seconds; anything else says why not.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration } from "../../src/plan/index.js";

describe("parseDuration", () => {
  test("reads single units and combinations", () => {
    const cases: [string, number][] = [
      ["90s", 90],
      ["20m", 1200],
      ["2h", 7200],
      ["1h30m", 5400],
      ["1h30m15s", 5415],
      ["2m30s", 150],
    ];
    for (const [text, seconds] of cases) assert.deepEqual(parseDuration(text), { ok: true, seconds }, text);
  });
  test("rejects everything else with a reason", () => {
    const form = "a whole number followed by h, m or s, such as 90s, 20m, 2h or 1h30m";
    const cases: [string, string][] = [
      ["", `it is empty; expected ${form}`],
      ["20 m", `it contains whitespace; expected ${form}`],
      ["30", `it has no unit; expected ${form}`],
      ["1.5h", "use whole numbers, such as 1h30m rather than 1.5h"],
      ["20min", `expected ${form}`],
      ["30m1h", `expected ${form}`],
      ["1d", `expected ${form}`],
      ["-5m", `expected ${form}`],
      ["0s", "it must be longer than zero"],
    ];
    for (const [text, reason] of cases) assert.deepEqual(parseDuration(text), { ok: false, reason }, text);
  });
});

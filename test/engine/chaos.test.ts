// The short chaos run for CI: the orchestrator is SIGKILLed 5 times at seeded random moments and
// resumed each time; the invariants must hold (bench/chaos.ts does the long run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chaosRun } from "../support/chaos.js";
import { FLOTILLA_BIN } from "../support/flotilla-process.js";
import { tempDir } from "../support/temp.js";

test(
  "5 kills of the orchestrator at seeded moments: same outcomes, same tree, no commit lost, nothing left",
  { timeout: 300_000 },
  async () => {
    const dir = tempDir("chaos");
    try {
      const r = await chaosRun({
        dir: dir.dir,
        bin: FLOTILLA_BIN,
        seed: 7,
        kills: 5,
        minDelayMs: 300,
        maxDelayMs: 2500,
      });
      assert.deepEqual(r.problems, []);
      assert.ok(r.kills >= 1, "at least one kill landed while the run was going on");
      assert.equal(r.statuses["g"], "failed");
      assert.equal(r.statuses["h"], "blocked");
      assert.equal(r.statuses["d"], "landed");
    } finally {
      dir.cleanup();
    }
  },
);

// The batch planner: walked through by hand on small cases, then driven by fast-check against a
// model integration branch where a chain's gates fail iff it contains a bad entry (optionally with a
// flaky first failure), and against gates that answer at random.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  gateRunsFor,
  nextStep,
  recordConflict,
  recordGate,
  startBatch,
  type BatchState,
  type BatchStep,
} from "../../src/core/merge-batch.js";

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `e${i}`);

interface Drive {
  readonly state: BatchState;
  readonly done: Extract<BatchStep, { kind: "done" }>;
  /** The model integration branch: entries, in the order the ref moved them in. */
  readonly ref: readonly string[];
}

/**
 * Runs a batch to the end like the engine would: each gate step asks `oracle` about the chain
 * (ref + prefix); a pass moves the model ref to that chain's top. Checks on every step that the ref
 * moves only to a chain whose gate passed, by exactly the gated prefix.
 */
function drive(
  entries: readonly string[],
  retryFlaky: boolean,
  oracle: (chain: readonly string[], run: number) => boolean,
  maxSteps = 10_000,
): Drive {
  let state = startBatch(entries, { retryFlaky });
  let ref: string[] = [];
  for (let i = 0; i < maxSteps; i++) {
    const step = nextStep(state);
    if (step.kind === "done") return { state, done: step, ref };
    assert.ok(step.prefix.length > 0, "a gate step gates something");
    assert.deepEqual(step.prefix, state.remaining.slice(0, step.prefix.length), "always a prefix");
    assert.deepEqual(nextStep(state), step, "nextStep is pure");
    const chain = [...ref, ...step.prefix];
    const passed = oracle(chain, state.gateRuns + 1);
    const after = recordGate(state, passed);
    if (passed) {
      ref = chain; // the engine's compare-and-swap to the top of the gated chain
      assert.deepEqual(after.merged, ref, "merged = what the ref holds");
    } else {
      assert.deepEqual(after.merged, state.merged, "a failed gate merges nothing");
    }
    assert.equal(after.gateRuns, state.gateRuns + 1);
    state = after;
  }
  assert.fail(`no end after ${maxSteps} steps`);
}

const log2ceil = (n: number): number => Math.ceil(Math.log2(n));

describe("merge-batch planner, by hand", () => {
  it("an empty batch is done at once", () => {
    const step = nextStep(startBatch([], { retryFlaky: true }));
    assert.deepEqual(step, {
      kind: "done",
      merged: [],
      culprits: [],
      conflicted: [],
      gateRuns: 0,
      flaky: false,
    });
  });

  it("a passing batch merges in one gate run", () => {
    let s = startBatch(ids(4), { retryFlaky: true });
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ids(4), rerun: false });
    s = recordGate(s, true);
    assert.deepEqual(nextStep(s), {
      kind: "done",
      merged: ids(4),
      culprits: [],
      conflicted: [],
      gateRuns: 1,
      flaky: false,
    });
  });

  it("one bad entry of four: bisect at once, merge the passing half, convict on the second failure", () => {
    let s = startBatch(ids(4), { retryFlaky: true });
    const steps: string[] = [];
    const bad = "e2";
    for (let step = nextStep(s); step.kind === "gate"; step = nextStep(s)) {
      const passed = !step.prefix.includes(bad);
      steps.push(`${step.rerun ? "rerun " : ""}${step.prefix.join(",")}:${passed ? "pass" : "fail"}`);
      s = recordGate(s, passed);
    }
    assert.deepEqual(steps, [
      "e0,e1,e2,e3:fail",
      "e0,e1:pass", // merged; e2,e3 on the new head is the chain that failed: not gated again
      "e2:fail", // the second failed run holding e2, and it ends with e2: convicted
      "e3:pass", // a new batch on the new head
    ]);
    assert.deepEqual(s.merged, ["e0", "e1", "e3"]);
    assert.deepEqual(s.culprits, [{ id: "e2", gateRun: 3 }]);
    assert.equal(s.gateRuns, 4);
  });

  it("a suspect found by elimination after one failed run is gated alone before it is sent back", () => {
    let s = startBatch(ids(4), { retryFlaky: true });
    s = recordGate(s, false); // e0..e3 fails: L = 4
    s = recordGate(s, true); // e0,e1 merge: L = 2
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e2"], rerun: false });
    s = recordGate(s, true); // e2 merges: e3 is the suspect of run 1, its only failure
    assert.deepEqual(s.culprits, []);
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e3"], rerun: true });
    s = recordGate(s, true); // it passes alone: run 1 was a flake
    assert.deepEqual(s.merged, ids(4));
    assert.equal(s.flaky, true);
    assert.equal(nextStep(s).kind, "done");
  });

  it("a culprit can be convicted without a gate of its own: the chain that failed ends with it", () => {
    let s = startBatch(ids(2), { retryFlaky: false });
    s = recordGate(s, false); // e0,e1 fails
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e0"], rerun: false });
    s = recordGate(s, true); // e0 passes and merges: e1 is the culprit of run 1
    assert.deepEqual(s.culprits, [{ id: "e1", gateRun: 1 }]);
    assert.deepEqual(nextStep(s), {
      kind: "done",
      merged: ["e0"],
      culprits: ["e1"],
      conflicted: [],
      gateRuns: 2,
      flaky: false,
    });
  });

  it("a singleton batch gets the flaky rerun too; a pass on the rerun marks the gates flaky", () => {
    let s = startBatch(["a"], { retryFlaky: true });
    s = recordGate(s, false);
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["a"], rerun: true });
    s = recordGate(s, true);
    const done = nextStep(s);
    assert.equal(done.kind, "done");
    assert.deepEqual(s.merged, ["a"]);
    assert.equal(s.flaky, true);
    assert.equal(s.gateRuns, 2);
  });

  it("without retry_flaky a failing singleton is a culprit after one run", () => {
    const s = recordGate(startBatch(["a"], { retryFlaky: false }), false);
    assert.deepEqual(nextStep(s), {
      kind: "done",
      merged: [],
      culprits: ["a"],
      conflicted: [],
      gateRuns: 1,
      flaky: false,
    });
  });

  it("a failing half is the second failure: its suspect is convicted without a rerun", () => {
    let s = startBatch(ids(3), { retryFlaky: true });
    s = recordGate(s, false); // e0,e1,e2
    const step = nextStep(s);
    assert.deepEqual(step, { kind: "gate", prefix: ["e0", "e1"], rerun: false });
    s = recordGate(s, false); // e0,e1: L = 2
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e0"], rerun: false });
    s = recordGate(s, false); // e0 alone: convicted
    assert.deepEqual(s.culprits, [{ id: "e0", gateRun: 3 }]);
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e1", "e2"], rerun: false });
  });

  it("an entry that no longer stacks cleanly leaves as conflicted and the chain is gated afresh", () => {
    let s = startBatch(ids(4), { retryFlaky: false });
    s = recordGate(s, false); // L = 4
    s = recordConflict(s, "e1");
    assert.deepEqual(nextStep(s), { kind: "gate", prefix: ["e0", "e2", "e3"], rerun: false });
    s = recordGate(s, true);
    assert.deepEqual(nextStep(s), {
      kind: "done",
      merged: ["e0", "e2", "e3"],
      culprits: [],
      conflicted: ["e1"],
      gateRuns: 2,
      flaky: false,
    });
  });

  it("refuses duplicate ids, a gate after the end, and a conflict of an unknown entry", () => {
    assert.throws(() => startBatch(["a", "a"], { retryFlaky: true }), /unique/);
    const done = recordGate(startBatch(["a"], { retryFlaky: false }), true);
    assert.throws(() => recordGate(done, true), /done/);
    assert.throws(() => recordConflict(done, "a"), /not an undecided entry/);
  });

  it("gateRunsFor: one at a time costs n runs; batches of 4 cost n/4 when all pass", () => {
    assert.equal(gateRunsFor({ n: 8, bad: [], batch: 1 }), 8);
    assert.equal(gateRunsFor({ n: 8, bad: [], batch: 4 }), 2);
    assert.equal(gateRunsFor({ n: 8, bad: [], batch: 16 }), 1);
    // One bad entry at index 2 of a batch of 4 (see the walk-through above) + one clean batch.
    assert.equal(gateRunsFor({ n: 8, bad: [2], batch: 4 }), 4 + 1);
    assert.equal(gateRunsFor({ n: 8, bad: [2], batch: 4, retryFlaky: false }), 4 + 1);
    // One at a time, a bad entry costs its rerun.
    assert.equal(gateRunsFor({ n: 4, bad: [0], batch: 1 }), 5);
  });
});

describe("merge-batch planner, properties", () => {
  const scenario = fc.integer({ min: 1, max: 16 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      bad: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
      retryFlaky: fc.boolean(),
      flakyFirst: fc.boolean(),
    }),
  );

  it("bad entries become culprits, good ones merge in queue order, within the gate-run bound", () => {
    fc.assert(
      fc.property(scenario, ({ n, bad, retryFlaky, flakyFirst }) => {
        const entries = ids(n);
        const badIds = new Set(bad.map((i) => `e${i}`));
        // A flaky first failure only where the plan reruns (otherwise it would convict a good entry).
        const flake = flakyFirst && retryFlaky;
        const { state, done } = drive(
          entries,
          retryFlaky,
          (chain, run) => !(flake && run === 1) && chain.every((id) => !badIds.has(id)),
        );
        assert.deepEqual(new Set(done.culprits), badIds);
        assert.deepEqual(
          done.merged,
          entries.filter((id) => !badIds.has(id)),
        );
        assert.deepEqual(done.conflicted, []);
        // Each culprit's evidence is a failed run whose chain ends with it.
        for (const c of state.culprits) {
          const record = state.history[c.gateRun - 1];
          assert.ok(record !== undefined && !record.passed);
          assert.equal(record.prefix[record.prefix.length - 1], c.id);
        }
        const k = badIds.size;
        // A flake alone costs the halving down to one suspect and its rerun.
        if (k === 0) assert.equal(done.gateRuns, flake ? 2 + Math.floor(Math.log2(n)) : 1);
        // The bound the planner documents (a flake adds its ⌊log2 n⌋ + 1).
        else {
          const bound = 1 + k * (log2ceil(n) + 2) + (flake ? Math.floor(Math.log2(n)) + 1 : 0);
          assert.ok(done.gateRuns <= bound, `${done.gateRuns} runs > ${bound}`);
        }
        // Without a flake no rerun passes; with bad entries the flake may or may not be seen.
        if (!flake) assert.equal(done.flaky, false);
        if (flake && k === 0) assert.equal(done.flaky, true);
      }),
      { numRuns: 500 },
    );
  });

  it("with gates answering at random it ends, decides every entry once, and merges only passed chains", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        fc.infiniteStream(fc.boolean()),
        (n, retryFlaky, answers) => {
          const entries = ids(n);
          const it = answers[Symbol.iterator]();
          const { done, ref } = drive(entries, retryFlaky, () => it.next().value as boolean, 1000);
          assert.deepEqual(done.merged, ref);
          assert.deepEqual(
            done.merged,
            entries.filter((id) => done.merged.includes(id)),
            "merged keep queue order",
          );
          assert.deepEqual([...done.merged, ...done.culprits].sort(), [...entries].sort());
          // Each failure at least halves the suspect prefix; each pass merges something.
          assert.ok(done.gateRuns <= 2 + n * (log2ceil(n) + 2), `${done.gateRuns} runs for ${n}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gateRunsFor equals 1 per batch when nothing is bad", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 16 }), (n, batch) => {
        assert.equal(gateRunsFor({ n, bad: [], batch }), Math.ceil(n / batch));
      }),
    );
  });
});

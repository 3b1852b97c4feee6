import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decide } from "../../src/core/scheduler.js";
import {
  EXACT,
  REALISTIC,
  generateSimPlan,
  lowerBound,
  type PlanSpec,
  type SimItem,
  type SimPlan,
} from "../../bench/sim/model.js";
import { FLOTILLA, PLAN_ORDER, WAVES, simulate } from "../../bench/sim/simulate.js";

const spec = (over: Partial<PlanSpec> = {}): PlanSpec => ({
  items: 40,
  shape: "random",
  overlap: 0.3,
  maxParallel: 5,
  seed: 7,
  ...over,
});

const simItem = (id: string, seconds: number, dependsOn: string[] = [], failures = 0): SimItem => ({
  id,
  dependsOn,
  touches: [`src/${id}/**`],
  priority: 2,
  estimateSeconds: seconds,
  trueSeconds: seconds,
  failures,
});

const handPlan = (items: SimItem[], maxParallel: number): SimPlan => ({
  spec: { items: items.length, shape: "random", overlap: 0, maxParallel, seed: 1 },
  items,
});

describe("scheduling simulation", () => {
  it("with exact durations and no failures, flotilla finishes chains exactly at the bound", () => {
    const items = [
      simItem("a1", 300),
      simItem("a2", 600, ["a1"]),
      simItem("a3", 120, ["a2"]),
      simItem("b1", 60),
      simItem("b2", 60, ["b1"]),
      simItem("c1", 400),
      simItem("d1", 200),
    ];
    const plan = handPlan(items, 2);
    const r = simulate({ plan, policy: FLOTILLA, realism: EXACT });
    assert.equal(lowerBound(plan), 1020);
    assert.equal(r.makespan, lowerBound(plan));
  });

  it("with exact durations and slots for every item, flotilla's makespan is the critical path", () => {
    for (let seed = 1; seed <= 6; seed++) {
      for (const shape of ["layered", "random"] as const) {
        const plan = generateSimPlan(spec({ seed, shape, overlap: 0, maxParallel: 1000 }), EXACT);
        const r = simulate({ plan, policy: FLOTILLA, realism: EXACT });
        assert.ok(Math.abs(r.makespan - lowerBound(plan)) < 1e-6, `seed ${seed} ${shape}`);
      }
    }
  });

  it("no policy beats the lower bound, waves included", () => {
    for (let seed = 1; seed <= 8; seed++) {
      const plan = generateSimPlan(spec({ seed, maxParallel: 3 + (seed % 3) * 2 }), REALISTIC);
      const bound = lowerBound(plan);
      for (const policy of [FLOTILLA, WAVES, PLAN_ORDER]) {
        const r = simulate({ plan, policy, realism: REALISTIC });
        assert.ok(r.makespan >= bound - 1e-6, `${policy.name} seed ${seed}: ${r.makespan} < ${bound}`);
      }
    }
  });

  it("is deterministic per seed, and another seed gives another plan", () => {
    const run = (seed: number) =>
      simulate({ plan: generateSimPlan(spec({ seed }), REALISTIC), policy: FLOTILLA, realism: REALISTIC });
    const a = run(11);
    const b = run(11);
    assert.deepEqual(b, a);
    assert.notDeepEqual(run(12).started, a.started);
  });

  it("starts exactly what the real scheduler decides, and only that", () => {
    const decisions: string[] = [];
    let calls = 0;
    const plan = generateSimPlan(spec({ seed: 3 }), REALISTIC);
    const r = simulate({
      plan,
      policy: FLOTILLA,
      realism: REALISTIC,
      decide: (input) => {
        calls++;
        const d = decide(input);
        decisions.push(...d.start);
        return d;
      },
    });
    assert.ok(calls > plan.items.length / 5);
    assert.deepEqual(r.started, decisions);
    assert.ok(r.started.length >= plan.items.length);
  });

  it("never runs more agents than the policy allows", () => {
    const plan = generateSimPlan(spec({ seed: 5, maxParallel: 8 }), REALISTIC);
    let peak = 0;
    simulate({
      plan,
      policy: PLAN_ORDER,
      realism: REALISTIC,
      decide: (input) => {
        const d = decide(input);
        // Items in the merge queue are `running` for the scheduler; maxParallel counts them on top.
        let running = 0;
        for (const s of input.states.values()) if (s === "running") running++;
        peak = Math.max(peak, running + d.start.length - (input.maxParallel - 5));
        return d;
      },
    });
    assert.ok(peak <= 5, `peak ${peak}`);
  });

  it("reruns failed attempts in full and gates a batch of merges once", () => {
    const items = Array.from({ length: 8 }, (_, i) => simItem(`x${i}`, 60, [], i === 0 ? 2 : 0));
    const plan = handPlan(items, 8);
    const gate = { ...EXACT, gateSeconds: 100 };
    // Seven finish at 60 s; the one that failed twice at 180 s.
    const batch4 = simulate({ plan, policy: FLOTILLA, realism: { ...gate, batch: 4 } });
    assert.equal(batch4.gateRuns, 3);
    assert.equal(batch4.makespan, 60 + 100 + 100 + 100);
    const batch1 = simulate({ plan, policy: FLOTILLA, realism: { ...gate, batch: 1 } });
    assert.equal(batch1.gateRuns, 8);
    assert.equal(batch1.makespan, 60 + 8 * 100);
    assert.equal(batch1.attempts, 10);
  });

  it("sends a conflicting merge back as a fix-forward", () => {
    const plan = handPlan([simItem("p", 100), simItem("q", 200)], 2);
    const r = simulate({
      plan,
      policy: FLOTILLA,
      realism: { ...EXACT, hiddenConflict: 1, fixForwardShare: 0.5 },
    });
    assert.equal(r.fixForwards, 1);
    assert.equal(r.makespan, 200 + 100);
  });

  it("waves wait for the whole wave to merge before the next starts", () => {
    const plan = handPlan([simItem("a", 100), simItem("b", 500), simItem("c", 100, ["a"])], 2);
    assert.equal(simulate({ plan, policy: FLOTILLA, realism: EXACT }).makespan, 500);
    assert.equal(simulate({ plan, policy: WAVES, realism: EXACT }).makespan, 600);
  });
});

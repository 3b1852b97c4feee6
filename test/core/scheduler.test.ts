import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  blockedBy,
  decide,
  isTerminal,
  type DecideInput,
  type SchedulerItemState,
} from "../../src/core/scheduler.js";
import {
  buildGraph,
  computeWaves,
  conflictGroups,
  conflictPairs,
  overlapIndex,
  overlaps,
} from "../../src/graph/index.js";
import { dagArbitrary, item } from "../graph/arbitraries.js";

const states = (entries: Record<string, SchedulerItemState>) => new Map(Object.entries(entries));

const base = (items: Parameters<typeof buildGraph>[0], extra: Partial<DecideInput> = {}): DecideInput => ({
  graph: buildGraph(items),
  states: new Map(),
  maxParallel: 4,
  mode: "continuous",
  conflicts: "avoid",
  ...extra,
});

describe("decide: continuous", () => {
  // chain x -> y -> z makes x's remaining path 3; p and q are single items of different priority.
  const items = [
    item("q", [], { priority: 1 }),
    item("p", [], { priority: 2 }),
    item("y", ["x"]),
    item("x"),
    item("z", ["y"]),
    item("b"),
    item("a"),
  ];

  it("orders by longest remaining path, then lower priority, then id", () => {
    assert.deepEqual(decide(base(items)).start, ["x", "q", "a", "b"]);
    assert.deepEqual(decide(base(items, { maxParallel: 10 })).start, ["x", "q", "a", "b", "p"]);
  });

  it("never exceeds maxParallel, counting running items", () => {
    assert.deepEqual(decide(base(items, { maxParallel: 2, states: states({ x: "running" }) })).start, ["q"]);
    assert.deepEqual(decide(base(items, { maxParallel: 1, states: states({ x: "running" }) })).start, []);
    assert.deepEqual(decide(base(items, { maxParallel: 0 })).start, []);
  });

  it("starts an item only when every dependency is done", () => {
    const s = states({ x: "running", q: "done", p: "done", a: "done", b: "done" });
    assert.deepEqual(decide(base(items, { states: s })).start, []);
    assert.deepEqual(decide(base(items, { states: states({ x: "done", q: "running" }) })).start, [
      "y",
      "a",
      "b",
    ]);
    assert.deepEqual(decide(base(items, { states: states({ x: "failed" }) })).start, ["q", "a", "b", "p"]);
  });

  it("lets learned durations override estimates in the priority", () => {
    const durations = new Map([["p", 100]]);
    assert.deepEqual(decide(base(items, { maxParallel: 2, durations })).start, ["p", "x"]);
  });

  it("honours predicted conflicts and stopDispatch", () => {
    assert.deepEqual(decide(base(items, { maxParallel: 2, predictedConflicts: new Set(["x"]) })).start, [
      "q",
      "a",
    ]);
    assert.deepEqual(decide(base(items, { stopDispatch: true })).start, []);
  });

  describe("conflicts", () => {
    const touching = [
      item("long", [], { touches: ["src/auth/**"], estimateSeconds: 10 }),
      item("login", [], { touches: ["src/auth/login.ts"], estimateSeconds: 5 }),
      item("docs", [], { touches: ["docs/**"] }),
      item("free"),
    ];

    it("avoid: skips an item overlapping one picked earlier in the same decision", () => {
      assert.deepEqual(decide(base(touching)).start, ["long", "docs", "free"]);
    });

    it("avoid: skips an item overlapping a running one, and a precomputed index gives the same answer", () => {
      const s = states({ login: "running" });
      assert.deepEqual(decide(base(touching, { states: s })).start, ["docs", "free"]);
      const index = overlapIndex(conflictPairs(touching));
      assert.deepEqual(decide(base(touching, { states: s, overlapIndex: index })).start, ["docs", "free"]);
    });

    it("allow: ignores overlaps", () => {
      assert.deepEqual(decide(base(touching, { conflicts: "allow" })).start, [
        "long",
        "login",
        "docs",
        "free",
      ]);
    });
  });
});

describe("decide: waves", () => {
  const items = [item("a"), item("b"), item("c", ["a"]), item("d")];
  const waves = [
    ["a", "b"],
    ["c", "d"],
  ];

  it("starts a wave only when every earlier wave is terminal", () => {
    const input = base(items, { mode: "waves", waves });
    assert.deepEqual(decide(input).start, ["a", "b"]);
    assert.deepEqual(decide({ ...input, states: states({ a: "done", b: "running" }) }).start, []);
    assert.deepEqual(decide({ ...input, states: states({ a: "done", b: "failed" }) }).start, ["c", "d"]);
    assert.deepEqual(
      decide({ ...input, maxParallel: 1, states: states({ a: "done", b: "blocked" }) }).start,
      ["c"],
    );
    assert.deepEqual(
      decide({ ...input, states: states({ a: "done", b: "done", c: "done", d: "done" }) }).start,
      [],
    );
  });

  it("computes the waves when none are given", () => {
    const input = base(items, { mode: "waves" });
    assert.deepEqual(decide(input).start, ["a", "b", "d"]);
    assert.deepEqual(decide({ ...input, states: states({ a: "done", b: "done", d: "done" }) }).start, ["c"]);
  });
});

describe("blockedBy", () => {
  it("blocks pending items downstream of a failed or blocked item, transitively", () => {
    const items = [
      item("a"),
      item("b", ["a"]),
      item("c", ["b"]),
      item("d"),
      item("e", ["d"]),
      item("f", ["c", "d"]),
    ];
    const g = buildGraph(items);
    assert.deepEqual(blockedBy(g, states({ a: "failed" })), ["b", "c", "f"]);
    assert.deepEqual(blockedBy(g, states({ a: "failed", b: "blocked" })), ["c", "f"]);
    assert.deepEqual(blockedBy(g, states({ d: "failed", e: "done" })), ["f"]);
    assert.deepEqual(blockedBy(g, states({ a: "done" })), []);
  });
});

const touchPool = ["src/a/**", "src/a/x.ts", "src/b/**", "src/*.ts", "docs/**", "**/*.md", "package.json"];
const stateArb = fc.constantFrom<SchedulerItemState>("pending", "running", "done", "failed", "blocked");

describe("decide: properties", () => {
  it("is deterministic: the input order of items does not change the decision", () => {
    fc.assert(
      fc.property(
        dagArbitrary({ maxItems: 15, touchPool }),
        fc.array(stateArb, { minLength: 15, maxLength: 15 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom("continuous" as const, "waves" as const),
        fc.constantFrom("avoid" as const, "allow" as const),
        (items, stateList, maxParallel, mode, conflicts) => {
          const s = new Map(items.map((it, k) => [it.id, stateList[k]!]));
          const input = { states: s, maxParallel, mode, conflicts };
          const one = decide({ graph: buildGraph(items), ...input });
          const reversed = [...items].reverse();
          assert.deepEqual(decide({ graph: buildGraph(reversed), ...input }).start, one.start);
          assert.deepEqual(decide({ graph: buildGraph(items), ...input }).start, one.start);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("blockedBy is the set of pending items with a failed or blocked item upstream", () => {
    fc.assert(
      fc.property(
        dagArbitrary({ maxItems: 12 }),
        fc.array(stateArb, { minLength: 12, maxLength: 12 }),
        (items, list) => {
          const g = buildGraph(items);
          const s = new Map(items.map((it, k) => [it.id, list[k]!]));
          const stateOf = (id: string) => s.get(id) ?? "pending";
          const byId = new Map(items.map((it) => [it.id, it]));
          // dead(id): pending with some dependency failed, blocked, or itself dead.
          const dead = (id: string): boolean =>
            stateOf(id) === "pending" &&
            byId
              .get(id)!
              .dependsOn.some((d) => stateOf(d) === "failed" || stateOf(d) === "blocked" || dead(d));
          assert.deepEqual(blockedBy(g, s), g.ids.filter(dead));
        },
      ),
    );
  });

  it("a virtual-time run of a random DAG respects the cap, the dependencies and the conflicts, and finishes", () => {
    fc.assert(
      fc.property(
        dagArbitrary({ minItems: 1, maxItems: 25, touchPool }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 25, maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom("continuous" as const, "waves" as const),
        fc.constantFrom("avoid" as const, "allow" as const),
        fc.boolean(),
        (items, durationList, failList, maxParallel, mode, conflicts, withFailures) => {
          const graph = buildGraph(items);
          const duration = new Map(items.map((it, k) => [it.id, durationList[k]!]));
          const fails = new Set(
            items.filter((_, k) => withFailures && failList[k] === true && k % 3 === 0).map((it) => it.id),
          );
          const waves = computeWaves(graph, conflictGroups(items), { maxWidth: maxParallel });
          const waveOf = new Map(waves.flatMap((w, k) => w.map((id) => [id, k] as const)));
          const byId = new Map(items.map((it) => [it.id, it]));
          const s = new Map<string, SchedulerItemState>();
          const stateOf = (id: string) => s.get(id) ?? "pending";
          const finishes = new Map<string, number>();
          let now = 0;
          for (let step = 0; step < 1000; step++) {
            for (const id of blockedBy(graph, s)) s.set(id, "blocked");
            const { start } = decide({
              graph,
              states: s,
              maxParallel,
              mode,
              conflicts,
              waves,
              durations: duration,
            });
            for (const id of start) {
              assert.equal(stateOf(id), "pending");
              for (const d of byId.get(id)!.dependsOn) assert.equal(stateOf(d), "done", `${id} before ${d}`);
              if (mode === "waves") {
                for (const [other, k] of waveOf)
                  if (k < waveOf.get(id)!) assert.ok(isTerminal(stateOf(other)));
              }
              s.set(id, "running");
              finishes.set(id, now + duration.get(id)!);
            }
            const running = [...finishes.keys()];
            assert.ok(running.length <= maxParallel, "over the cap");
            if (conflicts === "avoid") {
              for (const x of running)
                for (const y of running) if (x < y) assert.ok(!overlaps(byId.get(x)!, byId.get(y)!));
            }
            if (running.length === 0) break;
            now = Math.min(...finishes.values());
            for (const [id, end] of finishes) {
              if (end !== now) continue;
              finishes.delete(id);
              s.set(id, fails.has(id) ? "failed" : "done");
            }
          }
          for (const it of items) assert.ok(isTerminal(stateOf(it.id)), `${it.id} left ${stateOf(it.id)}`);
          if (fails.size === 0) for (const it of items) assert.equal(stateOf(it.id), "done");
        },
      ),
      { numRuns: 300 },
    );
  });
});

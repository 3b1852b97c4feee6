// Batched merges with bisection, as a pure state machine the merge queue drives. Up to N queued
// entries that merge cleanly are stacked into a chain of merge commits on the integration head and
// the post-merge gates run once, on the top. A failing batch is bisected at once; what passes
// merges, the entries that make a chain fail are sent back as culprits — but, with
// `merge.retry_flaky`, never on the word of a single failed run.
//
// The planner never sees commits. Its one rule for the engine: a step `gate(prefix)` means "build the
// chain of these entries, in this order, on the CURRENT integration head, and gate its top"; when the
// gate passes, move the integration ref (compare-and-swap) to that top, then call recordGate(true).
// So the integration branch only ever points at the top of a prefix whose gates passed. Every prefix
// is a prefix of the undecided entries in queue order, so merged entries keep the queue order.
//
// Bisection keeps one fact: the length L of the shortest prefix of the undecided entries known to
// fail on the current head (0: unknown).
//   L unknown  → gate every undecided entry (a new batch on the current head).
//   L ≥ 2      → gate the first half, ⌈L/2⌉ entries. Pass: they merge, L shrinks by that much (the
//                rest of the failing prefix, stacked on the new head, is the very chain that failed,
//                so it is not gated again). Fail: L becomes the half.
//   L = 1      → the first undecided entry is the suspect: the last failed gate's prefix ends with
//                it. It is convicted — it leaves the batch and L becomes unknown (the chain changed) —
//                when that was the second failed run of this batch (a failing batch and then a
//                failing half are two runs that both held it); when it was the only one, and
//                `retryFlaky` is on, the suspect is gated once more on its own first (a `rerun`
//                step): a pass merges it and marks the gates flaky.
// Why not rerun the whole failing batch first, as bors-style queues do: bisection re-gates the
// suspects anyway, so the rerun costs a run for every batch that holds a bad entry — the common case
// with agents — to save runs only when the gates are flaky. Here a bad entry in a batch of n costs
// ⌈log2 n⌉ + 1 runs at most, a flaky failure ⌊log2 n⌋ + 1 extra, and `merge.batch: 1` behaves as the
// source systems do (fail, rerun, convict). Gate runs for k bad entries out of n: at most
// 1 + k·(⌈log2 n⌉ + 2).

/** How a batch behaves. */
export interface BatchOptions {
  /** Never send an entry back on one failed run: a lone suspect is gated again first (`merge.retry_flaky`). */
  readonly retryFlaky: boolean;
}

/** An entry sent back: the gate run (1-based) whose failing output is its feedback. */
export interface Culprit {
  readonly id: string;
  /** The failed gate run that convicts it; that run's prefix ends with this entry. */
  readonly gateRun: number;
}

/** One gate run, for reports and tests. */
export interface GateRecord {
  /** 1-based, in the order the gates ran. */
  readonly run: number;
  readonly prefix: readonly string[];
  readonly passed: boolean;
  /** The suspect's second chance (flaky gates). */
  readonly rerun: boolean;
}

/** The planner's state; a plain immutable value (store it, log it, compare it). */
export interface BatchState {
  /** Undecided entries, in queue order. */
  readonly remaining: readonly string[];
  /** Merged entries, in the order they merged (= queue order). */
  readonly merged: readonly string[];
  readonly culprits: readonly Culprit[];
  /** Entries the engine found no longer merge cleanly (recordConflict). */
  readonly conflicted: readonly string[];
  /** The shortest prefix of `remaining` known to fail on the current head; 0 when unknown. */
  readonly failingPrefix: number;
  readonly retryFlaky: boolean;
  /** Failed gate runs since this batch (re)started on its head: 0, 1 or more. */
  readonly failures: number;
  /** A suspect's rerun passed: the gates are flaky. */
  readonly flaky: boolean;
  readonly gateRuns: number;
  /** The last failed gate run (0: none), which convicts the next culprit. */
  readonly lastFailedRun: number;
  readonly history: readonly GateRecord[];
}

/** What the engine does next. */
export type BatchStep =
  | {
      readonly kind: "gate";
      /** Stack these entries on the current integration head, in this order, and gate the top. */
      readonly prefix: readonly string[];
      /** The lone suspect gated again before it is sent back (flaky gates). */
      readonly rerun: boolean;
    }
  | {
      readonly kind: "done";
      readonly merged: readonly string[];
      readonly culprits: readonly string[];
      readonly conflicted: readonly string[];
      readonly gateRuns: number;
      readonly flaky: boolean;
    };

/** Starts a batch over entry ids in queue order (ids must be unique; an empty batch is done at once). */
export function startBatch(entries: readonly string[], options: BatchOptions): BatchState {
  if (new Set(entries).size !== entries.length) throw new Error("startBatch: entry ids must be unique");
  return {
    remaining: [...entries],
    merged: [],
    culprits: [],
    conflicted: [],
    failingPrefix: 0,
    retryFlaky: options.retryFlaky,
    failures: 0,
    flaky: false,
    gateRuns: 0,
    lastFailedRun: 0,
    history: [],
  };
}

/** The next step: which prefix to gate, or the outcome. Pure: asking twice gives the same step. */
export function nextStep(state: BatchState): BatchStep {
  const { remaining, failingPrefix } = state;
  if (remaining.length === 0) {
    return {
      kind: "done",
      merged: state.merged,
      culprits: state.culprits.map((c) => c.id),
      conflicted: state.conflicted,
      gateRuns: state.gateRuns,
      flaky: state.flaky,
    };
  }
  if (failingPrefix === 0) return { kind: "gate", prefix: remaining, rerun: false };
  // A prefix of one is still here only when settle() wants it confirmed: gate the suspect again.
  if (failingPrefix === 1) return { kind: "gate", prefix: remaining.slice(0, 1), rerun: true };
  return { kind: "gate", prefix: remaining.slice(0, Math.ceil(failingPrefix / 2)), rerun: false };
}

/**
 * Records the outcome of the gate nextStep asked for. On a pass the engine has moved (or is about to
 * move) the integration ref to the top of that prefix; those entries are merged.
 */
export function recordGate(state: BatchState, passed: boolean): BatchState {
  const step = nextStep(state);
  if (step.kind === "done") throw new Error("recordGate: the batch is done; there is no gate to record");
  const run = state.gateRuns + 1;
  const history = [...state.history, { run, prefix: step.prefix, passed, rerun: step.rerun }];
  const n = step.prefix.length;
  if (passed) {
    const left = state.failingPrefix === 0 ? 0 : state.failingPrefix - n;
    return settle({
      ...state,
      remaining: state.remaining.slice(n),
      merged: [...state.merged, ...step.prefix],
      failingPrefix: left,
      // Back to an unknown prefix: a new batch on the new head, with no failures of its own yet.
      failures: left === 0 ? 0 : state.failures,
      flaky: state.flaky || step.rerun,
      gateRuns: run,
      history,
    });
  }
  return settle({
    ...state,
    failingPrefix: n,
    failures: state.failures + 1,
    gateRuns: run,
    lastFailedRun: run,
    history,
  });
}

/**
 * The engine could not stack this undecided entry any more (its merge onto the new chain conflicts):
 * it leaves the batch as conflicted. A known-failing prefix that contained it is forgotten.
 */
export function recordConflict(state: BatchState, id: string): BatchState {
  const at = state.remaining.indexOf(id);
  if (at < 0) throw new Error(`recordConflict: ${id} is not an undecided entry of this batch`);
  return {
    ...state,
    remaining: state.remaining.filter((e) => e !== id),
    conflicted: [...state.conflicted, id],
    failingPrefix: at < state.failingPrefix ? 0 : state.failingPrefix,
    failures: at < state.failingPrefix ? 0 : state.failures,
  };
}

// A known-failing prefix of one entry convicts it once two runs failed (or without retry_flaky);
// the rest form a new batch on the same head.
function settle(state: BatchState): BatchState {
  if (state.failingPrefix !== 1) return state;
  if (state.retryFlaky && state.failures < 2) return state;
  const [id, ...rest] = state.remaining;
  if (id === undefined) throw new Error("merge-batch: a failing prefix longer than the entries left");
  return {
    ...state,
    remaining: rest,
    culprits: [...state.culprits, { id, gateRun: state.lastFailedRun }],
    failingPrefix: 0,
    failures: 0,
  };
}

/** Inputs of gateRunsFor: n entries 0..n-1 in queue order, the bad ones by index, the batch size. */
export interface GateRunsInput {
  readonly n: number;
  readonly bad: readonly number[];
  /** `merge.batch`: entries gated together; 1 = one at a time. */
  readonly batch: number;
  /** Default true. */
  readonly retryFlaky?: boolean;
}

/**
 * Gate runs a queue of n entries costs, batched `batch` at a time with bisection, when the gates of
 * a chain fail exactly when it contains a bad entry (no flakes): for benches and the docs.
 */
export function gateRunsFor(input: GateRunsInput): number {
  const size = Math.max(1, Math.floor(input.batch));
  const bad = new Set(input.bad.map(String));
  const options: BatchOptions = { retryFlaky: input.retryFlaky ?? true };
  let runs = 0;
  for (let from = 0; from < input.n; from += size) {
    const ids: string[] = [];
    for (let i = from; i < Math.min(input.n, from + size); i++) ids.push(String(i));
    let state = startBatch(ids, options);
    for (let step = nextStep(state); step.kind === "gate"; step = nextStep(state)) {
      state = recordGate(
        state,
        step.prefix.every((id) => !bad.has(id)),
      );
    }
    runs += state.gateRuns;
  }
  return runs;
}

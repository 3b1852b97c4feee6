// Batched merges against one at a time, measured in one run: 16 `shell` items that each commit their
// own file, all started together (max_parallel 16), one of them bad on its first attempt (it also adds
// `BAD`), post-merge gate `sleep 1; test ! -e BAD`. `merge.batch` 1 (the source systems' way), 4 and
// 8, interleaved, each on a fresh copy of the same repository. Measured: post-merge gate runs, the
// merge phase's wall time (first item queued → last `merged`), how the queue actually batched. Beside
// it: the early-conflict probe (`probeLanes`, one git process) on 8 lanes against 36 `mergeTree` calls.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeTree } from "../src/adapters/git/index.js";
import { openStateStore } from "../src/adapters/state/sqlite-store.js";
import { gateRunsFor } from "../src/core/merge-batch.js";
import { probeLanes } from "../src/engine/probe.js";
import { executeRun } from "../src/engine/run.js";
import { loadPlan } from "../src/plan/load.js";
import type { RunEvent } from "../src/core/events.js";
import { summarize, type Samples } from "./measure.js";
import { gitIn, initBenchRepo } from "./repo.js";
import type { BenchContext, BenchResult } from "./types.js";

const ITEMS = 16;
/** 0-based index of the bad item (item-7 is the 8th of 16). */
const BAD = 7;
const BATCHES = [1, 4, 8] as const;
const GATE = "sleep 1; test ! -e BAD";
/** `--quick`: a 0.2 s gate, so the whole quick bench stays under a minute. */
const QUICK_GATE = "sleep 0.2; test ! -e BAD";
const FILES = 200;
const LANES = 8;
const PROBE_CALLS = 20;
const QUICK_PROBE_CALLS = 5;

/** What one run of the plan showed. */
interface RunFigures {
  readonly status: string;
  readonly gateRuns: number;
  readonly failedGates: number;
  readonly mergeMs: number;
  readonly wallMs: number;
  readonly merged: number;
  /** Batches the queue started (from the run's merge log folders). */
  readonly batches: number;
  /** Entries that landed per passing gate, in order. */
  readonly landedPerPass: readonly number[];
  /** Milliseconds from the first `queued` to the last one of the first attempts. */
  readonly arrivalSpreadMs: number;
  /** Milliseconds from the first `queued` to the second one (how long the first entry is alone). */
  readonly firstGapMs: number;
}

/** Measures batched merges beside one at a time, and the probe beside separate merge-tree calls. */
export async function benchMergeBatches(ctx: BenchContext): Promise<BenchResult> {
  const rounds = ctx.quick ? 1 : 2;
  const gate = ctx.quick ? QUICK_GATE : GATE;
  const probeCalls = ctx.quick ? QUICK_PROBE_CALLS : PROBE_CALLS;
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const work = mkdtempSync(join(scratch, "flotilla-bench-merge-"));
  try {
    const template = join(work, "template");
    makeRepo(template);
    const byBatch = new Map<number, RunFigures[]>(BATCHES.map((b) => [b, []]));
    for (let r = 0; r < rounds; r++) {
      for (const batch of BATCHES) {
        const dir = join(work, `b${batch}-r${r}`);
        const lanes = join(work, `b${batch}-r${r}-lanes`);
        cpSync(template, dir, { recursive: true });
        byBatch.get(batch)!.push(await flotillaRun(dir, lanes, batch, gate));
        for (const d of [dir, lanes]) rmSync(d, { recursive: true, force: true });
      }
    }
    const probe = await benchProbe(join(work, "probe"), template, probeCalls);

    const base = summarize(byBatch.get(1)!.map((f) => f.mergeMs)).median;
    const baseRuns = median(byBatch.get(1)!.map((f) => f.gateRuns));
    const rows = BATCHES.map((batch) => {
      const fs = byBatch.get(batch)!;
      const M = summarize(fs.map((f) => f.mergeMs));
      const W = summarize(fs.map((f) => f.wallMs));
      const runs = fs.map((f) => f.gateRuns);
      const model = gateRunsFor({ n: ITEMS, bad: [BAD], batch });
      return `| ${batch} | ${runs.join(", ")} (${(median(runs) / baseRuns).toFixed(2)}) | ${model} | ${secs(M)} | ${(M.median / base).toFixed(2)} | ${secs(W)} | ${fs.map((f) => f.batches).join(", ")} | ${fs.map((f) => f.landedPerPass.join("·")).join(" / ")} | ${fs.map((f) => `${f.merged}/${ITEMS} ${f.status}`).join(", ")} |`;
    });
    const all = [...byBatch.values()].flat();
    const spread = summarize(all.map((f) => f.arrivalSpreadMs));
    const gap = summarize(all.map((f) => f.firstGapMs));
    const verdict = (batch: number) => {
      const fs = byBatch.get(batch)!;
      const runs = median(fs.map((f) => f.gateRuns)) / baseRuns;
      const time = summarize(fs.map((f) => f.mergeMs)).median / base;
      const reached = runs <= 0.5 && time <= 0.5;
      return `batch ${batch}: gate runs ${runs.toFixed(2)}, merge phase ${time.toFixed(2)} of batch 1 — ${reached ? "reached" : "not reached"}`;
    };
    return {
      title: "Merge queue: batches against one at a time",
      markdown: [
        `${ITEMS} \`shell\` items that each commit their own file, max_parallel ${ITEMS} (all start together), in a generated repository of ${FILES} files (on ${scratch}); item-${BAD} also adds \`BAD\` on its first attempt only, so it is sent back once and lands on its retry. Post-merge gate \`${gate}\`; \`merge.retry_flaky: true\` (the default), \`retries: 1\`, \`land: none\` (the merge phase alone, no land gates). \`merge.batch\` 1, 4 and 8 interleaved, ${rounds} round(s), each run on a fresh copy of the repository, in-process (\`executeRun\`).`,
        "",
        "| merge.batch | post-merge gate runs per round (median ratio to batch 1) | model: `gateRunsFor` | merge phase: first queued → last merged (min / median / max) | ratio to batch 1 | whole run | batches started | landed per passing gate | items merged, status |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
        `The model (\`gateRunsFor({ n: ${ITEMS}, bad: [${BAD}], batch })\`, src/core/merge-batch.ts) assumes the ${ITEMS} entries are cut into batches of exactly \`batch\` in queue order, with the bad one at index ${BAD}; it does not count the gate of the bad item's retry, which arrives later on its own. The queue takes whatever is waiting when it is free: the first entry to arrive starts a batch alone (the second arrived ${(gap.median / 1000).toFixed(2)} s later, median over all runs), and the rest wait for that gate, so the batches are 1, then up to \`batch\` at a time. The ${ITEMS} first attempts did not arrive together: first to last queued took ${(spread.min / 1000).toFixed(2)}–${(spread.max / 1000).toFixed(2)} s (min–max over runs). "Landed per passing gate": entries merged by each gate run that passed, in order (rounds separated by /).`,
        "",
        `Target: at most half the gate runs and half the merge-phase time of batch 1. ${verdict(4)}; ${verdict(8)}. What a batch cannot save: the first entry's gate (it runs alone), the batch holding the bad entry (a failed run, then bisection: about ⌈log2 size⌉ more, the last of them the second failure that sends it back), and the gate of the bad item's retry when it arrives after the others; with batch 1 the bad item costs its failed run, the rerun that confirms it and its retry's gate. The merge phase also holds the retry's agent run and the first attempts' arrival spread, which no batch size shortens.`,
        "",
        `Early-conflict probe on ${LANES} running lanes with commits (each changes its own file; two of them also change the same line of one shared file): ${probe.merges} test merges (${LANES} against the integration head, ${(LANES * (LANES - 1)) / 2} pairs), ${probe.predicted} predicted conflict(s). Median of ${probeCalls} calls each, interleaved:`,
        "",
        "| | min / median / max | ratio |",
        "|---|---|---|",
        `| \`probeLanes\` (one \`merge-tree --stdin\` process) | ${ms(probe.probe)} | 1.00 |`,
        `| ${probe.merges} \`mergeTree\` calls, one after another | ${ms(probe.serial)} | ${(probe.serial.median / probe.probe.median).toFixed(2)} |`,
        `| ${probe.merges} \`mergeTree\` calls, all at once | ${ms(probe.parallel)} | ${(probe.parallel.median / probe.probe.median).toFixed(2)} |`,
      ].join("\n"),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  return summarize(values).median;
}

function secs(s: Samples): string {
  return `${(s.min / 1000).toFixed(2)} / ${(s.median / 1000).toFixed(2)} / ${(s.max / 1000).toFixed(2)} s`;
}

function ms(s: Samples): string {
  return `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)} ms`;
}

function makeRepo(dir: string): void {
  const git = initBenchRepo(dir);
  for (let i = 0; i < FILES; i++) {
    const d = join(dir, "src", `m${Math.floor(i / 20)}`);
    if (i % 20 === 0) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}.txt`), `file ${i}\n`);
  }
  writeFileSync(join(dir, "shared.txt"), "one\ntwo\nthree\n");
  mkdirSync(join(dir, "out"));
  writeFileSync(join(dir, "out", ".keep"), "");
  git("add", "-A");
  git("commit", "-qm", "generated");
}

function agentCommand(i: number): string {
  const bad = i === BAD ? ` && if [ "$FLOTILLA_ATTEMPT" = 1 ]; then echo bad > BAD; fi` : "";
  return `echo ${i} > out/item-${i}.txt${bad} && git add -A && git commit -qm item-${i}`;
}

async function flotillaRun(dir: string, lanesDir: string, batch: number, gate: string): Promise<RunFigures> {
  const lines = [
    "version: 1",
    "name: bench-merge",
    "agent: shell",
    `max_parallel: ${ITEMS}`,
    "retries: 1",
    "land: none",
    "merge:",
    `  batch: ${batch}`,
    "  retry_flaky: true",
    "gates:",
    `  post_merge: [${JSON.stringify(gate)}]`,
    "items:",
  ];
  for (let i = 0; i < ITEMS; i++)
    lines.push(`  - id: item-${i}`, `    title: Item ${i}`, `    run: ${JSON.stringify(agentCommand(i))}`);
  const loaded = loadPlan({ file: "plan.yaml", text: lines.join("\n") });
  if (!loaded.ok) throw new Error(`bench plan invalid: ${JSON.stringify(loaded.error)}`);
  const events: { at: number; e: RunEvent }[] = [];
  const t0 = performance.now();
  const result = await executeRun({
    plan: loaded.value,
    cwd: dir,
    env: { ...process.env, FLOTILLA_DEPTH: "0", FLOTILLA_LANES_DIR: lanesDir },
    openStore: (file) => openStateStore({ file }),
    emit: (e: RunEvent) => events.push({ at: performance.now(), e }),
  });
  const wallMs = performance.now() - t0;
  if (!result.ok) throw new Error(`bench run refused: ${JSON.stringify(result.error)}`);

  const queuedEvents = events.filter((x) => x.e.type === "item-state" && x.e.state === "queued");
  const queued = queuedEvents.map((x) => x.at);
  // Each item's first `queued` is its first attempt's (a retry queues the same item again later).
  const firstByItem = new Map<string, number>();
  for (const { at, e } of queuedEvents)
    if (e.type === "item-state" && !firstByItem.has(e.itemId)) firstByItem.set(e.itemId, at);
  const firstAttempts = [...firstByItem.values()];
  const mergedAt = events.filter((x) => x.e.type === "merged").map((x) => x.at);
  const firstQueued = queued[0] ?? t0;
  let gateRuns = 0;
  let failedGates = 0;
  const landedPerPass: number[] = [];
  for (const { e } of events) {
    if (e.type === "gate-ended" && e.stage === "post_merge") {
      gateRuns += 1;
      if (e.passed) landedPerPass.push(0);
      else failedGates += 1;
    } else if (e.type === "merged" && landedPerPass.length > 0) {
      landedPerPass[landedPerPass.length - 1]! += 1;
    }
  }
  const mergesDir = join(dir, ".git", "flotilla", "runs", result.value.runId, "merges");
  const batches = existsSync(mergesDir)
    ? new Set(readdirSync(mergesDir).map((n) => n.split("-")[0])).size
    : 0;
  return {
    status: result.value.status,
    gateRuns,
    failedGates,
    mergeMs: (mergedAt[mergedAt.length - 1] ?? firstQueued) - firstQueued,
    wallMs,
    merged: new Set(events.flatMap(({ e }) => (e.type === "merged" ? [e.itemId] : []))).size,
    batches,
    landedPerPass,
    arrivalSpreadMs: firstAttempts[firstAttempts.length - 1]! - firstAttempts[0]!,
    firstGapMs: (queued[1] ?? firstQueued) - firstQueued,
  };
}

async function benchProbe(
  dir: string,
  template: string,
  calls: number,
): Promise<{ probe: Samples; serial: Samples; parallel: Samples; merges: number; predicted: number }> {
  cpSync(template, dir, { recursive: true });
  const git = gitIn(dir);
  const base = git("rev-parse", "HEAD");
  const lanes: { itemId: string; head: string; start: string }[] = [];
  for (let i = 0; i < LANES; i++) {
    git("checkout", "-q", "-b", `lane-${i}`, base);
    writeFileSync(join(dir, "src", `m${i}`, `f${i * 20}.txt`), `lane ${i}\n`);
    // Lanes 0 and 1 change the same line of shared.txt: the one conflict to find.
    if (i < 2) writeFileSync(join(dir, "shared.txt"), `one\nlane ${i}\nthree\n`);
    git("commit", "-qam", `lane ${i}`);
    lanes.push({ itemId: `lane-${i}`, head: git("rev-parse", "HEAD"), start: base });
  }
  git("checkout", "-q", "main");
  const pairs = [
    ...lanes.map((l) => ({ ours: base, theirs: l.head })),
    ...lanes.flatMap((a, i) => lanes.slice(i + 1).map((b) => ({ ours: a.head, theirs: b.head }))),
  ];
  const one = async (p: { ours: string; theirs: string }) => {
    const r = await mergeTree({ cwd: dir, ...p });
    if (!r.ok) throw new Error(`mergeTree: ${r.error.message}`);
    return r.value;
  };
  const probe: number[] = [];
  const serial: number[] = [];
  const parallel: number[] = [];
  let merges = 0;
  let predicted = 0;
  for (let k = 0; k < calls; k++) {
    let t = performance.now();
    const r = await probeLanes({ cwd: dir, integrationHead: base, lanes });
    probe.push(performance.now() - t);
    if (r.errors.length > 0) throw new Error(`probe: ${r.errors.join("; ")}`);
    merges = r.merges;
    predicted = r.predicted.length;
    t = performance.now();
    for (const p of pairs) await one(p);
    serial.push(performance.now() - t);
    t = performance.now();
    await Promise.all(pairs.map(one));
    parallel.push(performance.now() - t);
  }
  return {
    probe: summarize(probe),
    serial: summarize(serial),
    parallel: summarize(parallel),
    merges,
    predicted,
  };
}

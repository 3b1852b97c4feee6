// flotilla's overhead per item beside the git operations alone, in one run: 50 `shell` items that
// each commit one file, in a generated repository of 20,000 files, max_parallel 4. The baseline is
// the least a correct orchestrator must do with git: per item a worktree on a new branch (4 at a
// time), the same agent command, then a serial in-memory merge (merge-tree, commit-tree, CAS
// update-ref). Both run on identical copies of the repository, interleaved.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { exec } from "../src/adapters/process/exec.js";
import { openStateStore } from "../src/adapters/state/sqlite-store.js";
import { executeRun } from "../src/engine/run.js";
import { loadPlan } from "../src/plan/load.js";
import type { RunEvent } from "../src/core/events.js";
import { summarize } from "./measure.js";
import { initBenchRepo } from "./repo.js";
import type { BenchContext, BenchResult } from "./types.js";

const ITEMS = 50;
const PARALLEL = 4;
const FILES = 20_000;

/** Measures a real run against the bare git work, side by side. */
export async function benchRunOverhead(ctx: BenchContext): Promise<BenchResult> {
  const items = ctx.quick ? 12 : ITEMS;
  const files = ctx.quick ? 2_000 : FILES;
  const rounds = ctx.quick ? 1 : 2;
  // 100 checkouts of 20,000 files per round: on tmpfs (when there is one) the disk's noise and the
  // minutes of deleting them stay out of the figures; both sides use the same file system.
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const work = mkdtempSync(join(scratch, "flotilla-bench-run-"));
  try {
    const template = join(work, "template");
    makeRepo(template, files);
    const bare: number[] = [];
    const flot: number[] = [];
    const agentSum: number[] = [];
    const peaks: number[] = [];
    let status = "";
    for (let r = 0; r < rounds; r++) {
      const a = join(work, `bare-${r}`);
      cpSync(template, a, { recursive: true });
      bare.push(await bareRun(a, items));
      const b = join(work, `flotilla-${r}`);
      cpSync(template, b, { recursive: true });
      const m = await flotillaRun(b, items);
      flot.push(m.wallMs);
      agentSum.push(m.agentMs);
      peaks.push(m.peakRssMb);
      status = m.status;
      for (const d of [a, b, `${b}-lanes`]) rmSync(d, { recursive: true, force: true });
    }
    const B = summarize(bare);
    const F = summarize(flot);
    const agentMedian = summarize(agentSum).median;
    const perItem = (wall: number) => (wall - agentMedian / PARALLEL) / items;
    const P = summarize(peaks);
    return {
      title: "`flotilla run` overhead per item",
      markdown: [
        `${items} \`shell\` items that each commit one file, in a generated repository of ${files.toLocaleString("en")} files (on ${scratch}), max_parallel ${PARALLEL}, no gates; ${rounds} round(s), each on fresh copies of the same repository, baseline and flotilla interleaved. Run status: ${status}.`,
        "",
        "| | wall (min / median / max) | per item: (wall − agent time ÷ 4) ÷ items | ratio |",
        "|---|---|---|---|",
        `| git operations alone (worktree add ×4 in parallel, serial merge-tree + commit-tree + update-ref) | ${secs(B)} | ${(perItem(B.median) / 1000).toFixed(3)} s | 1.00 |`,
        `| \`flotilla run\` (lanes, facts from git, attempt refs, state in SQLite, merge queue, land) | ${secs(F)} | ${(perItem(F.median) / 1000).toFixed(3)} s | ${(perItem(F.median) / perItem(B.median)).toFixed(2)} |`,
        "",
        `Agent time (Σ of agent processes, median over rounds): ${(agentMedian / 1000).toFixed(2)} s; gate time: 0 (no gates). Target: flotilla's per-item overhead within 1.5× of the git operations alone.`,
        `Peak resident memory of the orchestrator process during the run: ${P.min.toFixed(0)} / ${P.median.toFixed(0)} / ${P.max.toFixed(0)} MB (min / median / max), sampled every 20 ms.`,
      ].join("\n"),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function secs(s: { min: number; median: number; max: number }): string {
  return `${(s.min / 1000).toFixed(2)} / ${(s.median / 1000).toFixed(2)} / ${(s.max / 1000).toFixed(2)} s`;
}

function makeRepo(dir: string, files: number): void {
  const git = initBenchRepo(dir);
  for (let i = 0; i < files; i++) {
    const d = join(dir, "src", `m${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}.txt`), `file ${i}\n`);
  }
  mkdirSync(join(dir, "out"));
  writeFileSync(join(dir, "out", ".keep"), "");
  git("add", "-A");
  git("commit", "-qm", "generated");
}

const agentCommand = (i: number) =>
  `echo ${i} > out/item-${i}.txt && git add out/item-${i}.txt && git commit -qm item-${i}`;

async function flotillaRun(dir: string, items: number) {
  const lines = [
    "version: 1",
    "name: bench",
    "agent: shell",
    `max_parallel: ${PARALLEL}`,
    "retries: 0",
    "items:",
  ];
  for (let i = 0; i < items; i++)
    lines.push(`  - id: item-${i}`, `    title: Item ${i}`, `    run: ${JSON.stringify(agentCommand(i))}`);
  const loaded = loadPlan({ file: "plan.yaml", text: lines.join("\n") });
  if (!loaded.ok) throw new Error("bench plan invalid");
  let agentMs = 0;
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const result = await executeRun({
    plan: loaded.value,
    cwd: dir,
    env: {
      ...process.env,
      FLOTILLA_DEPTH: "0",
      FLOTILLA_LANES_DIR: join(dir, "..", `${basename(dir)}-lanes`),
    },
    openStore: (file) => openStateStore({ file }),
    emit: (e: RunEvent) => {
      if (e.type === "agent-exited") agentMs += e.durationMs;
    },
  });
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  if (!result.ok) throw new Error(`bench run refused: ${JSON.stringify(result.error)}`);
  return { wallMs, agentMs, peakRssMb: peak / 2 ** 20, status: result.value.status };
}

async function bareRun(dir: string, items: number): Promise<number> {
  const git = async (cwd: string, args: string[], input?: string) => {
    const r = await exec({ argv: ["git", ...args], cwd, ...(input === undefined ? {} : { input }) });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const t0 = performance.now();
  const base = await git(dir, ["rev-parse", "HEAD"]);
  await git(dir, ["update-ref", "refs/heads/integration", base]);
  let mergeChain = Promise.resolve();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items; i = next++) {
      const lane = join(dir, ".git", "lanes", String(i));
      const start = await git(dir, ["rev-parse", "refs/heads/integration"]);
      await git(dir, ["worktree", "add", "-q", "-b", `lane/${i}`, lane, start]);
      const r = await exec({ argv: ["sh", "-c", agentCommand(i)], cwd: lane });
      if (r.exitCode !== 0) throw new Error(r.stderr);
      const head = await git(lane, ["rev-parse", "HEAD"]);
      mergeChain = mergeChain.then(async () => {
        const ours = await git(dir, ["rev-parse", "refs/heads/integration"]);
        const tree = (await git(dir, ["merge-tree", "--write-tree", ours, head])).split("\n")[0]!;
        const commit = await git(dir, ["commit-tree", tree, "-p", ours, "-p", head], `merge ${i}\n`);
        await git(dir, ["update-ref", "refs/heads/integration", commit, ours]);
      });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await mergeChain;
  const tip = await git(dir, ["rev-parse", "refs/heads/integration"]);
  await git(dir, ["merge", "--ff-only", "-q", tip]);
  return performance.now() - t0;
}

// The reality check of the simulation: plans of the scheduling suite run for real through the CLI
// (`flotilla run`), with `shell` agents that sleep their true duration scaled down (1 min → 0.5 s),
// fail their first attempts as drawn, and commit. The measured makespan beside the simulated one
// of the same plan, same durations and same failures.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { generateSimPlan, REALISTIC, type PlanSpec, type Realism, type SimPlan } from "./sim/model.js";
import { FLOTILLA, simulate } from "./sim/simulate.js";
import { summarize } from "./measure.js";
import { initBenchRepo } from "./repo.js";
import type { BenchContext, BenchResult } from "./types.js";

/** Real seconds per simulated second: 1 min → 0.5 s (a quick run: 1 min → 0.25 s, overhead weighs more). */
const SCALE = 1 / 120;
const QUICK_SCALE = 1 / 240;

/** Three suite plans of both shapes; the seeds were picked so that the three runs take about 2.5 minutes. */
const PLANS: readonly PlanSpec[] = [
  { items: 20, shape: "layered", overlap: 0.1, maxParallel: 3, seed: 501 },
  { items: 16, shape: "random", overlap: 0.3, maxParallel: 5, seed: 503 },
  { items: 30, shape: "layered", overlap: 0, maxParallel: 8, seed: 503 },
];

/** Real agents cannot be made to conflict on cue: conflicts are off on both sides. */
const REALITY: Realism = { ...REALISTIC, declaredConflict: 0, hiddenConflict: 0 };

/** Runs the plans for real and beside the simulation. */
export function benchReality(ctx: BenchContext): BenchResult {
  const specs = ctx.quick ? [{ ...PLANS[0]!, items: 4 }] : PLANS;
  const scale = ctx.quick ? QUICK_SCALE : SCALE;
  const gateSeconds = REALITY.gateSeconds * scale;
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const work = mkdtempSync(join(scratch, "flotilla-bench-reality-"));
  try {
    const rows: string[] = [];
    const ratios: number[] = [];
    specs.forEach((spec, k) => {
      const plan = generateSimPlan(spec, REALITY);
      const scaled: SimPlan = {
        spec,
        items: plan.items.map((it) => ({ ...it, trueSeconds: it.trueSeconds * scale })),
      };
      const sim = simulate({
        plan: scaled,
        policy: FLOTILLA,
        realism: { ...REALITY, gateSeconds },
      });
      const real = runForReal({
        dir: join(work, `plan-${k}`),
        plan: scaled,
        maxParallel: spec.maxParallel,
        gateSeconds,
      });
      const ratio = real.wallSeconds / sim.makespan;
      ratios.push(ratio);
      rows.push(
        `| ${spec.items} items, ${spec.shape}, overlap ${spec.overlap * 100} %, max_parallel ${spec.maxParallel}, seed ${spec.seed} | ${sim.attempts} / ${real.attempts} | ${sim.makespan.toFixed(1)} s | ${real.wallSeconds.toFixed(1)} s (${real.status}) | ${ratio.toFixed(3)} |`,
      );
    });
    const R = summarize(ratios);
    return {
      title: "Reality check of the simulation",
      markdown: [
        `Plans of the scheduling suite run for real: \`flotilla run\` through the CLI, \`shell\` agents that sleep their true duration at 1 min → ${60 * scale} s, fail the attempts the simulation fails (exit 1), then commit; post-merge gate \`sleep ${gateSeconds}\` (${REALITY.gateSeconds} s scaled), \`merge.batch\` ${REALITY.batch}, on ${scratch}. Conflicts are off on both sides (agents cannot be made to conflict on cue). Simulated: the same plan, durations and failures, flotilla's policy, no overhead at all. Measured: wall time of the run (\`report --json\`: run start to end, land included).`,
        "",
        "| plan | attempts: simulated / real | simulated makespan | measured makespan | measured ÷ simulated |",
        "|---|---|---|---|---|",
        ...rows,
        "",
        `Measured ÷ simulated, min / median / max over the plans: ${R.min.toFixed(3)} / ${R.median.toFixed(3)} / ${R.max.toFixed(3)}. Target: within 10 %. What the simulation leaves out is the orchestrator's own work per item (lanes, git facts, SQLite, merges, land; see the run overhead section); at ${60 * scale} s per simulated minute, each 0.1 s of it stands for ${(0.1 / scale).toFixed(0)} s of a real run.`,
      ].join("\n"),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes the repository and plan, runs `flotilla run --json`, reads the report. */
function runForReal(opts: { dir: string; plan: SimPlan; maxParallel: number; gateSeconds: number }): {
  wallSeconds: number;
  attempts: number;
  status: string;
} {
  const { dir, plan } = opts;
  const git = initBenchRepo(dir);
  writeFileSync(join(dir, "README.md"), "reality check\n");
  writeFileSync(join(dir, "plan.yaml"), planYaml(plan, opts.maxParallel, opts.gateSeconds));
  writeFileSync(join(dir, ".gitignore"), ".flotilla/\n");
  git("add", "-A");
  git("commit", "-qm", "start");
  const bin = join(import.meta.dirname, "../src/cli/bin.js");
  const env = { ...process.env, FLOTILLA_DEPTH: "0", FLOTILLA_LANES_DIR: `${dir}-lanes` };
  const r = spawnSync(process.execPath, [bin, "run", "plan.yaml", "--json"], {
    cwd: dir,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`reality run exited ${r.status}: ${r.stderr.slice(0, 800)}`);
  const report = JSON.parse(r.stdout) as {
    run: { status: string; started_at: string; ended_at: string };
    items: { attempts: unknown[] }[];
  };
  const wall = (Date.parse(report.run.ended_at) - Date.parse(report.run.started_at)) / 1000;
  const attempts = report.items.reduce((s, i) => s + i.attempts.length, 0);
  rmSync(`${dir}-lanes`, { recursive: true, force: true });
  return { wallSeconds: wall, attempts, status: report.run.status };
}

function planYaml(plan: SimPlan, maxParallel: number, gateSeconds: number): string {
  const lines = [
    "version: 1",
    "name: reality",
    "agent: shell",
    `max_parallel: ${maxParallel}`,
    "retries: 3",
    "merge:",
    `  batch: ${REALITY.batch}`,
    "gates:",
    `  post_merge: ["sleep ${gateSeconds}"]`,
    "items:",
  ];
  for (const it of plan.items) {
    const d = it.trueSeconds.toFixed(2);
    const dir = it.touches[0]!.replace("/**", "");
    const script = [
      `if [ "$FLOTILLA_ATTEMPT" -le ${it.failures} ]; then sleep ${d}; exit 1; fi`,
      `sleep ${d}`,
      `mkdir -p ${dir}`,
      `echo ${it.id} > ${dir}/done.txt`,
      `git add ${dir}`,
      `git commit -qm ${it.id}`,
    ].join("; ");
    lines.push(
      `  - id: ${it.id}`,
      `    title: Item ${it.id}`,
      `    run: ${JSON.stringify(script)}`,
      `    touches: [${it.touches.map((t) => JSON.stringify(t)).join(", ")}]`,
    );
    if (it.estimateSeconds !== undefined) lines.push(`    estimate: ${it.estimateSeconds / 60}m`);
    if (it.dependsOn.length > 0) lines.push(`    depends_on: [${it.dependsOn.join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

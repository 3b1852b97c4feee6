// The long chaos run (opt-in: `node dist/bench/index.js --only chaos`, not in the default set):
// the chaos plan of test/support/chaos.ts over several seeds, the orchestrator SIGKILLed at least
// 50 times in all and resumed each time. Records "kills survived / runs" and any broken invariant.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chaosRun } from "../test/support/chaos.js";
import type { BenchContext, BenchResult } from "./types.js";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const KILLS_PER_SEED = 15;
const MIN_DELAY_MS = 200;
const MAX_DELAY_MS = 900;

/** Runs the chaos plan under kills for each seed and tabulates what survived. */
/** The section title, so a full `npm run bench` (which does not run chaos) can keep the last one. */
export const CHAOS_TITLE = "Chaos: the orchestrator SIGKILLed and resumed";

export async function benchChaos(ctx: BenchContext): Promise<BenchResult> {
  const seeds = ctx.quick ? SEEDS.slice(0, 1) : SEEDS;
  const rows: string[] = [];
  let kills = 0;
  let survived = 0;
  let runs = 0;
  const started = Date.now();
  for (const seed of seeds) {
    const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-chaos-"));
    try {
      const r = await chaosRun({
        dir,
        bin: ctx.bin,
        seed,
        kills: KILLS_PER_SEED,
        minDelayMs: MIN_DELAY_MS,
        maxDelayMs: MAX_DELAY_MS,
        log: (line) => {
          console.error(line);
        },
      });
      kills += r.kills;
      runs += r.runs;
      if (r.problems.length === 0) survived += r.kills;
      rows.push(
        `| ${seed} | ${r.kills} | ${r.runs} | ${r.problems.length === 0 ? "all held" : r.problems.join("; ")} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  return {
    title: CHAOS_TITLE,
    markdown: [
      `The 12-item chaos plan (\`test/support/chaos.ts\`: dependencies, conflicting edits of one file, items failing once, one failing for good and its blocked dependent), ${seeds.length} seed(s), up to ${KILLS_PER_SEED} SIGKILLs of the orchestrator per seed at random moments ${MIN_DELAY_MS}–${MAX_DELAY_MS} ms after each start, \`flotilla resume\` after each. Checked against a run without kills: item outcomes, the base tree, every agent commit reachable (before and after \`flotilla cleanup --force\`), no process of the run alive, no lanes left. ${minutes} min.`,
      "",
      `**Kills survived: ${survived} / ${kills}** (orchestrator processes started: ${runs}).`,
      "",
      "| seed | kills | orchestrators started | invariants |",
      "| ---- | ----- | --------------------- | ---------- |",
      ...rows,
    ].join("\n"),
  };
}

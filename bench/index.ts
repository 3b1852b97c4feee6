// `npm run bench [-- --quick] [-- --only name,name]`: runs the benches and writes BENCHMARKS.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { format, resolveConfig } from "prettier";
import { benchCheckLarge } from "./check-large.js";
import { benchStartup } from "./startup.js";
import { benchRunOverhead } from "./run-overhead.js";
import { benchRealHistory } from "./real-history.js";
import { benchMergeBatches } from "./merge-batches.js";
import { benchSchedule } from "./schedule.js";
import { benchReality } from "./reality.js";
import { benchChaos, CHAOS_TITLE } from "./chaos.js";
import { pickSections, replaceSections, type Section } from "./sections.js";
import type { BenchContext, BenchResult } from "./types.js";

const benches: Record<string, (ctx: BenchContext) => BenchResult | Promise<BenchResult>> = {
  startup: benchStartup,
  check: benchCheckLarge,
  run: benchRunOverhead,
  history: benchRealHistory,
  merge: benchMergeBatches,
  schedule: benchSchedule,
  reality: benchReality,
};
// Opt-in (minutes long): only with `--only chaos`; a full run keeps its last section as it was.
const optIn: Record<string, (ctx: BenchContext) => BenchResult | Promise<BenchResult>> = {
  chaos: benchChaos,
};
const optInTitles = new Set([CHAOS_TITLE]);

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyIdx = args.indexOf("--only");
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? "").split(",") : Object.keys(benches);
const root = resolve(import.meta.dirname, "../..");
const ctx: BenchContext = { root, bin: join(root, "dist/src/cli/bin.js"), quick };

const sections: Section[] = [];
for (const name of only) {
  const bench = benches[name] ?? optIn[name];
  if (bench === undefined)
    throw new Error(
      `unknown bench ${name}; known: ${[...Object.keys(benches), ...Object.keys(optIn)].join(", ")}`,
    );
  console.error(`bench: ${name}…`);
  const t0 = performance.now();
  const r = await bench(ctx);
  sections.push({ title: r.title, text: `## ${r.title}\n\n${r.markdown}\n` });
  console.error(r.markdown);
  console.error(`bench: ${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], {
  cwd: root,
  encoding: "utf8",
}).stdout.trim();
// bench/results holds what benches write (plots), not code.
const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "bench", ":!bench/results"], {
  cwd: root,
  encoding: "utf8",
}).stdout;
const git = dirty.trim() === "" ? head : `${head} (with uncommitted changes to src/ or bench/)`;
const cpu = cpus()[0]?.model ?? "unknown cpu";
const header = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench${quick ? " -- --quick" : ""}${onlyIdx >= 0 ? ` -- --only ${only.join(",")}` : ""}\` at commit ${git} on ${new Date().toISOString().slice(0, 10)}.`,
  `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
  "Figures are wall-clock times; every ratio compares things measured side by side in the same run.",
  "",
].join("\n");
mkdirSync(join(root, "bench/results"), { recursive: true });
const target = join(root, quick ? "bench/results/BENCHMARKS.quick.md" : "BENCHMARKS.md");
// --only replaces just its own sections of an existing file, each saying when it was measured.
const out =
  onlyIdx >= 0 && existsSync(target)
    ? replaceSections(
        readFileSync(target, "utf8"),
        sections,
        `commit ${git}, ${new Date().toISOString().slice(0, 10)}`,
      )
    : `${header}\n${[...sections, ...keptOptIn()].map((s) => s.text).join("\n")}`;
// The opt-in benches' sections of the file a full run replaces (each says when it was written).
function keptOptIn(): Section[] {
  if (quick || !existsSync(target)) return [];
  return pickSections(readFileSync(target, "utf8"), optInTitles);
}
// Formatted as `npm run check` wants it, so a fresh BENCHMARKS.md can be committed as written.
const config = (await resolveConfig(target)) ?? {};
writeFileSync(target, await format(out, { ...config, filepath: target }));
console.error(`wrote ${quick ? "bench/results/BENCHMARKS.quick.md" : "BENCHMARKS.md"}`);

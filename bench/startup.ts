// CLI start-up: `flotilla --version` must not load the engine, YAML or SQLite. Measured beside a
// bare `node -e 0` in the same run, interleaved, so the ratio survives a noisy machine.
import { fmt, summarize, timeCommand } from "./measure.js";
import type { BenchContext, BenchResult } from "./types.js";

/** Times `flotilla --version` and `flotilla --help` against bare node start-up. */
export function benchStartup(ctx: BenchContext): BenchResult {
  const runs = ctx.quick ? 5 : 21;
  const bare: number[] = [];
  const version: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeCommand([process.execPath, "-e", "0"], { cwd: ctx.root }));
    version.push(timeCommand([process.execPath, ctx.bin, "--version"], { cwd: ctx.root }));
    help.push(timeCommand([process.execPath, ctx.bin, "--help"], { cwd: ctx.root }));
  }
  const b = summarize(bare);
  const v = summarize(version);
  const h = summarize(help);
  return {
    title: "CLI start-up",
    markdown: [
      `${runs} runs each, interleaved. Target: \`flotilla --version\` under 150 ms.`,
      "",
      "| command | min / median / max | median ÷ bare node |",
      "|---|---|---|",
      `| \`node -e 0\` (bare node) | ${fmt(b)} | 1.00 |`,
      `| \`flotilla --version\` | ${fmt(v)} | ${(v.median / b.median).toFixed(2)} |`,
      `| \`flotilla --help\` (loads the argument parser) | ${fmt(h)} | ${(h.median / b.median).toFixed(2)} |`,
    ].join("\n"),
  };
}

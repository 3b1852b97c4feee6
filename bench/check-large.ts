// `flotilla check` on a generated plan of 10,000 items and 30,000 edges (target: under 2 s),
// beside parsing the same YAML alone in the same run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePlanYaml } from "./generate-plan.js";
import { fmt, summarize, timeCommand } from "./measure.js";
import type { BenchContext, BenchResult } from "./types.js";

/** Times `check` on a large plan beside a bare YAML parse of it. */
export function benchCheckLarge(ctx: BenchContext): BenchResult {
  const seed = 42;
  const items = 10_000;
  const edges = 30_000;
  const dir = mkdtempSync(join(tmpdir(), "flotilla-bench-check-"));
  try {
    const file = join(dir, "plan.yaml");
    writeFileSync(file, generatePlanYaml({ items, edges, seed }));
    const runs = ctx.quick ? 1 : 5;
    const check: number[] = [];
    const parse: number[] = [];
    const parseScript = `import("yaml").then(y => y.parseDocument(require("fs").readFileSync(${JSON.stringify(file)}, "utf8")))`;
    for (let i = 0; i < runs; i++) {
      check.push(timeCommand([process.execPath, ctx.bin, "check", file, "--json"], { cwd: ctx.root }));
      parse.push(timeCommand([process.execPath, "-e", parseScript], { cwd: ctx.root }));
    }
    const c = summarize(check);
    const p = summarize(parse);
    return {
      title: "`flotilla check` on a large plan",
      markdown: [
        `Generated plan: ${items} items, ${edges} edges, seed ${seed}; ${runs} runs each, interleaved. Target: under 2 s.`,
        "",
        "| command | min / median / max | median ÷ YAML parse alone |",
        "|---|---|---|",
        `| \`flotilla check plan.yaml --json\` | ${fmt(c)} | ${(c.median / p.median).toFixed(2)} |`,
        `| node + \`yaml.parseDocument\` of the same file | ${fmt(p)} | 1.00 |`,
      ].join("\n"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Generates large valid plans (YAML text) for the `check` bench.
import { seededRandom } from "./random.js";

/** Options of a generated plan. */
export interface GeneratedPlanOptions {
  readonly items: number;
  readonly edges: number;
  readonly seed: number;
}

/** A plan with `items` items and about `edges` dependency edges (each to an earlier item), as YAML. */
export function generatePlanYaml(opts: GeneratedPlanOptions): string {
  const rand = seededRandom(opts.seed);
  const perItem = opts.edges / Math.max(1, opts.items - 1);
  const lines = ["version: 1", "name: generated", "agent: shell", "items:"];
  let edgeCount = 0;
  for (let i = 0; i < opts.items; i++) {
    const deps = new Set<number>();
    const want = i === 0 ? 0 : Math.min(i, Math.round(perItem + (rand() - 0.5) * 2));
    while (deps.size < want && edgeCount + deps.size < opts.edges) {
      // Prefer recent items so the DAG is deep as well as wide.
      const back = Math.min(i, 1 + Math.floor(-Math.log(1 - rand()) * 40));
      deps.add(i - back);
    }
    edgeCount += deps.size;
    lines.push(
      `  - id: item-${i}`,
      `    title: Generated item ${i}`,
      `    run: "true"`,
      `    estimate: ${1 + Math.floor(rand() * 60)}m`,
      `    touches: ["src/mod${Math.floor(rand() * opts.items)}/**"]`,
    );
    if (deps.size > 0) lines.push(`    depends_on: [${[...deps].map((d) => `item-${d}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}

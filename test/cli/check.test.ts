// `flotilla check PLAN`, in process through main(argv, io): the text, --json and --mermaid views of a
// representative plan, diagnostics for an invalid one, a missing file, and both source formats.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { PlanSummary } from "../../src/core/plan-summary-types.js";
import { captureIO } from "../support/capture-io.js";
import { tempDir } from "../support/temp.js";

/** test/fixtures, from the compiled test (dist/test/cli) back to the source tree. */
const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const CLI = join(FIXTURES, "cli");
const PLANS = join(FIXTURES, "plans");

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function flotilla(cwd: string, ...argv: string[]): Promise<CliResult> {
  const io = captureIO(cwd);
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** Runs `check` on a plan written to a fresh folder; returns the result. */
async function checkText(planText: string, ...flags: string[]): Promise<CliResult> {
  const dir = tempDir("check");
  try {
    writeFileSync(join(dir.dir, "plan.yaml"), planText);
    return await flotilla(dir.dir, "check", ...flags, "plan.yaml");
  } finally {
    dir.cleanup();
  }
}

/** The wave rules: every item once, dependencies in earlier waves, no two members of a group in one wave. */
function assertWavesValid(s: PlanSummary): void {
  const waveOf = new Map<string, number>();
  s.waves.forEach((w, n) => {
    for (const id of w) {
      assert.equal(waveOf.has(id), false, `${id} is in two waves`);
      waveOf.set(id, n);
    }
  });
  assert.deepEqual([...waveOf.keys()].sort(), s.items.map((i) => i.id).sort(), "every item is in a wave");
  for (const e of s.edges) {
    assert.ok(
      waveOf.get(e.from)! < waveOf.get(e.to)!,
      `${e.from} (a dependency) is in a wave before ${e.to}`,
    );
  }
  for (const g of s.conflict_groups) {
    const waves = g.items.map((id) => waveOf.get(id));
    assert.equal(new Set(waves).size, waves.length, `members of ${g.items.join(",")} share a wave`);
  }
}

const EXPECTED_TEXT = `check-plan.yaml: valid plan "check-demo" (flotilla format): 6 items, 4 edges

Items
  id      agent  priority  estimate  depends on  title
  schema  shell  2         10m       -           Define the schema
  api     shell  1         20m       schema      Build the API
  web     shell  2         -         schema      Build the web client
  styles  shell  2         1m30s     -           Restyle the pages
  docs    shell  2         -         api, web    Document it & say "why"
  seed    shell  2         2m        -           Seed data

Edges (dependency → dependent)
  schema → api
  schema → web
  api → docs
  web → docs

Critical path (31m; items without an estimate count 1m)
  schema → api → docs

Conflict groups (items whose touches can match a common path)
  1. schema, seed
     schema db/schema.sql  ∩  seed db/**
  2. api, web, styles
     api src/shared/types.ts  ∩  web src/shared/*.ts
     web src/web/**  ∩  styles src/web/styles/**

Waves (a wave-by-wave run)
  1. schema, styles
  2. api, seed
  3. web
  4. docs
`;

describe("flotilla check: a valid plan", () => {
  it("prints items, edges, critical path, conflict groups with reasons, and waves (exact text)", async () => {
    const r = await flotilla(CLI, "check", "check-plan.yaml");
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, EXPECTED_TEXT);
    assert.equal(r.code, 0);
  });

  it("--json prints the same summary as one object", async () => {
    const r = await flotilla(CLI, "check", "--json", "check-plan.yaml");
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    const s = JSON.parse(r.stdout) as PlanSummary;
    assert.equal(s.plan, "check-plan.yaml");
    assert.equal(s.format, "flotilla");
    assert.equal(s.name, "check-demo");
    assert.deepEqual(s.notes, []);

    assert.deepEqual(
      s.items.map((i) => i.id),
      ["schema", "api", "web", "styles", "docs", "seed"],
    );
    const api = s.items[1]!;
    assert.deepEqual(api, {
      id: "api",
      title: "Build the API",
      agent: "shell",
      depends_on: ["schema"],
      touches: ["src/api/**", "src/shared/types.ts"],
      priority: 1,
      estimate_seconds: 1200,
      remaining_path_seconds: 1260,
    });
    assert.deepEqual(
      s.items.map((i) => [i.id, i.estimate_seconds, i.remaining_path_seconds]),
      [
        ["schema", 600, 1860],
        ["api", 1200, 1260],
        ["web", null, 120],
        ["styles", 90, 90],
        ["docs", null, 60],
        ["seed", 120, 120],
      ],
    );
    assert.equal(s.items[4]!.title, 'Document it & say "why"');
    assert.deepEqual(s.items[4]!.depends_on, ["api", "web"]);

    assert.deepEqual(s.edges, [
      { from: "schema", to: "api" },
      { from: "schema", to: "web" },
      { from: "api", to: "docs" },
      { from: "web", to: "docs" },
    ]);
    assert.deepEqual(s.critical_path, {
      items: ["schema", "api", "docs"],
      length_seconds: 600 + 1200 + 60,
      default_estimate_seconds: 60,
    });
    assert.deepEqual(s.conflict_groups, [
      {
        items: ["schema", "seed"],
        overlaps: [{ a: "schema", b: "seed", glob_a: "db/schema.sql", glob_b: "db/**" }],
      },
      {
        // api and styles do not overlap: the group is merged transitively through web.
        items: ["api", "web", "styles"],
        overlaps: [
          { a: "api", b: "web", glob_a: "src/shared/types.ts", glob_b: "src/shared/*.ts" },
          { a: "web", b: "styles", glob_a: "src/web/**", glob_b: "src/web/styles/**" },
        ],
      },
    ]);
    assert.deepEqual(s.waves, [["schema", "styles"], ["api", "seed"], ["web"], ["docs"]]);
    assertWavesValid(s);
  });

  it("--mermaid prints the DAG as a mermaid graph TD (exact text)", async () => {
    const r = await flotilla(CLI, "check", "--mermaid", "check-plan.yaml");
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.equal(
      r.stdout,
      `graph TD
  n_schema["schema<br/>Define the schema"]
  n_api["api<br/>Build the API"]
  n_web["web<br/>Build the web client"]
  n_styles["styles<br/>Restyle the pages"]
  n_docs["docs<br/>Document it #38; say #34;why#34;"]
  n_seed["seed<br/>Seed data"]
  n_schema --> n_api
  n_schema --> n_web
  n_api --> n_docs
  n_web --> n_docs
  classDef critical stroke-width:3px;
  class n_schema,n_api,n_docs critical;
`,
    );
  });

  it("--json and --mermaid together are a usage error", async () => {
    const r = await flotilla(CLI, "check", "--json", "--mermaid", "check-plan.yaml");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /--json.*--mermaid|--mermaid.*--json/);
  });

  it("says none for a plan without conflicts, and no estimate note when every item has one", async () => {
    const r = await checkText(`version: 1
name: tiny
items:
  - id: a
    title: First
    estimate: 2h
  - id: b
    title: Second
    depends_on: [a]
    estimate: 45s
  - id: c
    title: Third
    estimate: 1h
`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nConflict groups \(items whose touches can match a common path\)\n {2}none\n/);
    assert.match(r.stdout, /\nCritical path \(2h45s\)\n {2}a → b\n/);
    assert.match(r.stdout, /\nWaves \(a wave-by-wave run\)\n {2}1\. a, c\n {2}2\. b\n$/);
    const empty = await checkText("version: 1\nname: lone\nitems:\n  - id: only\n    title: Alone\n");
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /: 1 item, 0 edges\n/);
    assert.match(empty.stdout, /\nEdges \(dependency → dependent\)\n {2}none\n/);
    assert.match(empty.stdout, /\nCritical path \(1m; items without an estimate count 1m\)\n {2}only\n/);
  });

  it("weighs an item without an estimate as one unit (1m) on the critical path", async () => {
    // Three unestimated items in a chain (3 units) outweigh one item estimated at 2m.
    const r = await checkText(
      `version: 1
name: units
items:
  - id: big
    title: One big item
    estimate: 2m
  - id: s1
    title: Step 1
  - id: s2
    title: Step 2
    depends_on: [s1]
  - id: s3
    title: Step 3
    depends_on: [s2]
`,
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as PlanSummary;
    assert.deepEqual(s.critical_path, {
      items: ["s1", "s2", "s3"],
      length_seconds: 180,
      default_estimate_seconds: 60,
    });
    assert.deepEqual(
      s.items.map((i) => [i.id, i.remaining_path_seconds]),
      [
        ["big", 120],
        ["s1", 180],
        ["s2", 120],
        ["s3", 60],
      ],
    );
  });

  // BUG (reported): the waves are ordered with 1 *second* for a missing estimate (graph's
  // estimateWeight) while the critical path and remaining_path_seconds use 1 *minute*
  // (plan-summary's itemWeight). Here `core` heads the critical path (2m) but loses wave 1 to `quick`
  // (30s), so the waves take 3 rounds where 2 suffice, contradicting what `check` prints above them.
  it("orders the waves by the same weights as the critical path it prints", async () => {
    const r = await checkText(
      `version: 1
name: weights
items:
  - id: quick
    title: A quick fix
    touches: ["src/**"]
    estimate: 30s
  - id: core
    title: Core change
    touches: ["src/core.ts"]
  - id: follow-up
    title: Follow-up
    depends_on: [core]
`,
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as PlanSummary;
    assert.deepEqual(s.critical_path.items, ["core", "follow-up"]);
    assertWavesValid(s);
    assert.deepEqual(
      s.waves.map((w) => [...w].sort()),
      [["core"], ["follow-up", "quick"]],
    );
  });
});

describe("flotilla check: both source formats", () => {
  const cases = [
    { file: "milestone-3-dispatch.yaml", format: "milestone", name: "milestone-3", items: 6 },
    { file: "milestone-7-dispatch.yaml", format: "milestone", name: "milestone-7", items: 2 },
    { file: "specs/arc-evaluating-v2/dag.yaml", format: "dag", name: "arc-evaluating-v2", items: 4 },
  ];
  for (const c of cases) {
    it(`passes ${c.file} (${c.format} format)`, async () => {
      const text = await flotilla(PLANS, "check", c.file);
      assert.equal(text.code, 0, text.stderr);
      assert.equal(text.stderr, "");
      assert.ok(
        text.stdout.startsWith(`${c.file}: valid plan "${c.name}" (${c.format} format): ${c.items} items, `),
        text.stdout,
      );
      for (const heading of ["Items", "Edges", "Critical path", "Conflict groups", "Waves"]) {
        assert.match(text.stdout, new RegExp(`\\n${heading}[ \\n(]`));
      }
      const json = await flotilla(PLANS, "check", "--json", c.file);
      assert.equal(json.code, 0, json.stderr);
      const s = JSON.parse(json.stdout) as PlanSummary;
      assert.equal(s.format, c.format);
      assert.equal(s.items.length, c.items);
      assertWavesValid(s);
      const mermaid = await flotilla(PLANS, "check", "--mermaid", c.file);
      assert.equal(mermaid.code, 0, mermaid.stderr);
      assert.ok(mermaid.stdout.startsWith("graph TD\n"));
    });
  }

  it("shows what the milestone loader skipped or merged as notes, and its conflict groups", async () => {
    const r = await flotilla(PLANS, "check", "--json", "milestone-3-dispatch.yaml");
    const s = JSON.parse(r.stdout) as PlanSummary;
    assert.ok(
      s.notes.some((n) => n.includes("#45")),
      s.notes.join("\n"),
    );
    assert.ok(!s.items.some((i) => i.id === "issue-45"), "a done issue is not an item");
    const groups = s.conflict_groups.map((g) => g.items);
    assert.ok(
      groups.some((g) => g.includes("issue-38") && g.includes("issue-39")),
      JSON.stringify(groups),
    );
    assert.ok(
      groups.some((g) => g.includes("issue-50") && g.includes("issue-51")),
      JSON.stringify(groups),
    );
  });
});

describe("flotilla check: an invalid plan", () => {
  it("exits 2 with file:line:col diagnostics, the source line and a caret on stderr, nothing on stdout", async () => {
    const r = await flotilla(CLI, "check", "check-invalid.yaml");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    // The typo, exactly as the contract prints it.
    assert.ok(
      r.stderr.includes(
        [
          `check-invalid.yaml:8:5 error: unknown key "estimte" in item; did you mean "estimate"?`,
          "  8 |     estimte: 20m",
          "    |     ^~~~~~~",
        ].join("\n"),
      ),
      r.stderr,
    );
    // The cycle, at the first item on it, naming both items.
    assert.match(
      r.stderr,
      /^check-invalid\.yaml:5:9 error: [^\n]*cycle[^\n]*api[^\n]*web[^\n]*\n {2}5 \| {3}- id: api\n {4}\| {9}\^~~\n/,
    );
    assert.ok(r.stderr.endsWith("\n2 errors in check-invalid.yaml; nothing was started.\n"), r.stderr);
  });

  it("prints no JSON or mermaid for an invalid plan", async () => {
    for (const flag of ["--json", "--mermaid"]) {
      const r = await flotilla(CLI, "check", flag, "check-invalid.yaml");
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^check-invalid\.yaml:\d+:\d+ error: /);
    }
  });

  it("checks the flotilla fixture with six mistakes and reports each one", async () => {
    const r = await flotilla(PLANS, "check", "flotilla-bad.yaml");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    const headlines = r.stderr.split("\n").filter((l) => /^flotilla-bad\.yaml:\d+:\d+ error: /.test(l));
    assert.equal(headlines.length, 6, r.stderr);
    assert.ok(r.stderr.endsWith("\n6 errors in flotilla-bad.yaml; nothing was started.\n"), r.stderr);
  });

  it("exits 2 with a clear message for a missing file or a folder", async () => {
    const missing = await flotilla(CLI, "check", "no-such-plan.yaml");
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, "");
    assert.equal(missing.stderr, "no-such-plan.yaml: error: cannot read the plan: no such file\n");

    const dir = tempDir("check-dir");
    try {
      mkdirSync(join(dir.dir, "plan.yaml"));
      const folder = await flotilla(dir.dir, "check", "plan.yaml");
      assert.equal(folder.code, 2);
      assert.equal(folder.stderr, "plan.yaml: error: cannot read the plan: is a directory\n");
    } finally {
      dir.cleanup();
    }
  });

  it("exits 2 for an empty file and for a missing argument", async () => {
    const empty = await checkText("");
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^plan\.yaml:1:1 error: /);
    const none = await flotilla(CLI, "check");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing required argument 'plan'/);
  });
});

// The source systems' formats load into the same Plan: a work-milestone dispatch plan and a dag.yaml.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { detectFormat, loadPlan, nameFromPath, type Plan } from "../../src/plan/index.js";
import { fixture } from "./fixtures.js";

function load(name: string, file = name): Plan {
  const r = loadPlan({ file, text: fixture(name) });
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error, null, 2));
  return r.value;
}

function edges(p: Plan): string[] {
  return p.items.flatMap((i) => i.dependsOn.map((d) => `${i.id} -> ${d}`));
}

describe("work-milestone dispatch plan", () => {
  test("reads items, edges, conflict groups and gates (kebab-case keys)", () => {
    const p = load("milestone-3-dispatch.yaml", "plan/milestone-3-dispatch.yaml");
    assert.equal(p.format, "milestone");
    assert.equal(p.name, "milestone-3");
    assert.equal(p.integrationBranch, "milestone/3-v1.1-milestone-workflow");
    assert.equal(p.agent, "claude");
    assert.deepEqual(
      p.items.map((i) => [i.id, i.title, i.priority, i.touches]),
      [
        ["issue-42", "Add auth middleware", 0, []],
        ["issue-38", "SAM error recovery", 0, [".flotilla/conflict-group/1"]],
        ["issue-39", "Backlog MCP validation", 1, [".flotilla/conflict-group/1"]],
        ["issue-50", "Rule consolidation", 2, [".flotilla/conflict-group/2"]],
        ["issue-51", "Linting exceptions update", 3, [".flotilla/conflict-group/2", ".flotilla/wave/3"]],
        ["issue-52", "Release notes", 2, [".flotilla/wave/3"]],
      ],
    );
    // issue-45 is done: skipped with a note, and issue-50's dependency on it dropped.
    assert.deepEqual(edges(p), [
      "issue-39 -> issue-38",
      "issue-51 -> issue-50",
      "issue-51 -> issue-42",
      "issue-52 -> issue-42",
    ]);
    assert.deepEqual(p.notes, ['issue #45 "Plugin docs update" is skipped: its status is "done"']);
    assert.deepEqual(p.gates, {
      preMerge: ["uv run prek run --all-files", "uv run ruff check ."],
      postMerge: ["uv run pytest tests/ -x", "uv run ruff check ."],
      land: ["uv run prek run --all-files", "uv run ruff check .", "uv run pytest tests/ -x"],
    });
    assert.equal(
      p.items[3]?.description,
      [
        "Issue #50 of milestone 3 (v1.1 — Milestone Workflow).",
        "Dispatch plan: wave 2, priority P2.",
        "Conflict group 2: Both modify .claude/rules/ (its items run one at a time).",
      ].join("\n"),
    );
    assert.match(p.items[4]?.description ?? "", /Wave 3 is not parallel: its items run one at a time\./);
    assert.deepEqual(p.items[0]?.loc, { file: "plan/milestone-3-dispatch.yaml", line: 19, column: 9 });
  });

  test("reads snake_case keys, string group ids, and defaults the integration branch", () => {
    const p = load("milestone-7-dispatch.yaml");
    assert.equal(p.name, "milestone-7");
    assert.equal(p.integrationBranch, "flotilla/milestone-7");
    assert.deepEqual(
      p.items.map((i) => [i.id, i.priority, i.touches]),
      [
        ["issue-70", 1, [".flotilla/conflict-group/index"]],
        ["issue-71", 2, [".flotilla/conflict-group/index"]],
      ],
    );
    assert.deepEqual(edges(p), ["issue-71 -> issue-70"]);
    assert.deepEqual(p.gates, { preMerge: ["npm test"], postMerge: [], land: ["npm test"] });
  });
});

describe("dispatching-teammates dag.yaml", () => {
  test("one item per epic, completed epics skipped, features in the description", () => {
    const p = load("specs/arc-evaluating-v2/dag.yaml");
    assert.equal(p.format, "dag");
    assert.equal(p.name, "arc-evaluating-v2");
    assert.equal(p.integrationBranch, "flotilla/arc-evaluating-v2");
    assert.equal(p.maxParallel, 5);
    assert.deepEqual(
      p.items.map((i) => [i.id, i.title]),
      [
        ["grader-trials", "Grader Pipeline — Per-Trial Data and Claim Channels"],
        ["agent-lifecycle", "Agent Rename, Scope Tightening, and New Blind Comparator"],
        ["dashboard", "Dashboard Consolidation and UI Redesign"],
        ["skill-body", "SKILL.md Body, References, and TDD-for-Docs Validation"],
      ],
    );
    assert.deepEqual(edges(p), [
      "dashboard -> grader-trials",
      "skill-body -> agent-lifecycle",
      "skill-body -> dashboard",
    ]);
    assert.equal(
      p.items[0]?.description,
      [
        "Spec: specs/arc-evaluating-v2/epics/grader-trials/epic.md",
        "",
        "Features:",
        "- gr-001: Capture per-trial timing and token metrics [fr-gr-001] — completed",
        "- gr-002: Surface token and duration deltas in benchmark reports [fr-gr-002] (after gr-001)",
      ].join("\n"),
    );
    assert.match(
      p.items[3]?.description ?? "",
      /Recorded blockers:\n- sb-001: Waiting for the dashboard screenshots/,
    );
    assert.deepEqual(p.notes, [
      'epic "folder-structure" is skipped: it is completed',
      'epic "grader-trials" was in progress (worktree "grader-trials"); it starts again from the integration branch',
      'epic "skill-body" was marked blocked in the dag; it runs again',
    ]);
  });

  test("the plan name comes from the spec folder, sanitised, else dag", () => {
    assert.equal(nameFromPath("specs/arc-evaluating-v2/dag.yaml"), "arc-evaluating-v2");
    assert.equal(nameFromPath("/home/me/repo/specs/My Spec_2/dag.yaml"), "my-spec-2");
    assert.equal(nameFromPath("dag.yaml"), "dag");
    assert.equal(nameFromPath("./dag.yaml"), "dag");
    assert.equal(nameFromPath("specs/___/dag.yaml"), "dag");
  });
});

describe("detectFormat", () => {
  test("tells the format from the top-level keys", () => {
    assert.equal(detectFormat({ epics: [] }), "dag");
    assert.equal(detectFormat({ milestone: {} }), "milestone");
    assert.equal(detectFormat({ waves: [] }), "milestone");
    assert.equal(detectFormat({ version: 1 }), "flotilla");
  });
});

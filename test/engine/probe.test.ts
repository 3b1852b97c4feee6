// The early conflict probe on a real repository: lanes are branches with commits (the probe needs
// no worktree), the integration branch moves under one of them, and the probe's findings feed the
// scheduler's `predictedConflicts` through the items' touches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { predictedConflictItems, probeLanes, type PredictedConflict } from "../../src/engine/probe.js";
import { gitdir, type Gitdir } from "../support/gitdir.js";

function commitOn(repo: Gitdir, name: string, from: string, files: Record<string, string>): string {
  repo.git("switch", "--quiet", "-C", name, from);
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  const sha = repo.commit(`${name} changes`);
  repo.git("switch", "--quiet", "main");
  return sha;
}

function fixture(): { repo: Gitdir; base: string } {
  const repo = gitdir();
  repo.write("src/api.ts", "export const a = 1;\nexport const b = 2;\nexport const c = 3;\n");
  repo.write("src/ui.ts", "ui 1\nui 2\nui 3\n");
  repo.write("docs/guide.md", "# guide\n\ntext\n");
  const base = repo.commit("base");
  return { repo, base };
}

test("two lanes editing the same lines are flagged before either merges; clean lanes are not", async () => {
  const { repo, base } = fixture();
  try {
    const left = commitOn(repo, "left", base, {
      "src/api.ts": "export const a = 10;\nexport const b = 2;\nexport const c = 3;\n",
    });
    const right = commitOn(repo, "right", base, {
      "src/api.ts": "export const a = 11;\nexport const b = 2;\nexport const c = 3;\n",
    });
    const docs = commitOn(repo, "docs", base, { "docs/guide.md": "# guide\n\nmore text\n" });
    const ui = commitOn(repo, "ui", base, { "src/ui.ts": "ui 1\nui two\nui 3\n" });
    const r = await probeLanes({
      cwd: repo.dir,
      integrationHead: base,
      lanes: [
        { itemId: "left", head: left, start: base },
        { itemId: "docs", head: docs, start: base },
        { itemId: "right", head: right, start: base },
        { itemId: "ui", head: ui, start: base },
      ],
    });
    assert.deepEqual(r.errors, []);
    assert.equal(r.merges, 4 + 6);
    assert.deepEqual(r.predicted, [{ a: "left", b: "right", against: "lane", files: ["src/api.ts"] }]);
    // Nothing moved: no ref, no checkout.
    assert.equal(repo.git("rev-parse", "HEAD"), base);
    assert.equal(repo.git("status", "--porcelain"), "");
  } finally {
    repo.cleanup();
  }
});

test("a lane conflicting with what merged since it started is flagged against the integration head", async () => {
  const { repo, base } = fixture();
  try {
    const old = commitOn(repo, "old", base, { "src/ui.ts": "ui one\nui 2\nui 3\n" });
    // The integration branch moved: another item changed the same line of src/ui.ts.
    const integration = commitOn(repo, "integration", base, { "src/ui.ts": "UI 1\nui 2\nui 3\n" });
    // A lane started from the new integration head and edits something else.
    const fresh = commitOn(repo, "fresh", integration, { "docs/guide.md": "# guide\n\nnew\n" });
    const r = await probeLanes({
      cwd: repo.dir,
      integrationHead: integration,
      lanes: [
        { itemId: "old", head: old, start: base },
        { itemId: "fresh", head: fresh, start: integration },
      ],
    });
    assert.deepEqual(r.errors, []);
    // old vs fresh also conflicts in src/ui.ts (fresh carries the integration's change), but that
    // is old's conflict with the integration head, reported once.
    assert.deepEqual(r.predicted, [
      { a: "old", b: "integration", against: "integration", files: ["src/ui.ts"] },
    ]);
  } finally {
    repo.cleanup();
  }
});

test("lanes without commits, or at the integration head, are skipped", async () => {
  const { repo, base } = fixture();
  try {
    const done = commitOn(repo, "done", base, { "src/ui.ts": "x\n" });
    const r = await probeLanes({
      cwd: repo.dir,
      integrationHead: done,
      lanes: [
        { itemId: "idle", head: base, start: base },
        { itemId: "merged", head: done, start: base },
      ],
    });
    assert.deepEqual(r, { predicted: [], errors: [], merges: 0 });
  } finally {
    repo.cleanup();
  }
});

test("a pair git cannot merge is reported and the other pairs are still tested", async () => {
  const { repo, base } = fixture();
  try {
    const left = commitOn(repo, "left", base, { "src/api.ts": "A\n" });
    const right = commitOn(repo, "right", base, { "src/api.ts": "B\n" });
    repo.git("switch", "--quiet", "--orphan", "lone");
    repo.write("lone.txt", "alone\n");
    const lone = repo.commit("unrelated");
    repo.git("switch", "--quiet", "main");
    const r = await probeLanes({
      cwd: repo.dir,
      integrationHead: base,
      lanes: [
        { itemId: "left", head: left, start: base },
        { itemId: "lone", head: lone, start: base },
        { itemId: "right", head: right, start: base },
      ],
    });
    // lone vs integration, left vs lone and lone vs right cannot merge: unrelated histories.
    assert.equal(r.errors.length, 3);
    assert.match(r.errors[0]!, /^lone vs integration: .*unrelated histories/);
    assert.equal(r.merges, 3);
    assert.deepEqual(r.predicted, [{ a: "left", b: "right", against: "lane", files: ["src/api.ts"] }]);
  } finally {
    repo.cleanup();
  }
});

test("predictedConflictItems holds back items whose touches overlap a flagged lane", () => {
  const items = [
    { id: "left", touches: ["src/api/**"] },
    { id: "right", touches: ["src/api/login.ts"] },
    { id: "old", touches: ["src/ui/**"] },
    { id: "api-docs", touches: ["src/api/README.md", "docs/**"] },
    { id: "ui-tests", touches: ["src/ui/*.test.ts"] },
    { id: "unrelated", touches: ["bench/**"] },
    { id: "untouched", touches: [] },
  ];
  const predicted: PredictedConflict[] = [
    { a: "left", b: "right", against: "lane", files: ["src/api/login.ts"] },
    { a: "old", b: "integration", against: "integration", files: ["src/ui/app.ts"] },
  ];
  assert.deepEqual([...predictedConflictItems(predicted, items)].sort(), ["api-docs", "ui-tests"]);
  assert.deepEqual([...predictedConflictItems([], items)], []);
  // An item named "integration" is a lane only when `against` says so.
  const named = [
    { id: "integration", touches: ["src/**"] },
    { id: "x", touches: ["src/x.ts"] },
  ];
  const onlyIntegration: PredictedConflict[] = [
    { a: "x", b: "integration", against: "integration", files: ["src/x.ts"] },
  ];
  assert.deepEqual([...predictedConflictItems(onlyIntegration, named)], ["integration"]);
});

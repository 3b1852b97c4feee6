// `flotilla run` with a PARTIAL agent: a follow-up is added and the report says so, in text and JSON;
// `--no-followups` adds none.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import type { Report } from "../../src/core/report-types.js";
import { captureIO } from "../support/capture-io.js";
import { gitdir, type Gitdir } from "../support/gitdir.js";

const PLAN = `version: 1
name: partial
agent: shell
items:
  - id: pages
    title: Write the pages
    run: |
      echo "$FLOTILLA_ITEM" > "$FLOTILLA_ITEM.txt" && git add -A && git commit -qm "$FLOTILLA_ITEM"
      if [ "$FLOTILLA_ITEM" = pages ]; then printf 'NOTES: page 2 is left\\nSTATUS: PARTIAL\\n'; fi
`;

let repo: Gitdir;

beforeEach(() => {
  repo = gitdir({ prefix: "run-review-flags" });
  writeFileSync(join(repo.dir, "plan.yaml"), PLAN);
  repo.commit("plan");
});

afterEach(() => {
  repo.cleanup();
});

async function flotilla(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIO(repo.dir, { ...process.env, FLOTILLA_DEPTH: "0" });
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("flotilla run: follow-ups", () => {
  it("adds a follow-up for PARTIAL work and reports it", async () => {
    const r = await flotilla("run", "--json", "plan.yaml");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(
      report.follow_ups.map((f) => [f.item, f.parent, f.remaining, f.status]),
      [["pages-rest-1", "pages", "page 2 is left", "landed"]],
    );
    assert.equal(repo.git("show", "main:pages-rest-1.txt"), "pages-rest-1");
    const text = await flotilla("report");
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /\nFollow-ups \(added for what a PARTIAL attempt left\)\n {2}pages-rest-1 \(after pages\): landed — page 2 is left\n/,
    );
    assert.match(text.stdout, /\nVerdicts\n {2}pages #1: PASS — 0 check\(s\) passed; no reviewer\n/);
  });

  it("--no-followups adds none; the PARTIAL work still lands", async () => {
    const r = await flotilla("run", "--json", "--no-followups", "plan.yaml");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.follow_ups, []);
    assert.deepEqual(
      report.items.map((i) => i.id),
      ["pages"],
    );
    assert.equal(repo.git("show", "main:pages.txt"), "pages");
  });
});

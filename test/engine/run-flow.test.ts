// The run end to end with scripted `shell` agents on real git: dependencies, retries with feedback,
// blocking, land, and the refs that keep every attempt's commits.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

describe("a run with shell agents", () => {
  test("independent items and a dependency all land on main, in lanes outside the checkout", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: flow
agent: shell
items:
  - id: a
    title: Write a
    run: echo a > a.txt && git add a.txt && git commit -qm "add a"
  - id: b
    title: Write b
    run: echo b > b.txt && git add b.txt && git commit -qm "add b"
  - id: c
    title: Use a
    depends_on: [a]
    run: test -f a.txt && cat a.txt > c.txt && git add c.txt && git commit -qm "add c from a"
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      assert.equal(run.result.value.status, "landed");
      assert.equal(run.result.value.exitCode, 0);
      assert.deepEqual(repo.git("ls-tree", "--name-only", "main").split("\n").sort(), [
        "README.md",
        "a.txt",
        "b.txt",
        "c.txt",
      ]);
      assert.equal(repo.git("show", "main:c.txt"), "a");
      // The user's checkout follows main (it was clean, so the land fast-forwarded it).
      assert.equal(readFileSync(join(repo.dir, "c.txt"), "utf8"), "a\n");
      const report = run.report();
      assert.equal(report.run.status, "landed");
      assert.equal(report.run.landed_commit, repo.git("rev-parse", "main"));
      for (const id of ["a", "b", "c"]) {
        const item = itemOf(report, id);
        assert.equal(item.status, "landed");
        assert.equal(item.attempts.length, 1);
        assert.equal(item.attempts[0]!.outcome, "accepted");
        assert.ok(item.merged_commit !== null);
        assert.equal(repo.git("merge-base", "--is-ancestor", item.merged_commit, "main"), "");
        const ref = repo.git("rev-parse", `refs/flotilla/attempts/${report.run.id}/${id}/1`);
        assert.equal(ref, item.commits.at(-1)!.sha);
      }
      // c's prompt relayed what a did.
      const promptC = readFileSync(
        join(repoPaths(repo).attemptDir(report.run.id, "c", 1), "prompt.md"),
        "utf8",
      );
      assert.match(promptC, /### a: Write a\n- Files changed: a\.txt/);
      // Lanes live outside the user's working tree and outside .git (where Claude Code refuses edits).
      const lane = itemOf(report, "a").attempts[0]!.lane;
      assert.ok(lane.startsWith(repoPaths(repo).lanesRoot), lane);
      assert.ok(!lane.startsWith(repo.dir), lane);
      assert.equal(repo.git("status", "--porcelain"), "");
    } finally {
      repo.cleanup();
    }
  });

  test("a failing gate sends the item back with the gate output as feedback; the retry lands", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: retry
agent: shell
retries: 2
gates:
  pre_merge: ["grep -q good value.txt || { echo 'value.txt must say good'; exit 3; }"]
items:
  - id: v
    title: Set the value
    run: |
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then echo bad > value.txt; else echo good > value.txt; fi
      cp "$FLOTILLA_PROMPT_FILE" "../prompt-$FLOTILLA_ATTEMPT.md" 2>/dev/null || true
      git add value.txt && git commit -qm "value attempt $FLOTILLA_ATTEMPT"
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "landed");
      const item = itemOf(run.report(), "v");
      assert.deepEqual(
        item.attempts.map((a) => a.outcome),
        ["rejected", "accepted"],
      );
      assert.match(item.attempts[0]!.reason ?? "", /pre_merge gate .* failed with exit code 3/);
      assert.equal(item.retries_used, 1);
      const prompt2 = readFileSync(
        join(repoPaths(repo).attemptDir(run.report().run.id, "v", 2), "prompt.md"),
        "utf8",
      );
      assert.match(prompt2, /## Previous attempt feedback/);
      assert.match(prompt2, /value\.txt must say good/);
      assert.equal(repo.git("show", "main:value.txt"), "good");
      // The rejected attempt's commit is still reachable.
      const rejected = repo.git("rev-parse", `refs/flotilla/attempts/${run.report().run.id}/v/1`);
      assert.equal(repo.git("show", `${rejected}:value.txt`), "bad");
    } finally {
      repo.cleanup();
    }
  });

  test("an item out of retries fails, its dependents are blocked, the rest still lands (exit 1)", async () => {
    const repo = engineRepo();
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: partial
agent: shell
retries: 1
items:
  - id: ok
    title: Fine
    run: echo ok > ok.txt && git add ok.txt && git commit -qm ok
  - id: broken
    title: Always fails
    run: echo half > half.txt && git add half.txt && git commit -qm half && exit 7
  - id: after
    title: Needs broken
    depends_on: [broken]
    run: echo x > x.txt && git add x.txt && git commit -qm x
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "partial");
      assert.equal(run.result.value.exitCode, 1);
      const report = run.report();
      assert.equal(itemOf(report, "ok").status, "landed");
      const broken = itemOf(report, "broken");
      assert.equal(broken.status, "failed");
      assert.deepEqual(
        broken.attempts.map((a) => [a.outcome, a.exit_code]),
        [
          ["failed", 7],
          ["failed", 7],
        ],
      );
      assert.equal(itemOf(report, "after").status, "blocked");
      assert.equal(itemOf(report, "after").attempts.length, 0);
      // The failed lanes stay for inspection and their commits stay reachable.
      for (const a of broken.attempts) {
        assert.ok(existsSync(a.lane), `lane ${a.lane} kept`);
        assert.equal(
          repo.git("show", `refs/flotilla/attempts/${report.run.id}/broken/${a.n}:half.txt`),
          "half",
        );
      }
      assert.equal(repo.git("show", "main:ok.txt"), "ok");
      assert.throws(() => repo.git("show", "main:half.txt"));
    } finally {
      repo.cleanup();
    }
  });

  test("land_partial: false holds everything back when an item fails", async () => {
    const repo = engineRepo();
    try {
      const before = repo.git("rev-parse", "main");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: hold
agent: shell
retries: 0
land_partial: false
items:
  - id: ok
    title: Fine
    run: echo ok > ok.txt && git add ok.txt && git commit -qm ok
  - id: bad
    title: Fails
    run: exit 1
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "failed");
      assert.equal(run.result.value.exitCode, 1);
      assert.equal(repo.git("rev-parse", "main"), before);
      assert.equal(itemOf(run.report(), "ok").status, "merged");
      assert.equal(repo.git("show", "flotilla/hold:ok.txt"), "ok");
    } finally {
      repo.cleanup();
    }
  });

  test("land: ff fast-forwards main to the integration branch; land: none leaves main alone", async () => {
    for (const land of ["ff", "none"] as const) {
      const repo = engineRepo();
      try {
        const before = repo.git("rev-parse", "main");
        const run = await runInRepo({
          repo,
          plan: `
version: 1
name: mode-${land}
land: ${land}
agent: shell
items:
  - id: one
    title: One
    run: echo 1 > one.txt && git add one.txt && git commit -qm one
`,
        });
        assert.ok(run.result.ok);
        assert.equal(run.result.value.exitCode, 0);
        const integration = repo.git("rev-parse", `flotilla/mode-${land}`);
        if (land === "ff") assert.equal(repo.git("rev-parse", "main"), integration);
        else assert.equal(repo.git("rev-parse", "main"), before);
      } finally {
        repo.cleanup();
      }
    }
  });
});

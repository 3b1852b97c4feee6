// The merge queue through the real engine: conflict classes (trivial resolved, medium and heavy
// sent to fix-forward with feedback; medium ones with a resolver are in resolver.test.ts), batches
// with bisection, flaky gates, and the invariant that the integration branch never points at a
// commit whose post-merge gates did not pass.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

// Waits in a lane until the named item's commit is on the integration branch: fixes the merge order.
const after = (branch: string, subject: string) =>
  // Bounded (60 s), so an agent of a failed test does not loop forever.
  `n=0; until git log --format=%s ${branch} | grep -qx "${subject}" || [ $n -ge 1200 ]; do sleep 0.05; n=$((n + 1)); done`;

describe("conflict classes", () => {
  test("a medium conflict sends the item to fix-forward, told what conflicted and shown its own diff; it then lands", async () => {
    const repo = engineRepo();
    try {
      repo.write("config.txt", "name=demo\nvalue=0\nend=yes\n");
      repo.commit("config");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: medium
agent: shell
conflicts: allow
retries: 0
items:
  - id: one
    title: Set 1
    run: sed -i 's/value=0/value=1/' config.txt && git commit -qam one
  - id: two
    title: Set 2
    run: |
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then ${after("flotilla/medium", "one")}; fi
      sed -i 's/value=[0-9]/value=2/' config.txt && git commit -qam "two $FLOTILLA_ATTEMPT"
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed");
      const two = itemOf(report, "two");
      assert.deepEqual(
        two.attempts.map((a) => a.outcome),
        ["conflict", "accepted"],
      );
      assert.equal(
        two.attempts[0]!.reason!,
        'medium merge conflict with the integration branch in: config.txt; no resolver ran: the item\'s agent "shell" is the shell agent (set merge.resolver to an agent profile)',
      );
      assert.equal(two.retries_used, 0, "a conflict is not a retry");
      assert.equal(two.fix_forwards_used, 1);
      assert.deepEqual(two.conflict, {
        class: "medium",
        files: ["config.txt"],
        resolution: "fix-forward",
        resolvers: [],
      });
      const prompt = readFileSync(
        join(repoPaths(repo).attemptDir(report.run.id, "two", 2), "prompt.md"),
        "utf8",
      );
      assert.match(prompt, /## Previous attempt feedback/);
      assert.match(prompt, /config\.txt conflicted with the integration branch \(medium\)/);
      assert.match(prompt, /Your changes in attempt 1:/);
      assert.match(prompt, /-value=0\n\+value=2/);
      assert.equal(repo.git("show", "main:config.txt"), "name=demo\nvalue=2\nend=yes");
    } finally {
      repo.cleanup();
    }
  });

  test("with fix_forward: 0 a conflicting item fails, naming the file; its commits stay reachable", async () => {
    const repo = engineRepo();
    try {
      repo.write("config.txt", "value=0\n");
      repo.commit("config");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: noff
agent: shell
conflicts: allow
merge:
  fix_forward: 0
items:
  - id: one
    title: Set 1
    run: echo value=1 > config.txt && git commit -qam one
  - id: two
    title: Set 2
    run: |
      ${after("flotilla/noff", "one")}
      echo value=2 > config.txt && git commit -qam two
`,
      });
      assert.ok(run.result.ok);
      const report = run.report();
      assert.equal(report.run.status, "partial");
      const two = itemOf(report, "two");
      assert.equal(two.status, "failed");
      assert.match(
        two.last_reason!,
        /merge conflict with the integration branch in: config\.txt \(after 0 fix-forward attempt\(s\)\)/,
      );
      assert.equal(repo.git("show", `refs/flotilla/attempts/${report.run.id}/two/1:config.txt`), "value=2");
    } finally {
      repo.cleanup();
    }
  });

  test("both sides appending to a list and a changelog is trivial: resolved ours-then-theirs and merged", async () => {
    const repo = engineRepo();
    try {
      repo.write("list.txt", "alpha\nbeta\n");
      repo.write("CHANGELOG.md", "# Changes\n\n- first release\n");
      repo.commit("list and changelog");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: trivial
agent: shell
conflicts: allow
items:
  - id: gamma
    title: Add gamma
    run: echo gamma >> list.txt && sed -i 's/^# Changes$/# Changes\\n\\n- gamma/' CHANGELOG.md && git commit -qam gamma
  - id: delta
    title: Add delta
    run: |
      ${after("flotilla/trivial", "gamma")}
      echo delta >> list.txt && sed -i 's/^# Changes$/# Changes\\n\\n- delta/' CHANGELOG.md && git commit -qam delta
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed");
      const delta = itemOf(report, "delta");
      assert.equal(delta.attempts.length, 1, "no new attempt for a trivial conflict");
      assert.deepEqual(delta.conflict, {
        class: "trivial",
        files: ["CHANGELOG.md", "list.txt"],
        resolution: "trivial",
        resolvers: [],
      });
      assert.equal(repo.git("show", "main:list.txt"), "alpha\nbeta\ngamma\ndelta");
      // The blank line both sides inserted after the heading is shared: it is kept once.
      assert.equal(repo.git("show", "main:CHANGELOG.md"), "# Changes\n\n- gamma\n- delta\n\n- first release");
      assert.match(
        repo.git("log", "-1", "--format=%B", delta.merged_commit!),
        /Conflicts resolved as trivial/,
      );
    } finally {
      repo.cleanup();
    }
  });

  test("overlapping edits in 3 files are heavy: fix-forward with the heavy class and every file named", async () => {
    const repo = engineRepo();
    try {
      for (const f of ["a.txt", "b.txt", "c.txt"]) repo.write(f, "head\nline=0\ntail\n");
      repo.commit("three files");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: heavy
agent: shell
conflicts: allow
items:
  - id: first
    title: First
    run: sed -i 's/line=0/line=1/' a.txt b.txt c.txt && git commit -qam first
  - id: second
    title: Second
    run: |
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then ${after("flotilla/heavy", "first")}; fi
      sed -i 's/line=[0-9]/line=2/' a.txt b.txt c.txt && git commit -qam second
`,
      });
      assert.ok(run.result.ok);
      const second = itemOf(run.report(), "second");
      assert.equal(second.status, "landed");
      assert.deepEqual(
        second.attempts.map((a) => a.outcome),
        ["conflict", "accepted"],
        JSON.stringify(second.attempts.map((a) => a.reason)),
      );
      assert.deepEqual(second.conflict, {
        class: "heavy",
        files: ["a.txt", "b.txt", "c.txt"],
        resolution: "fix-forward",
        resolvers: [],
      });
      assert.match(second.attempts[0]!.reason!, /^heavy merge conflict/);
    } finally {
      repo.cleanup();
    }
  });
});

describe("fix-forward", () => {
  test("redos of items that conflicted on the same file run one at a time, so each lands with one fix-forward", async () => {
    const repo = engineRepo();
    try {
      repo.write("version.txt", "version=0\n");
      repo.commit("version");
      const items = [1, 2, 3, 4]
        .map(
          (k) => `
  - id: bump-${k}
    title: Bump to ${k}
    run: |
      sleep 0.3
      sed -i 's/^version=.*/version=${k}/' version.txt && echo ${k} > item-${k}.txt && git add -A && git commit -qm "bump ${k}"`,
        )
        .join("");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: redo
agent: shell
conflicts: allow
max_parallel: 4
retries: 0
merge:
  fix_forward: 1
items:${items}
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(
        report.run.status,
        "landed",
        JSON.stringify(report.items.map((i) => [i.id, i.status, i.last_reason])),
      );
      for (const k of [1, 2, 3, 4]) assert.equal(repo.git("show", `main:item-${k}.txt`), String(k));
      const redone = report.items.filter((i) => i.fix_forwards_used === 1);
      assert.equal(redone.length, 3, "every item but the first merged needed exactly one redo");
    } finally {
      repo.cleanup();
    }
  });
});

describe("batches", () => {
  test("a batch with one bad branch: exactly that one goes back, the rest land, and no ungated commit is ever on the integration branch", async () => {
    const repo = engineRepo();
    try {
      const items = ["a", "b", "c", "d", "e"]
        .map(
          (id) => `
  - id: ${id}
    title: Item ${id}
    run: |
      echo ${id} > ${id}.txt${id === "d" ? ' && { [ "$FLOTILLA_ATTEMPT" = 1 ] && touch BAD || true; }' : ""}
      git add -A && git commit -qm ${id}`,
        )
        .join("");
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: batch
agent: shell
max_parallel: 5
retries: 1
merge:
  batch: 4
  retry_flaky: false
gates:
  post_merge: ["sleep 0.3; test ! -e BAD || { echo 'BAD must not exist'; exit 1; }"]
items:${items}
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed");
      const d = itemOf(report, "d");
      assert.deepEqual(
        d.attempts.map((a) => a.outcome),
        ["rejected", "accepted"],
      );
      assert.match(d.attempts[0]!.reason!, /post_merge gate .* failed/);
      for (const id of ["a", "b", "c", "e"]) {
        const it = itemOf(report, id);
        assert.equal(
          it.attempts.length,
          1,
          `${id} merged on its first attempt: ${JSON.stringify(it.attempts.map((a) => [a.outcome, a.reason]))}`,
        );
      }
      // Every commit the integration branch ever pointed at passed the gate: none has BAD in it.
      const reflog = repo.git("reflog", "show", "--format=%H", "flotilla/batch").split("\n");
      assert.ok(reflog.length >= 2);
      for (const sha of reflog)
        assert.throws(() => repo.git("cat-file", "-e", `${sha}:BAD`), `ungated ${sha}`);
      assert.throws(() => repo.git("cat-file", "-e", "main:BAD"));
      assert.equal(repo.git("show", "main:d.txt"), "d");
    } finally {
      repo.cleanup();
    }
  });

  test("a gate that fails once is rerun (retry_flaky) and nothing is sent back", async () => {
    const repo = engineRepo();
    const marker = join(tmpdir(), `flotilla-flaky-${process.pid}-${Date.now()}`);
    try {
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: flaky
agent: shell
gates:
  post_merge: ["test -e '${marker}' || { touch '${marker}'; echo flaky; exit 1; }"]
items:
  - id: only
    title: Only
    run: echo x > x.txt && git add x.txt && git commit -qm x
`,
      });
      assert.ok(run.result.ok);
      assert.equal(run.result.value.status, "landed");
      assert.deepEqual(
        itemOf(run.report(), "only").attempts.map((a) => a.outcome),
        ["accepted"],
      );
      assert.ok(run.events.some((e) => e.type === "warning" && /flaky/.test(e.message)));
      assert.equal(run.report().totals.gate_runs, 2);
    } finally {
      rmSync(marker, { force: true });
      repo.cleanup();
    }
  });
});

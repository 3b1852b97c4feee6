// The resolver of medium conflicts through the real engine, with scripted resolvers (command agent
// profiles we write here): a resolution lands as a proper merge, the resolver's prompt holds both
// sides' diffs and the item's description, and every way a resolver can fail sends the item to
// fix-forward with the reason in the next attempt's feedback.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupCommand } from "../../src/cli/commands/cleanup.js";
import { renderReportText } from "../../src/cli/render/report-text.js";
import { captureIO } from "../support/capture-io.js";
import { tempDir } from "../support/temp.js";
import { engineRepo, itemOf, repoPaths, runInRepo } from "./harness.js";

// Waits in a lane until the named item's commit is on the integration branch: fixes the merge order.
const after = (branch: string, subject: string) =>
  // Bounded (60 s), so an agent of a failed test does not loop forever.
  `n=0; until git log --format=%s ${branch} | grep -qx "${subject}" || [ $n -ge 1200 ]; do sleep 0.05; n=$((n + 1)); done`;

// A command agent profile running `body` with sh; it first saves the prompt it was given (argv) and
// its role, so the test can read what it received.
function scripted(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.sh`);
  writeFileSync(
    file,
    [
      `OUT=${JSON.stringify(dir)}`,
      `printf '%s' "$1" > "$OUT/${name}-prompt-$FLOTILLA_ITEM-$FLOTILLA_ATTEMPT-$FLOTILLA_ROLE.md"`,
      `echo "$FLOTILLA_ROLE $FLOTILLA_ITEM $FLOTILLA_ATTEMPT" >> "$OUT/${name}-calls"`,
      body,
    ].join("\n"),
  );
  return `    command: ["sh", ${JSON.stringify(file)}, "{prompt}"]`;
}

// Two shell items that set `value=` in config.txt differently; `two` edits after `one` merged, so
// its merge conflicts in that one line (a medium conflict).
const valueItems = (name: string) => `
items:
  - id: one
    title: Set the value to 1
    run: sed -i 's/value=0/value=1/' config.txt && git commit -qam one
  - id: two
    title: Set the value to 2
    description: Set value to 2 in config.txt; keep the other keys as they are.
    run: |
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then ${after(`flotilla/${name}`, "one")}; fi
      sed -i 's/value=[0-9]/value=2/' config.txt && git commit -qam "two $FLOTILLA_ATTEMPT"
`;

const CONFIG = "name=demo\nvalue=0\nend=yes\n";

// A repository with `files` committed, and a folder for the scripted agents and what they record.
function workspace(files: Record<string, string> = { "config.txt": CONFIG }) {
  const repo = engineRepo();
  const tools = tempDir("resolver-tools");
  for (const [file, text] of Object.entries(files)) repo.write(file, text);
  repo.commit("files");
  return {
    repo,
    tools,
    cleanup: () => {
      tools.cleanup();
      repo.cleanup();
    },
  };
}

describe("resolver", () => {
  test("a 1-file overlapping edit is resolved by merge.resolver's profile and lands as a merge of the integration head and the item", async () => {
    const { repo, tools, cleanup } = workspace();
    try {
      const fixer = scripted(
        tools.dir,
        "fixer",
        [
          `grep -c '^<<<<<<< ' config.txt > "$OUT/markers-before"`,
          `printf 'name=demo\\nvalue=3\\nend=yes\\n' > config.txt`,
          `git commit -qam "resolve: value=3"`,
          `echo "STATUS: COMPLETE"`,
        ].join("\n"),
      );
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: resolve-one
agent: shell
conflicts: allow
retries: 0
merge:
  resolver: fixer
agents:
  fixer:
${fixer}
${valueItems("resolve-one")}`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed", JSON.stringify(report.items.map((i) => i.last_reason)));
      assert.equal(repo.git("show", "main:config.txt"), "name=demo\nvalue=3\nend=yes");

      const two = itemOf(report, "two");
      assert.deepEqual(
        two.attempts.map((a) => a.outcome),
        ["accepted"],
        "the resolver needs no new attempt",
      );
      assert.equal(two.retries_used, 0);
      assert.equal(two.fix_forwards_used, 0);
      assert.equal(two.conflict.class, "medium");
      assert.deepEqual(two.conflict.files, ["config.txt"]);
      assert.equal(two.conflict.resolution, "resolver");
      assert.equal(itemOf(report, "one").conflict.resolution, "clean");
      assert.equal(two.conflict.resolvers.length, 1);
      const session = two.conflict.resolvers[0]!;
      assert.equal(session.agent, "fixer");
      assert.equal(session.attempt, 1);
      assert.equal(session.outcome, "merged");
      assert.deepEqual(session.files, ["config.txt"]);
      assert.equal(session.merged_commit, two.merged_commit);
      assert.equal(session.branch, `flotilla-resolve/${report.run.id}/two/1`);

      // A proper merge: parents [the integration head it conflicted with, the item's own head].
      const parents = repo.git("rev-list", "--parents", "-n", "1", two.merged_commit!).split(" ");
      assert.equal(parents.length, 3);
      assert.equal(parents[1], itemOf(report, "one").merged_commit);
      assert.equal(parents[2], two.attempts[0]!.head_commit);
      // The resolver's own commit stays reachable by a ref.
      assert.equal(
        repo.git("rev-parse", `refs/flotilla/resolutions/${report.run.id}/two/1`),
        session.head_commit,
      );
      assert.equal(repo.git("log", "-1", "--format=%s", session.head_commit!), "resolve: value=3");

      // The resolver ran in a lane holding the conflict markers, as a resolver, and was told enough.
      assert.equal(readFileSync(join(tools.dir, "markers-before"), "utf8").trim(), "1");
      assert.equal(readFileSync(join(tools.dir, "fixer-calls"), "utf8"), "resolver two 1\n");
      const prompt = readFileSync(join(tools.dir, "fixer-prompt-two-1-resolver.md"), "utf8");
      assert.match(prompt, /^# Resolve the merge conflicts of: Set the value to 2\n/);
      assert.match(prompt, /\nItem: two\n/);
      assert.match(prompt, /Set value to 2 in config\.txt; keep the other keys as they are\./);
      assert.match(prompt, /- `config\.txt`/);
      assert.match(
        prompt,
        /config\.txt conflicted with the integration branch \(medium\): both sides changed line 2/,
      );
      assert.match(
        prompt,
        /## The integration branch's changes to these files \(ours\)\n\n```diff\n[^`]*-value=0\n\+value=1\n/,
      );
      assert.match(
        prompt,
        /## This item's changes to these files \(theirs\)\n\n```diff\n[^`]*-value=0\n\+value=2\n/,
      );
      assert.match(prompt, /Leave no conflict markers/);
      assert.match(prompt, /Commit the result on this branch/);
      assert.equal(
        session.prompt_file,
        join(repoPaths(repo).resolverDir(report.run.id, "two", 1), "prompt.md"),
      );
      assert.equal(prompt, readFileSync(session.prompt_file, "utf8"));
      assert.equal(readFileSync(session.stdout_file!, "utf8"), "STATUS: COMPLETE\n");
      // Events for the live view: resolving, then the resolver's ending.
      const types = run.events
        .filter((e) => "itemId" in e && e.itemId === "two")
        .map((e) => e.type)
        .filter((t) => t.startsWith("resolver") || t === "merged" || t === "merge-conflict");
      assert.deepEqual(types, ["merge-conflict", "resolver-started", "resolver-ended", "merged"]);
      // The report for people says it too.
      const text = renderReportText(report);
      assert.match(text, /\n {6}conflict: medium in config\.txt; resolved by a resolver\n/);
      assert.match(text, /\n {10}resolver of #1 \(fixer\) merged after \d+s\n/);
      // cleanup removes the resolver's lane with its item's; its branch and ref stay.
      assert.ok(existsSync(session.lane));
      const io = captureIO(repo.dir);
      assert.equal(await cleanupCommand({ io, runId: report.run.id, force: false }), 0);
      assert.match(io.stdout(), /removed +two #1 resolver +two is landed/);
      assert.equal(existsSync(session.lane), false);
      assert.equal(
        repo.git("rev-parse", `refs/heads/flotilla-resolve/${report.run.id}/two/1`),
        session.head_commit,
      );
    } finally {
      cleanup();
    }
  });

  test("a 2-file overlapping edit is resolved by the item's own command profile, as a resolver", async () => {
    const { repo, tools, cleanup } = workspace({
      "a.txt": "head\nline=0\ntail\n",
      "b.txt": "head\nline=0\ntail\n",
    });
    try {
      const worker = scripted(
        tools.dir,
        "worker",
        [
          `if [ "$FLOTILLA_ROLE" = resolver ]; then`,
          `  grep -l '^>>>>>>> ' a.txt b.txt | tr '\\n' ' ' > "$OUT/marked"`,
          `  for f in a.txt b.txt; do printf 'head\\nline=3\\ntail\\n' > $f; done`,
          `  git commit -qam "resolve both"`,
          `  exit 0`,
          `fi`,
          `if [ "$FLOTILLA_ITEM" = second ]; then ${after("flotilla/resolve-two", "first")}; fi`,
          `n=1; [ "$FLOTILLA_ITEM" = second ] && n=2`,
          `sed -i "s/line=0/line=$n/" a.txt b.txt && git commit -qam "$FLOTILLA_ITEM"`,
        ].join("\n"),
      );
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: resolve-two
agent: worker
conflicts: allow
agents:
  worker:
${worker}
items:
  - id: first
    title: First
  - id: second
    title: Second
    description: Set line to 2 in a.txt and b.txt.
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed", JSON.stringify(report.items.map((i) => i.last_reason)));
      for (const f of ["a.txt", "b.txt"]) assert.equal(repo.git("show", `main:${f}`), "head\nline=3\ntail");
      const second = itemOf(report, "second");
      assert.deepEqual(
        second.attempts.map((a) => a.outcome),
        ["accepted"],
      );
      assert.equal(second.conflict.class, "medium");
      assert.deepEqual(second.conflict.files, ["a.txt", "b.txt"]);
      assert.equal(second.conflict.resolution, "resolver");
      assert.deepEqual(
        second.conflict.resolvers.map((r) => [r.agent, r.outcome]),
        [["worker", "merged"]],
      );
      assert.equal(readFileSync(join(tools.dir, "marked"), "utf8"), "a.txt b.txt ");
      const prompt = readFileSync(join(tools.dir, "worker-prompt-second-1-resolver.md"), "utf8");
      assert.match(prompt, /Set line to 2 in a\.txt and b\.txt\./);
      assert.match(prompt, /markers in 2 files/);
      for (const f of ["a.txt", "b.txt"]) {
        assert.match(prompt, new RegExp(`diff --git a/${f.replace(".", "\\.")} b/${f.replace(".", "\\.")}`));
      }
      assert.match(
        prompt,
        /\(ours\)\n\n```diff\n[^`]*a\.txt[^`]*-line=0\n\+line=1\n[^`]*b\.txt[^`]*-line=0\n\+line=1\n/,
      );
      assert.match(
        prompt,
        /\(theirs\)\n\n```diff\n[^`]*a\.txt[^`]*-line=0\n\+line=2\n[^`]*b\.txt[^`]*-line=0\n\+line=2\n/,
      );
    } finally {
      cleanup();
    }
  });

  test("merge.resolver names another profile: that one resolves, not the item's", async () => {
    const { repo, tools, cleanup } = workspace();
    try {
      const worker = scripted(
        tools.dir,
        "worker",
        [
          `[ "$FLOTILLA_ROLE" = resolver ] && exit 3`,
          `if [ "$FLOTILLA_ITEM" = two ]; then ${after("flotilla/other", "one")}; fi`,
          `n=1; [ "$FLOTILLA_ITEM" = two ] && n=2`,
          `sed -i "s/value=0/value=$n/" config.txt && git commit -qam "$FLOTILLA_ITEM"`,
        ].join("\n"),
      );
      const fixer = scripted(
        tools.dir,
        "fixer",
        `printf 'name=demo\\nvalue=12\\nend=yes\\n' > config.txt && git commit -qam fixed`,
      );
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: other
agent: worker
conflicts: allow
merge:
  resolver: fixer
agents:
  worker:
${worker}
  fixer:
${fixer}
items:
  - id: one
    title: One
  - id: two
    title: Two
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed");
      assert.equal(repo.git("show", "main:config.txt"), "name=demo\nvalue=12\nend=yes");
      assert.deepEqual(
        itemOf(report, "two").conflict.resolvers.map((r) => [r.agent, r.outcome]),
        [["fixer", "merged"]],
      );
      assert.equal(readFileSync(join(tools.dir, "fixer-calls"), "utf8"), "resolver two 1\n");
      assert.doesNotMatch(readFileSync(join(tools.dir, "worker-calls"), "utf8"), /resolver/);
    } finally {
      cleanup();
    }
  });
});

describe("resolver failures go to fix-forward", () => {
  // Runs the value items with the given resolver script; `two` is redone from the new integration head.
  const failing = async (name: string, body: string, extra = "") => {
    const { repo, tools, cleanup } = workspace();
    const run = await runInRepo({
      repo,
      plan: `
version: 1
name: ${name}
agent: shell
conflicts: allow
retries: 0
${extra}merge:
  resolver: fixer
agents:
  fixer:
${scripted(tools.dir, "fixer", body)}
${valueItems(name)}`,
    });
    return { repo, tools, run, cleanup };
  };

  // The checks every failure shares: one fix-forward (no retry), the reason recorded on attempt 1 and
  // given to attempt 2 as feedback, attempt 2 lands from the integration head.
  const assertFixForward = (r: Awaited<ReturnType<typeof failing>>, reason: RegExp): void => {
    assert.ok(r.run.result.ok, JSON.stringify(r.run.result));
    const report = r.run.report();
    assert.equal(report.run.status, "landed", JSON.stringify(report.items.map((i) => i.last_reason)));
    const two = itemOf(report, "two");
    assert.deepEqual(
      two.attempts.map((a) => a.outcome),
      ["conflict", "accepted"],
      JSON.stringify(r.run.events.filter((e) => e.type !== "gate-ended" && e.type !== "agent-exited")),
    );
    assert.equal(two.retries_used, 0, "a resolver's failure is not a retry");
    assert.equal(two.fix_forwards_used, 1);
    assert.match(two.attempts[0]!.reason!, reason);
    assert.match(two.attempts[1]!.feedback!, reason);
    const prompt = readFileSync(
      join(repoPaths(r.repo).attemptDir(report.run.id, "two", 2), "prompt.md"),
      "utf8",
    );
    assert.match(prompt, /## Previous attempt feedback/);
    assert.match(prompt, reason);
    assert.equal(two.conflict.class, "medium");
    assert.equal(two.conflict.resolution, "fix-forward");
    assert.equal(r.repo.git("show", "main:config.txt"), "name=demo\nvalue=2\nend=yes");
  };

  test("a resolver that leaves conflict markers: fix-forward, the markers named in the feedback; its commit stays reachable", async () => {
    const m = await failing(
      "markers2",
      `echo "# resolved?" >> config.txt && git commit -qam "markers kept" && echo "STATUS: COMPLETE"`,
    );
    try {
      assertFixForward(
        m,
        /medium merge conflict with the integration branch in: config\.txt; the resolver \(fixer\) failed: conflict markers are left in config\.txt \(line 2: <<<<<<< [0-9a-f]+, line 4: =======, line 6: >>>>>>> [0-9a-f]+\)/,
      );
      const two = itemOf(m.run.report(), "two");
      const session = two.conflict.resolvers[0]!;
      assert.equal(session.outcome, "failed");
      assert.match(session.reason!, /^conflict markers are left in config\.txt/);
      assert.match(
        m.repo.git("show", `refs/flotilla/resolutions/${m.run.report().run.id}/two/1:config.txt`),
        /^<<<<<<< /m,
      );
    } finally {
      m.cleanup();
    }
  });

  test("a resolver that does not commit: fix-forward, and its uncommitted work is kept on its branch", async () => {
    const r = await failing("nocommit", `printf 'name=demo\\nvalue=3\\nend=yes\\n' > config.txt`);
    try {
      assertFixForward(
        r,
        /the resolver \(fixer\) failed: the resolver made no commit; it left its changes uncommitted/,
      );
      const runId = r.run.report().run.id;
      assert.equal(
        r.repo.git("show", `flotilla-resolve/${runId}/two/1:config.txt`),
        "name=demo\nvalue=3\nend=yes",
      );
    } finally {
      r.cleanup();
    }
  });

  test("a resolver that exits non-zero: fix-forward with its exit in the feedback", async () => {
    const r = await failing("crash", `echo "cannot do it" >&2; exit 7`);
    try {
      assertFixForward(r, /the resolver \(fixer\) failed: the resolver exited with code 7/);
    } finally {
      r.cleanup();
    }
  });

  test("a resolved merge that fails the post-merge gates: fix-forward, not a retry", async () => {
    const r = await failing(
      "gated",
      `printf 'name=demo\\nvalue=3\\nend=yes\\n' > config.txt && git commit -qam three`,
      `gates:\n  post_merge: ["! grep -qx value=3 config.txt || { echo 'value 3 is wrong'; exit 1; }"]\n`,
    );
    try {
      assertFixForward(
        r,
        /the resolved merge of the conflict in config\.txt failed: post_merge gate .* failed/,
      );
      const two = itemOf(r.run.report(), "two");
      assert.equal(two.conflict.resolvers[0]!.outcome, "rejected");
      // The integration branch never pointed at the rejected resolution.
      for (const sha of r.repo.git("reflog", "show", "--format=%H", "flotilla/gated").split("\n"))
        assert.notEqual(r.repo.git("show", `${sha}:config.txt`), "name=demo\nvalue=3\nend=yes");
    } finally {
      r.cleanup();
    }
  });
});

describe("resolved merges on a moved integration branch", () => {
  test("work merged while the resolver ran: the resolution is merged again onto the new head, nothing lost", async () => {
    const { repo, tools, cleanup } = workspace();
    try {
      const fixer = scripted(
        tools.dir,
        "fixer",
        [
          `touch "$OUT/resolving"`,
          after("flotilla/moved", "three"),
          `printf 'name=demo\\nvalue=3\\nend=yes\\n' > config.txt && git commit -qam resolved`,
        ].join("\n"),
      );
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: moved
agent: shell
conflicts: allow
max_parallel: 3
timeout: 2m
merge:
  resolver: fixer
agents:
  fixer:
${fixer}
${valueItems("moved")}  - id: three
    title: Three
    run: |
      n=0; until [ -e ${JSON.stringify(join(tools.dir, "resolving"))} ] || [ $n -ge 1200 ]; do sleep 0.05; n=$((n + 1)); done
      echo three > three.txt && git add three.txt && git commit -qm three
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed", JSON.stringify(report.items.map((i) => i.last_reason)));
      assert.equal(repo.git("show", "main:config.txt"), "name=demo\nvalue=3\nend=yes");
      assert.equal(repo.git("show", "main:three.txt"), "three");
      const two = itemOf(report, "two");
      assert.equal(two.attempts.length, 1);
      assert.equal(two.conflict.resolution, "resolver");
      const parents = repo.git("rev-list", "--parents", "-n", "1", two.merged_commit!).split(" ");
      assert.deepEqual(parents.slice(1), [
        itemOf(report, "three").merged_commit,
        two.attempts[0]!.head_commit,
      ]);
      assert.match(
        repo.git("log", "-1", "--format=%B", two.merged_commit!),
        /resolved by a resolver \([0-9a-f]{40}\), merged again onto the moved integration branch/,
      );
    } finally {
      cleanup();
    }
  });

  test("a resolution that conflicts again on the moved head is resolved again, not sent to fix-forward", async () => {
    const spaced = "name=demo\nvalue=0\na=1\nb=1\nc=1\nsep=1\nend=yes\n";
    const { repo, tools, cleanup } = workspace({ "config.txt": spaced });
    try {
      // First session: wait until `three` (sep=3) merged, then resolve with sep=fixer — which
      // conflicts with three's line on the moved head. Second session: keep three's sep.
      const fixer = scripted(
        tools.dir,
        "fixer",
        [
          `if [ ! -e "$OUT/round1" ]; then`,
          `  touch "$OUT/round1" "$OUT/resolving"`,
          `  ${after("flotilla/again", "three")}`,
          `  printf 'name=demo\\nvalue=3\\na=1\\nb=1\\nc=1\\nsep=fixer\\nend=yes\\n' > config.txt`,
          `else`,
          `  grep -q '^<<<<<<< ' config.txt || exit 7`,
          `  printf 'name=demo\\nvalue=3\\na=1\\nb=1\\nc=1\\nsep=3\\nend=yes\\n' > config.txt`,
          `fi`,
          `git commit -qam resolved && echo "STATUS: COMPLETE"`,
        ].join("\n"),
      );
      const run = await runInRepo({
        repo,
        plan: `
version: 1
name: again
agent: shell
conflicts: allow
max_parallel: 3
timeout: 2m
merge:
  resolver: fixer
agents:
  fixer:
${fixer}
${valueItems("again")}  - id: three
    title: Three
    run: |
      n=0; until [ -e ${JSON.stringify(join(tools.dir, "resolving"))} ] || [ $n -ge 1200 ]; do sleep 0.05; n=$((n + 1)); done
      sed -i 's/sep=1/sep=3/' config.txt && git commit -qam three
`,
      });
      assert.ok(run.result.ok, JSON.stringify(run.result));
      const report = run.report();
      assert.equal(report.run.status, "landed", JSON.stringify(report.items.map((i) => i.last_reason)));
      const two = itemOf(report, "two");
      assert.equal(
        repo.git("show", "main:config.txt"),
        "name=demo\nvalue=3\na=1\nb=1\nc=1\nsep=3\nend=yes",
        JSON.stringify({ conflict: two.conflict, attempts: two.attempts.map((a) => [a.outcome, a.reason]) }),
      );
      assert.equal(two.attempts.length, 1, "no fix-forward");
      assert.equal(two.conflict.resolution, "resolver");
      assert.deepEqual(
        two.conflict.resolvers.map((r) => r.outcome),
        ["rejected", "merged"],
      );
      assert.match(two.conflict.resolvers[0]!.reason ?? "", /integration branch moved/);
      // The second session has a lane and branch of its own; the first one's work stays reachable.
      assert.deepEqual(
        two.conflict.resolvers.map((r) => r.branch),
        ["flotilla-resolve/again-1/two/1", "flotilla-resolve/again-1/two/1-2"],
      );
      assert.notEqual(two.conflict.resolvers[0]!.lane, two.conflict.resolvers[1]!.lane);
      repo.git("rev-parse", "--verify", "refs/flotilla/resolutions/again-1/two/1");
      assert.equal(readFileSync(join(tools.dir, "fixer-calls"), "utf8"), "resolver two 1\nresolver two 1\n");
      const parents = repo.git("rev-list", "--parents", "-n", "1", two.merged_commit!).split(" ");
      assert.deepEqual(parents.slice(1), [
        itemOf(report, "three").merged_commit,
        two.attempts[0]!.head_commit,
      ]);
    } finally {
      cleanup();
    }
  });
});

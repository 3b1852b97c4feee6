// The early warning: two running lanes that edit the same lines are flagged in `status --json`
// before either finishes, and a ready item touching those files is held back meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { statusCommand } from "../../../src/cli/commands/status.js";
import { engineRepo, itemOf, runInRepo } from "../../engine/harness.js";
import { captureIO } from "../../support/capture-io.js";

interface StatusJson {
  items: { id: string; status: string }[];
  predicted_conflicts: { a: string; b: string; against: string; files: string[] }[];
}

test("status --json shows a predicted conflict between two running lanes, and an overlapping ready item waits", async () => {
  const repo = engineRepo();
  const release = join(tmpdir(), `flotilla-predict-${process.pid}-${Date.now()}`);
  let running: ReturnType<typeof runInRepo> | undefined;
  try {
    repo.write("config.txt", "a=0\nb=0\n");
    repo.commit("config");
    const lane = (value: string) => `
    run: |
      sed -i 's/a=[0-9]/a=${value}/' config.txt && git commit -qam "set a=${value} (attempt $FLOTILLA_ATTEMPT)"
      until [ -f '${release}' ]; do sleep 0.05; done`;
    running = runInRepo({
      repo,
      plan: `
version: 1
name: predict
agent: shell
conflicts: allow
max_parallel: 3
merge:
  probe_interval: 1s
items:
  - id: left
    title: Left${lane("1")}
  - id: right
    title: Right${lane("2")}
  - id: starter
    title: Makes later ready once the prediction exists
    run: sleep 2.5 && echo s > s.txt && git add s.txt && git commit -qm starter
  - id: later
    title: Touches the same file
    depends_on: [starter]
    touches: ["config.txt"]
    run: sed -i 's/b=0/b=9/' config.txt && git commit -qam later
`,
    });
    let seen: StatusJson | undefined;
    for (let i = 0; i < 300 && seen === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const io = captureIO(repo.dir);
      if ((await statusCommand({ io, runId: undefined, json: true })) !== 0) continue;
      const view = JSON.parse(io.stdout()) as StatusJson;
      const starter = view.items.find((i) => i.id === "starter")?.status;
      if (view.predicted_conflicts.length > 0 && starter === "merged") seen = view;
    }
    // `later` is ready now but must wait while the flagged lanes run; look again a moment later.
    await new Promise((r) => setTimeout(r, 1000));
    const again = captureIO(repo.dir);
    assert.equal(await statusCommand({ io: again, runId: undefined, json: true }), 0);
    const laterStatus = (JSON.parse(again.stdout()) as StatusJson).items.find(
      (i) => i.id === "later",
    )?.status;
    writeFileSync(release, "");
    assert.ok(seen !== undefined, "status showed a predicted conflict");
    assert.deepEqual(seen.predicted_conflicts, [
      { a: "left", b: "right", against: "lane", files: ["config.txt"] },
    ]);
    assert.deepEqual(
      seen.items.filter((i) => i.status === "running").map((i) => i.id),
      ["left", "right"],
    );
    assert.ok(laterStatus === "pending" || laterStatus === "ready", `later waits (it is ${laterStatus})`);
    const done = await running;
    assert.ok(done.result.ok);
    assert.equal(done.result.value.status, "landed");
    assert.ok(done.events.some((e) => e.type === "conflicts-predicted" && e.pairs.length > 0));
    // One of the two went through fix-forward; the file ends with the later item's change on top.
    const report = done.report();
    assert.equal(itemOf(report, "later").status, "landed");
    assert.match(repo.git("show", "main:config.txt"), /^a=[12]\nb=9$/);
  } finally {
    // Whatever failed, the waiting agents are released and the run ends before the repo goes.
    writeFileSync(release, "");
    await running?.catch(() => undefined);
    rmSync(release, { force: true });
    repo.cleanup();
  }
});

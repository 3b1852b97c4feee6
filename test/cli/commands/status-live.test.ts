// `flotilla status` from another terminal while a run writes the state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { statusCommand } from "../../../src/cli/commands/status.js";
import { engineRepo, runInRepo } from "../../engine/harness.js";
import { captureIO } from "../../support/capture-io.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync, writeFileSync } from "node:fs";

interface StatusJson {
  run: { id: string; status: string };
  items: { id: string; status: string }[];
}

test("status --json shows the running item and its attempt while the run goes on", async () => {
  const repo = engineRepo();
  const release = join(tmpdir(), `flotilla-release-${process.pid}-${Date.now()}`);
  try {
    const running = runInRepo({
      repo,
      plan: `
version: 1
name: live
agent: shell
items:
  - id: slow
    title: Takes a while
    run: |
      until [ -f '${release}' ]; do sleep 0.05; done
      echo done > slow.txt && git add slow.txt && git commit -qm slow
`,
    });
    let seen = undefined as StatusJson | undefined;
    for (let i = 0; i < 200 && seen === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const io = captureIO(repo.dir);
      if ((await statusCommand({ io, runId: undefined, json: true })) !== 0) continue;
      const view = JSON.parse(io.stdout()) as StatusJson;
      if (view.items.some((it) => it.id === "slow" && it.status === "running")) seen = view;
    }
    assert.ok(seen !== undefined, "status saw the item running");
    assert.equal(seen.run.id, "live-1");
    assert.equal(seen.run.status, "running");
    writeFileSync(release, "");
    const done = await running;
    assert.ok(done.result.ok);
    assert.equal(done.result.value.status, "landed");
  } finally {
    rmSync(release, { force: true });
    repo.cleanup();
  }
});

// A merge step that throws (a bug, or git failing under load) must reach the run loop before the
// queue says it is idle: otherwise the loop, woken by onIdle, sees nothing pending and ends the run
// as "failed" with the entry silently dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineContext } from "../../src/engine/context.js";
import { createMergeQueue } from "../../src/engine/merge-queue.js";
import { planFrom } from "./harness.js";

test("a merge that throws reports its error before the queue goes idle", async () => {
  // Not a repository: reading the integration branch fails, so the batch throws.
  const dir = mkdtempSync(join(tmpdir(), "flotilla-queue-error-"));
  try {
    const plan = planFrom(
      "version: 1\nname: q\nagent: shell\nitems:\n  - id: a\n    title: A\n    run: 'true'\n",
    );
    const ctx = {
      plan,
      repoDir: dir,
      integrationBranch: "flotilla/q",
      emit: () => undefined,
    } as unknown as EngineContext;
    const calls: string[] = [];
    const done = new Promise<void>((resolve) => {
      const queue = createMergeQueue({
        ctx,
        onDone: () => calls.push("done"),
        onError: (e) => calls.push(`error: ${e instanceof Error ? e.message : String(e)}`),
        onIdle: () => {
          calls.push(`idle (queue idle: ${String(queue.idle())})`);
          resolve();
        },
      });
      queue.enqueue({ itemId: "a", title: "A", attempt: 1, head: "0".repeat(40) });
    });
    await done;
    assert.equal(calls.length, 2, JSON.stringify(calls));
    assert.match(calls[0]!, /^error: git rev-parse .* failed \(exit 128\)/);
    assert.equal(calls[1], "idle (queue idle: true)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

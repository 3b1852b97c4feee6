// Transactions and several connections: a failed transaction leaves nothing behind, a reader in
// another connection or process works while a run writes, and a second writer waits, then fails clearly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { StateStoreError } from "../../../src/core/state-types.js";
import { newRun, open, scratch } from "./helpers.js";

test("a transaction that throws leaves nothing written, not even a used run number", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file);
  t.after(() => {
    store.close();
  });
  const boom = new Error("boom");
  assert.throws(
    () =>
      store.transaction(() => {
        const run = store.createRun(newRun());
        store.upsertItems(run.id, [{ id: "a", status: "pending" }]);
        store.appendEvent({ runId: run.id, type: "run-started" });
        store.recordGateRun({
          runId: run.id,
          stage: "land",
          command: "true",
          timedOut: false,
          durationMs: 1,
          outputTail: "",
          startedAt: "2025-01-01T00:00:00.000Z",
        });
        throw boom;
      }),
    (e: unknown) => e === boom,
  );
  assert.deepEqual(store.listRuns(), []);
  assert.deepEqual(store.listItems("demo-1"), []);
  assert.deepEqual(store.listEvents("demo-1"), []);
  assert.deepEqual(store.listGateRuns("demo-1"), []);
  assert.equal(store.createRun(newRun()).id, "demo-1");
});

test("a store call that fails inside a transaction rolls back the whole transaction", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file);
  t.after(() => {
    store.close();
  });
  const run = store.createRun(newRun());
  assert.throws(
    () => {
      store.transaction(() => {
        store.updateRun(run.id, { status: "landed" });
        store.updateItem(run.id, "missing", { status: "ready" });
      });
    },
    (e: unknown) => e instanceof StateStoreError && e.reason === "not-found",
  );
  assert.equal(store.getRun(run.id)?.status, "running");
});

test("transactions nest: an inner failure caught inside keeps the outer work", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const store = open(s.file);
  t.after(() => {
    store.close();
  });
  const result = store.transaction(() => {
    const run = store.createRun(newRun());
    try {
      store.transaction(() => {
        store.appendEvent({ runId: run.id, type: "inner" });
        throw new Error("inner");
      });
    } catch {
      // expected
    }
    store.appendEvent({ runId: run.id, type: "outer" });
    return run.id;
  });
  assert.equal(result, "demo-1");
  assert.deepEqual(
    store.listEvents("demo-1").map((e) => e.type),
    ["outer"],
  );
});

test("two connections: a reader sees committed state and is not blocked by an open write", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const writer = open(s.file);
  const reader = open(s.file, { mustExist: true });
  t.after(() => {
    writer.close();
    reader.close();
  });
  const run = writer.createRun(newRun());
  assert.deepEqual(reader.getRun(run.id), run);

  writer.transaction(() => {
    writer.appendEvent({ runId: run.id, type: "uncommitted" });
    writer.updateRun(run.id, { status: "landed" });
    // The reader is not blocked, and sees the last committed state only.
    assert.equal(reader.getRun(run.id)?.status, "running");
    assert.deepEqual(reader.listEvents(run.id), []);
  });
  assert.equal(reader.getRun(run.id)?.status, "landed");
  assert.deepEqual(
    reader.listEvents(run.id).map((e) => e.type),
    ["uncommitted"],
  );
});

test("a second writer waits for the lock, then fails with a clear io error naming the file", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const writer = open(s.file);
  const other = open(s.file, { busyTimeoutMs: 150 });
  t.after(() => {
    writer.close();
    other.close();
  });
  const run = writer.createRun(newRun());
  writer.transaction(() => {
    writer.appendEvent({ runId: run.id, type: "holding the lock" });
    const started = Date.now();
    assert.throws(
      () => other.appendEvent({ runId: run.id, type: "blocked" }),
      (e: unknown) => e instanceof StateStoreError && e.reason === "io" && e.message.includes(s.file),
    );
    assert.ok(Date.now() - started >= 100, "it waited for the busy timeout");
  });
  // Once the lock is free the other connection writes normally.
  other.appendEvent({ runId: run.id, type: "after" });
  assert.deepEqual(
    writer.listEvents(run.id).map((e) => e.type),
    ["holding the lock", "after"],
  );
});

test("another process writes events while this one follows them with afterId", async (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const reader = open(s.file);
  t.after(() => {
    reader.close();
  });
  const run = reader.createRun(newRun());
  const storeModule = fileURLToPath(new URL("../../../src/adapters/state/sqlite-store.js", import.meta.url));
  const total = 200;
  const script = `
    const { openStateStore } = await import(${JSON.stringify(storeModule)});
    const r = openStateStore({ file: ${JSON.stringify(s.file)} });
    if (!r.ok) { process.stderr.write(r.error.message); process.exit(1); }
    for (let i = 0; i < ${total}; i++) {
      r.value.transaction(() => {
        r.value.appendEvent({ runId: ${JSON.stringify(run.id)}, type: "tick", data: { i } });
        r.value.updateRun(${JSON.stringify(run.id)}, { host: "tick-" + i });
      });
      if (i % 20 === 0) await new Promise((res) => setTimeout(res, 2));
    }
    r.value.close();
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: s.dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const childState = { done: false };
  void exited.then(() => {
    childState.done = true;
  });

  const seen: number[] = [];
  let afterId = 0;
  let polls = 0;
  for (;;) {
    const finished = childState.done;
    const batch = reader.listEvents(run.id, { afterId });
    for (const e of batch) {
      seen.push(e.data["i"] as number);
      afterId = e.id;
    }
    // Each read is a consistent snapshot: the run's host never runs behind the events seen so far.
    const host = reader.getRun(run.id)?.host ?? "";
    if (seen.length > 0) assert.ok(Number(host.slice(5)) >= seen[seen.length - 1]!, host);
    polls++;
    if (finished) break;
    await new Promise((res) => setTimeout(res, 1));
  }
  assert.equal(await exited, 0, stderr);
  assert.deepEqual(
    seen,
    Array.from({ length: total }, (_, i) => i),
  );
  assert.ok(polls > 1);
});

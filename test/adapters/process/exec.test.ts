// exec: whole output however large, exit codes as values, stdin, timeouts, missing programs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { exec } from "../../../src/adapters/process/exec.js";
import { tempDir } from "../../support/temp.js";

test("returns stdout and stderr whole, with no 1 MB limit", async () => {
  const t = tempDir("exec");
  try {
    const r = await exec({
      argv: ["sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' 'y'; echo oops >&2"],
      cwd: t.dir,
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.length, 5_000_000);
    assert.equal(r.stdout, "y".repeat(5_000_000));
    assert.equal(r.stderr, "oops\n");
  } finally {
    t.cleanup();
  }
});

test("a non-zero exit is a value; input reaches stdin", async () => {
  const t = tempDir("exec");
  try {
    const r = await exec({ argv: ["sh", "-c", "tr a-z A-Z; exit 4"], cwd: t.dir, input: "hello\0world" });
    assert.equal(r.exitCode, 4);
    assert.equal(r.stdout, "HELLO\0WORLD");
  } finally {
    t.cleanup();
  }
});

test("a missing program is exit 127 with a spawnError; a signal is 128+n", async () => {
  const t = tempDir("exec");
  try {
    const missing = await exec({ argv: ["flotilla-no-such-program"], cwd: t.dir });
    assert.equal(missing.exitCode, 127);
    assert.equal(missing.spawnError?.reason, "not-found");
    const timed = await exec({ argv: ["sleep", "1000"], cwd: t.dir, timeoutMs: 100 });
    assert.equal(timed.timedOut, true);
    assert.equal(timed.signal, "SIGTERM");
    assert.equal(timed.exitCode, 143);
  } finally {
    t.cleanup();
  }
});

test("the working folder is the one given", async () => {
  const t = tempDir("exec");
  try {
    const r = await exec({ argv: ["pwd"], cwd: t.dir });
    assert.equal(r.stdout.trim(), t.dir);
  } finally {
    t.cleanup();
  }
});

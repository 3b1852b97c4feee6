// runProcess with real processes: exit codes, spawn failures, log files, the cap, timeouts and
// cancels that kill the whole group, argv passed byte for byte.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, stat, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess, within } from "../../../src/adapters/process/run-process.js";
import { isProcessAlive } from "../../../src/adapters/process/group.js";
import { tempDir } from "../../support/temp.js";

const node = process.execPath;

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readPid(file: string): number {
  return Number(readFileSync(file, "utf8").trim());
}

test("exit codes come back as values", async () => {
  const t = tempDir("proc");
  try {
    const zero = await runProcess({ argv: ["sh", "-c", "exit 0"], cwd: t.dir });
    assert.equal(zero.exitCode, 0);
    assert.equal(zero.signal, null);
    assert.equal(typeof zero.pid, "number");
    assert.equal(zero.timedOut, false);
    assert.equal(zero.cancelled, false);
    assert.equal(zero.strays, false);
    assert.equal(zero.spawnError, undefined);
    const three = await runProcess({ argv: ["sh", "-c", "exit 3"], cwd: t.dir });
    assert.equal(three.exitCode, 3);
    const killed = await runProcess({ argv: ["sh", "-c", "kill -KILL $$"], cwd: t.dir });
    assert.equal(killed.exitCode, null);
    assert.equal(killed.signal, "SIGKILL");
  } finally {
    t.cleanup();
  }
});

test("a missing command is spawnError not-found, not a throw", async () => {
  const t = tempDir("proc");
  try {
    const o = await runProcess({ argv: ["flotilla-no-such-command-xyz", "--help"], cwd: t.dir });
    assert.equal(o.spawnError?.reason, "not-found");
    assert.match(o.spawnError.message, /flotilla-no-such-command-xyz.*not found/);
    assert.equal(o.pid, undefined);
    assert.equal(o.exitCode, null);
  } finally {
    t.cleanup();
  }
});

test("a file without the execute bit is spawnError permission; a missing cwd is other", async () => {
  const t = tempDir("proc");
  try {
    const script = join(t.dir, "script.sh");
    writeFileSync(script, "#!/bin/sh\necho hi\n");
    chmodSync(script, 0o644);
    const denied = await runProcess({ argv: [script], cwd: t.dir });
    assert.equal(denied.spawnError?.reason, "permission");
    const noCwd = await runProcess({ argv: ["sh", "-c", "true"], cwd: join(t.dir, "missing") });
    assert.equal(noCwd.spawnError?.reason, "other");
    assert.match(noCwd.spawnError.message, /working directory .*missing does not exist/);
  } finally {
    t.cleanup();
  }
});

test("a log file that cannot be opened is a spawn error and nothing starts", async () => {
  const t = tempDir("proc");
  try {
    const marker = join(t.dir, "ran");
    const o = await runProcess({
      argv: ["sh", "-c", `touch '${marker}'`],
      cwd: t.dir,
      stdoutFile: join(t.dir, "no", "such", "dir", "out.log"),
    });
    assert.equal(o.spawnError?.reason, "other");
    assert.match(o.spawnError.message, /could not open the log file/);
    assert.equal(existsSync(marker), false);
  } finally {
    t.cleanup();
  }
});

test("stdout and stderr go to their files (truncated first) and their tails", async () => {
  const t = tempDir("proc");
  try {
    const out = join(t.dir, "out.log");
    const err = join(t.dir, "err.log");
    writeFileSync(out, "old content that must disappear\n".repeat(10));
    const o = await runProcess({
      argv: ["sh", "-c", "echo to-out; echo to-err >&2; printf 'more'"],
      cwd: t.dir,
      stdoutFile: out,
      stderrFile: err,
    });
    assert.equal(o.exitCode, 0);
    assert.equal(readFileSync(out, "utf8"), "to-out\nmore");
    assert.equal(readFileSync(err, "utf8"), "to-err\n");
    assert.equal(o.stdoutTail, "to-out\nmore");
    assert.equal(o.stderrTail, "to-err\n");
    assert.equal(o.stdoutBytes, 11);
    assert.equal(o.stderrBytes, 7);
    assert.deepEqual(o.truncated, { stdout: false, stderr: false });
  } finally {
    t.cleanup();
  }
});

test("stdin text reaches the child and is closed", async () => {
  const t = tempDir("proc");
  try {
    const o = await runProcess({
      argv: ["sh", "-c", "cat; echo done"],
      cwd: t.dir,
      stdin: "line one\nline two\n",
    });
    assert.equal(o.stdoutTail, "line one\nline two\ndone\n");
    const none = await runProcess({ argv: ["sh", "-c", "cat; echo eof"], cwd: t.dir });
    assert.equal(none.stdoutTail, "eof\n");
  } finally {
    t.cleanup();
  }
});

test("past the cap the file stops with one note line and the child is drained", async () => {
  const t = tempDir("proc");
  try {
    const out = join(t.dir, "out.log");
    const cap = 1024 * 1024;
    const total = 20 * 1024 * 1024;
    const tailBytes = 4096;
    // 20 MiB of 63 x's per line, then a recognisable end.
    const script = `head -c ${total} /dev/zero | tr '\\0' 'x' | fold -w 63; echo THE-END`;
    const o = await runProcess({
      argv: ["sh", "-c", script],
      cwd: t.dir,
      stdoutFile: out,
      capBytes: cap,
      tailBytes,
    });
    assert.equal(o.exitCode, 0);
    assert.equal(o.truncated.stdout, true);
    assert.equal(o.truncated.stderr, false);
    const note = `[flotilla: output cut at ${cap} bytes]\n`;
    const size = statSync(out).size;
    assert.ok(size <= cap + note.length + 1, `file is ${size} bytes`);
    const text = readFileSync(out, "utf8");
    assert.ok(text.endsWith(`\n${note}`), "the file ends with the note on its own line");
    assert.equal(text.split("[flotilla: output cut").length, 2, "exactly one note");
    assert.ok(o.stdoutBytes > total, `counted ${o.stdoutBytes} bytes`);
    assert.equal(Buffer.byteLength(o.stdoutTail), tailBytes);
    assert.ok(o.stdoutTail.startsWith("x"));
    assert.ok(o.stdoutTail.endsWith("xTHE-END\n"));
  } finally {
    t.cleanup();
  }
});

test("memory stays flat whatever the child prints", async () => {
  const t = tempDir("proc");
  try {
    // 200 MiB through a 1 MiB cap. RSS also holds read chunks not yet collected and heap the
    // allocator keeps (measured here: 18-40 MiB whatever the size); keeping the output would
    // take more than 200 MiB.
    const total = 200 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    const o = await runProcess({
      argv: ["sh", "-c", `head -c ${total} /dev/zero`],
      cwd: t.dir,
      stdoutFile: join(t.dir, "out.log"),
      capBytes: 1024 * 1024,
    });
    const growth = process.memoryUsage().rss - before;
    assert.equal(o.stdoutBytes, total);
    assert.ok(growth < 80 * 1024 * 1024, `rss grew by ${Math.round(growth / 1048576)} MiB`);
  } finally {
    t.cleanup();
  }
});

test("a tail cut inside a UTF-8 character drops the broken part", async () => {
  const t = tempDir("proc");
  try {
    // "é" is 2 bytes, "🚀" 4: a 5-byte tail of "aé🚀" starts inside "é".
    const o = await runProcess({ argv: ["printf", "aé🚀"], cwd: t.dir, tailBytes: 5 });
    assert.equal(o.stdoutTail, "🚀");
  } finally {
    t.cleanup();
  }
});

test("a timeout kills the whole group, grandchild included", async () => {
  const t = tempDir("proc");
  try {
    const pidfile = join(t.dir, "grandchild.pid");
    const o = await runProcess({
      argv: ["sh", "-c", `sleep 1000 & echo $! > '${pidfile}'; sleep 1000`],
      cwd: t.dir,
      timeoutMs: 300,
      killGraceMs: 2000,
    });
    assert.equal(o.timedOut, true);
    assert.equal(o.cancelled, false);
    assert.equal(o.exitCode, null);
    assert.equal(o.signal, "SIGTERM");
    const grandchild = readPid(pidfile);
    assert.equal(isProcessAlive(grandchild), false, `grandchild ${grandchild} is still alive`);
    assert.ok(o.durationMs >= 250 && o.durationMs < 2000, `took ${o.durationMs} ms`);
  } finally {
    t.cleanup();
  }
});

test("a child that ignores SIGTERM gets SIGKILL after the grace", async () => {
  const t = tempDir("proc");
  try {
    const ready = join(t.dir, "ready");
    const pidfile = join(t.dir, "grandchild.pid");
    const ac = new AbortController();
    const running = runProcess({
      argv: ["sh", "-c", `trap '' TERM; sleep 1000 & echo $! > '${pidfile}'; touch '${ready}'; wait`],
      cwd: t.dir,
      killGraceMs: 400,
      signal: ac.signal,
    });
    await waitFor("the child to be ready", () => existsSync(ready));
    const sent = Date.now();
    ac.abort();
    const o = await running;
    const took = Date.now() - sent;
    assert.equal(o.cancelled, true);
    assert.equal(o.signal, "SIGKILL");
    assert.ok(took >= 350, `SIGKILL came after ${took} ms, before the grace`);
    assert.equal(isProcessAlive(readPid(pidfile)), false);
  } finally {
    t.cleanup();
  }
});

test("grandchildren that ignore SIGTERM are killed once the direct child has exited", async () => {
  const t = tempDir("proc");
  try {
    const ready = join(t.dir, "ready");
    const pidfile = join(t.dir, "grandchild.pid");
    const ac = new AbortController();
    const running = runProcess({
      // The grandchild ignores TERM; the shell itself dies of it.
      argv: ["sh", "-c", `(trap '' TERM; exec sleep 1000) & echo $! > '${pidfile}'; touch '${ready}'; wait`],
      cwd: t.dir,
      killGraceMs: 10_000,
      signal: ac.signal,
    });
    await waitFor("the child to be ready", () => existsSync(ready));
    const sent = Date.now();
    ac.abort();
    const o = await running;
    assert.equal(o.signal, "SIGTERM");
    assert.ok(Date.now() - sent < 5000, "did not wait for the grace");
    assert.equal(isProcessAlive(readPid(pidfile)), false);
  } finally {
    t.cleanup();
  }
});

test("cancel through an AbortSignal; an aborted signal starts nothing", async () => {
  const t = tempDir("proc");
  try {
    const ac = new AbortController();
    const running = runProcess({ argv: ["sleep", "1000"], cwd: t.dir, signal: ac.signal });
    setTimeout(() => {
      ac.abort();
    }, 100);
    const o = await running;
    assert.equal(o.cancelled, true);
    assert.equal(o.timedOut, false);
    assert.equal(o.signal, "SIGTERM");

    const marker = join(t.dir, "ran");
    const before = await runProcess({ argv: ["touch", marker], cwd: t.dir, signal: AbortSignal.abort() });
    assert.equal(before.cancelled, true);
    assert.equal(before.pid, undefined);
    assert.equal(existsSync(marker), false);
  } finally {
    t.cleanup();
  }
});

test("background processes left behind after a normal exit are stopped and reported", async () => {
  const t = tempDir("proc");
  try {
    const pidfile = join(t.dir, "bg.pid");
    const started = Date.now();
    // The background sleep holds the stdout pipe: without group handling this would hang.
    const o = await runProcess({
      argv: ["sh", "-c", `sleep 1000 & echo $! > '${pidfile}'; echo bye`],
      cwd: t.dir,
    });
    assert.equal(o.exitCode, 0);
    assert.equal(o.strays, true);
    assert.equal(o.stdoutTail, "bye\n");
    assert.ok(Date.now() - started < 3000);
    assert.equal(isProcessAlive(readPid(pidfile)), false);
  } finally {
    t.cleanup();
  }
});

test("env is the child's whole environment", async () => {
  const t = tempDir("proc");
  try {
    const o = await runProcess({
      argv: ["sh", "-c", 'printf "%s|%s" "$FLOTILLA_TEST_VAR" "${HOME-unset}"'],
      cwd: t.dir,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", FLOTILLA_TEST_VAR: "value with spaces" },
    });
    assert.equal(o.stdoutTail, "value with spaces|unset");
  } finally {
    t.cleanup();
  }
});

test("argv with shell metacharacters, quotes, newlines and unicode arrives byte for byte", async () => {
  const t = tempDir("proc");
  try {
    const file = join(t.dir, "argv.bin");
    const args = [
      "$(touch pwned)",
      "`touch pwned2`",
      `"double" 'single' \\back\\slash`,
      "line one\nline two\r\n",
      "ünïcødé 🚀 中文",
      "; | & > < * ? ~ # !",
      "  leading and trailing spaces  ",
      "",
      "-x",
      "--",
      "$HOME ${PATH}",
    ];
    const code = "require('fs').writeFileSync(process.argv[1], process.argv.slice(2).join('\\0'))";
    const o = await runProcess({ argv: [node, "-e", code, file, ...args], cwd: t.dir });
    assert.equal(o.exitCode, 0, o.stderrTail);
    assert.deepEqual(readFileSync(file), Buffer.from(args.join("\0")));
    assert.equal(existsSync(join(t.dir, "pwned")), false);
    assert.equal(existsSync(join(t.dir, "pwned2")), false);
  } finally {
    t.cleanup();
  }
});

test("onSpawn gets the child's pid", async () => {
  const t = tempDir("proc");
  try {
    let seen: number | undefined;
    const o = await runProcess({ argv: ["sh", "-c", "echo $$"], cwd: t.dir, onSpawn: (pid) => (seen = pid) });
    assert.equal(seen, o.pid);
    assert.equal(o.stdoutTail.trim(), String(o.pid));
  } finally {
    t.cleanup();
  }
});

test("the child runs in its own process group", async () => {
  const t = tempDir("proc");
  try {
    const o = await runProcess({ argv: ["sh", "-c", "ps -o pgid= -p $$"], cwd: t.dir });
    assert.equal(o.stdoutTail.trim(), String(o.pid));
  } finally {
    t.cleanup();
  }
});

test("within: I/O that finished while the process was stalled past the wait is still let in", async () => {
  // The stall makes the wait's timer fire in the same loop turn as the finished I/O, and timers run
  // first: a bare race would give up although the I/O is done (how output of a short command
  // was lost on a loaded machine).
  let settled = false;
  const io = new Promise<void>((resolve) => {
    stat(".", () => {
      resolve();
    });
  }).then(() => {
    settled = true;
  });
  const waiting = within(io, 20);
  const until = Date.now() + 200;
  while (Date.now() < until) {
    // a busy or starved process
  }
  await waiting;
  assert.equal(settled, true);
});

test("within: a promise that never settles is given up on after the wait", async () => {
  const t0 = Date.now();
  await within(new Promise(() => undefined), 50);
  assert.ok(Date.now() - t0 >= 45);
});

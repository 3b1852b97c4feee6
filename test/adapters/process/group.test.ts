// Process identity and groups on real processes: start times from /proc, liveness that does not
// count zombies, and a group kill that never reaches pid 0 or -1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  groupMembers,
  isGroupAlive,
  isProcessAlive,
  killGroup,
  processStartTime,
} from "../../../src/adapters/process/group.js";

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => {
    // It may have ended already (a failed exec): then "exit" was emitted before we listened.
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once("exit", () => {
      resolve();
    });
  });
}

test("processStartTime reads field 22 of /proc/<pid>/stat and is stable", () => {
  const mine = processStartTime(process.pid);
  assert.match(mine ?? "", /^\d+$/);
  assert.equal(processStartTime(process.pid), mine);
  assert.equal(processStartTime(0), undefined);
  assert.equal(processStartTime(-5), undefined);
});

test("a process whose command name has spaces and parentheses still parses", async () => {
  // exec -a sets argv[0], but comm comes from the file name: copy sleep to a strange name, in a
  // folder of this test's own (another run's copy may be executing: "text file busy").
  const dir = mkdtempSync(join(tmpdir(), "flotilla-comm-"));
  const child = spawn("sh", ["-c", 'cp "$(command -v sleep)" "./a b) (c" && exec "./a b) (c" 5'], {
    cwd: dir,
    stdio: "ignore",
  });
  try {
    await new Promise((r) => setTimeout(r, 200));
    assert.match(processStartTime(child.pid ?? 0) ?? "", /^\d+$/);
  } finally {
    child.kill("SIGKILL");
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("isProcessAlive: this process yes, an exited child no", async () => {
  assert.equal(isProcessAlive(process.pid), true);
  const child = spawn("true", [], { stdio: "ignore" });
  const pid = child.pid ?? 0;
  await exited(child);
  assert.equal(isProcessAlive(pid), false);
  assert.equal(isProcessAlive(0), false);
  assert.equal(isProcessAlive(-1), false);
});

test("a zombie does not count as alive", async () => {
  // The shell's background child exits at once; the shell (busy in sleep) never reaps it.
  const child = spawn("sh", ["-c", "true & echo $!; exec sleep 5"], { stdio: ["ignore", "pipe", "ignore"] });
  try {
    const pid = await new Promise<number>((resolve) =>
      child.stdout.once("data", (d: Buffer) => {
        resolve(Number(String(d).trim()));
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(isProcessAlive(pid), false);
  } finally {
    child.kill("SIGKILL");
    await exited(child);
  }
});

test("killGroup signals every member; isGroupAlive and groupMembers follow", async () => {
  const child = spawn("sh", ["-c", "sleep 1000 & sleep 1000 & wait"], { detached: true, stdio: "ignore" });
  const pid = child.pid ?? 0;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(isGroupAlive(pid), true);
  assert.equal(groupMembers(pid)?.length, 3);
  assert.equal(killGroup(pid, "SIGKILL"), true);
  await exited(child);
  for (let i = 0; i < 100 && isGroupAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(isGroupAlive(pid), false);
  // A pid that never led a group: nothing to signal.
  const plain = spawn("true", [], { stdio: "ignore" });
  const plainPid = plain.pid ?? 0;
  await exited(plain);
  assert.equal(killGroup(plainPid, "SIGTERM"), false);
});

test("killGroup refuses pid 0, 1 and negatives (our own group, every process)", () => {
  assert.throws(() => killGroup(0, "SIGTERM"), /refusing/);
  assert.throws(() => killGroup(1, "SIGTERM"), /refusing/);
  assert.throws(() => killGroup(-7, "SIGTERM"), /refusing/);
  assert.throws(() => isGroupAlive(1), /refusing/);
});

// findExecutable: the PATH search execvp does, without running anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findExecutable } from "../../../src/adapters/process/find-executable.js";
import { tempDir } from "../../support/temp.js";

test("finds a program on PATH as an absolute path", () => {
  const sh = findExecutable("sh", { env: process.env });
  assert.ok(sh !== undefined && sh.startsWith("/") && sh.endsWith("/sh"));
  assert.equal(findExecutable("flotilla-no-such-program", { env: process.env }), undefined);
  assert.equal(findExecutable("", { env: process.env }), undefined);
});

test("searches PATH in order and skips files without the execute bit and folders", () => {
  const t = tempDir("which");
  try {
    const a = join(t.dir, "a");
    const b = join(t.dir, "b");
    const c = join(t.dir, "c");
    mkdirSync(a);
    mkdirSync(b);
    mkdirSync(c);
    writeFileSync(join(a, "tool"), "#!/bin/sh\n");
    chmodSync(join(a, "tool"), 0o644);
    mkdirSync(join(b, "tool"));
    writeFileSync(join(c, "tool"), "#!/bin/sh\n");
    chmodSync(join(c, "tool"), 0o755);
    const env = { PATH: ["", a, b, c].join(":") };
    assert.equal(findExecutable("tool", { env }), join(c, "tool"));
    assert.equal(findExecutable("tool", { env: { PATH: `${a}:${b}` } }), undefined);
  } finally {
    t.cleanup();
  }
});

test("a name with a slash is checked as a path, relative ones against cwd", () => {
  const t = tempDir("which");
  try {
    const tool = join(t.dir, "bin", "my-agent");
    mkdirSync(join(t.dir, "bin"));
    writeFileSync(tool, "#!/bin/sh\n");
    chmodSync(tool, 0o755);
    assert.equal(findExecutable(tool, { env: {} }), tool);
    assert.equal(findExecutable("./bin/my-agent", { env: {}, cwd: t.dir }), tool);
    assert.equal(findExecutable("bin/my-agent", { env: {}, cwd: t.dir }), tool);
    assert.equal(findExecutable("./bin/other", { env: {}, cwd: t.dir }), undefined);
    // A slash means a path: PATH is not searched for it.
    assert.equal(findExecutable("bin/my-agent", { env: { PATH: t.dir }, cwd: "/" }), undefined);
  } finally {
    t.cleanup();
  }
});

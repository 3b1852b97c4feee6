// commitsBetween and filesChanged on real history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { commitsBetween, filesChanged } from "../../../src/adapters/git/history.js";
import { gitdir } from "../../support/gitdir.js";

test("commitsBetween lists from..to oldest first with subjects", async () => {
  const repo = gitdir();
  try {
    const start = repo.git("rev-parse", "HEAD");
    repo.write("a", "1");
    const one = repo.commit("first change");
    repo.write("a", "2");
    repo.git("add", "-A");
    repo.git("commit", "--quiet", "-m", "second: with a body", "-m", "the body is not the subject");
    const two = repo.git("rev-parse", "HEAD");
    assert.deepEqual(await commitsBetween({ cwd: repo.dir, from: start, to: two }), [
      { sha: one, subject: "first change" },
      { sha: two, subject: "second: with a body" },
    ]);
    assert.deepEqual(await commitsBetween({ cwd: repo.dir, from: two, to: two }), []);
    assert.deepEqual(await commitsBetween({ cwd: repo.dir, from: two, to: start }), []);
  } finally {
    repo.cleanup();
  }
});

test("filesChanged lists both names of a rename and odd names exactly, from any subfolder", async () => {
  const repo = gitdir();
  try {
    repo.write("src/old.ts", "export const x = 1; // long enough to be a rename\n");
    repo.write("sub/keep.txt", "k");
    const start = repo.commit("base");
    repo.git("mv", "src/old.ts", "src/new.ts");
    repo.write("with space.txt", "s");
    repo.write("new\nline.txt", "n");
    const end = repo.commit("changes");
    repo.git("config", "diff.relative", "true");
    assert.deepEqual((await filesChanged({ cwd: `${repo.dir}/sub`, from: start, to: end })).sort(), [
      "new\nline.txt",
      "src/new.ts",
      "src/old.ts",
      "with space.txt",
    ]);
    assert.deepEqual(await filesChanged({ cwd: repo.dir, from: end, to: end }), []);
  } finally {
    repo.cleanup();
  }
});

// Refs on real git: reading, ancestry, and moves by compare-and-swap that report a moved ref as
// "stale" and leave it where it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ZERO_OID } from "../../../src/adapters/git/git.js";
import {
  branchExists,
  createBranch,
  deleteRef,
  isAncestor,
  listRefs,
  mergeBase,
  refExists,
  revParse,
  updateRef,
  updateRefs,
} from "../../../src/adapters/git/refs.js";
import { gitdir } from "../../support/gitdir.js";

test("revParse resolves names and expressions; a missing one is undefined", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    assert.equal(await revParse(repo.dir, "HEAD"), head);
    assert.equal(await revParse(repo.dir, "refs/heads/main"), head);
    assert.equal(await revParse(repo.dir, `${head}^{tree}`), repo.git("rev-parse", "HEAD^{tree}"));
    assert.equal(await revParse(repo.dir, "no-such-branch"), undefined);
    assert.equal(await revParse(repo.dir, "HEAD~5"), undefined);
    // A full hex id of an object that does not exist is not echoed back.
    assert.equal(await revParse(repo.dir, "1".repeat(40)), undefined);
    // A leading "-" is a name, never an option.
    assert.equal(await revParse(repo.dir, "--all"), undefined);
    assert.equal(await revParse(repo.dir, "-h"), undefined);
  } finally {
    repo.cleanup();
  }
});

test("branchExists and refExists are exact", async () => {
  const repo = gitdir();
  try {
    repo.git("update-ref", "refs/flotilla/keep/x", "HEAD");
    assert.equal(await branchExists(repo.dir, "main"), true);
    assert.equal(await branchExists(repo.dir, "mai"), false);
    assert.equal(await refExists(repo.dir, "refs/flotilla/keep/x"), true);
    assert.equal(await refExists(repo.dir, "refs/flotilla/keep"), false);
    await assert.rejects(refExists(repo.dir, "main"), /not a full ref name/);
  } finally {
    repo.cleanup();
  }
});

test("isAncestor and mergeBase", async () => {
  const repo = gitdir();
  try {
    const base = repo.git("rev-parse", "HEAD");
    repo.write("a.txt", "a");
    const a = repo.commit("a");
    repo.git("switch", "--quiet", "-c", "side", base);
    repo.write("b.txt", "b");
    const b = repo.commit("b");
    assert.equal(await isAncestor({ cwd: repo.dir, ancestor: base, descendant: a }), true);
    assert.equal(await isAncestor({ cwd: repo.dir, ancestor: a, descendant: a }), true);
    assert.equal(await isAncestor({ cwd: repo.dir, ancestor: a, descendant: base }), false);
    assert.equal(await isAncestor({ cwd: repo.dir, ancestor: a, descendant: b }), false);
    assert.equal(await mergeBase({ cwd: repo.dir, a, b }), base);
    repo.git("switch", "--quiet", "--orphan", "lonely");
    repo.write("c.txt", "c");
    const c = repo.commit("unrelated");
    assert.equal(await mergeBase({ cwd: repo.dir, a, b: c }), undefined);
    await assert.rejects(
      isAncestor({ cwd: repo.dir, ancestor: "-x", descendant: a }),
      /Not a valid object name -x/,
    );
  } finally {
    repo.cleanup();
  }
});

test("updateRef creates with ZERO_OID, moves by compare-and-swap, and reports stale", async () => {
  const repo = gitdir();
  try {
    const one = repo.git("rev-parse", "HEAD");
    repo.write("f", "2");
    const two = repo.commit("two");
    const ref = "refs/heads/integration";
    assert.deepEqual(await updateRef({ cwd: repo.dir, ref, newValue: one, oldValue: ZERO_OID }), {
      ok: true,
      value: undefined,
    });
    assert.equal(repo.git("rev-parse", ref), one);
    // Creating again: it exists, so stale.
    const again = await updateRef({ cwd: repo.dir, ref, newValue: two, oldValue: ZERO_OID });
    assert.ok(!again.ok && again.error.reason === "stale");
    assert.equal(again.error.actual, one);
    assert.equal(repo.git("rev-parse", ref), one);
    // The right old value moves it.
    assert.ok((await updateRef({ cwd: repo.dir, ref, newValue: two, oldValue: one })).ok);
    assert.equal(repo.git("rev-parse", ref), two);
    // A wrong old value: stale, and the ref stays.
    const stale = await updateRef({ cwd: repo.dir, ref, newValue: one, oldValue: one });
    assert.ok(!stale.ok);
    assert.ok(stale.error.reason === "stale");
    assert.equal(stale.error.expected, one);
    assert.equal(stale.error.actual, two);
    assert.match(stale.error.message, /refs\/heads\/integration moved/);
    assert.equal(repo.git("rev-parse", ref), two);
    // Without an old value (flotilla's own keep-alive refs): unconditional.
    assert.ok((await updateRef({ cwd: repo.dir, ref: "refs/flotilla/keep/1", newValue: one })).ok);
    assert.equal(repo.git("rev-parse", "refs/flotilla/keep/1"), one);
    // A reflog message is recorded.
    assert.ok(
      (await updateRef({ cwd: repo.dir, ref, newValue: one, oldValue: two, message: "flotilla: test move" }))
        .ok,
    );
    assert.match(repo.git("reflog", "show", "--format=%gs", "-n1", ref), /flotilla: test move/);
  } finally {
    repo.cleanup();
  }
});

test("updateRef failures that are not a moved ref are git-failed; short names are refused", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    const missing = await updateRef({
      cwd: repo.dir,
      ref: "refs/heads/x",
      newValue: "2".repeat(40),
      oldValue: ZERO_OID,
    });
    assert.ok(!missing.ok && missing.error.reason === "git-failed");
    // refs/heads/main exists, so refs/heads/main/sub cannot.
    const clash = await updateRef({
      cwd: repo.dir,
      ref: "refs/heads/main/sub",
      newValue: head,
      oldValue: ZERO_OID,
    });
    assert.ok(!clash.ok && clash.error.reason === "git-failed");
    await assert.rejects(updateRef({ cwd: repo.dir, ref: "main", newValue: head }), /not a full ref name/);
  } finally {
    repo.cleanup();
  }
});

test("updateRefs moves all refs or none", async () => {
  const repo = gitdir();
  try {
    const one = repo.git("rev-parse", "HEAD");
    repo.write("f", "2");
    const two = repo.commit("two");
    const r = await updateRefs({
      cwd: repo.dir,
      updates: [
        { ref: "refs/heads/a", newValue: two, oldValue: ZERO_OID },
        { ref: "refs/heads/main", newValue: one, oldValue: one }, // stale: main is at two
      ],
    });
    assert.ok(!r.ok && r.error.reason === "stale" && r.error.ref === "refs/heads/main");
    assert.equal(await branchExists(repo.dir, "a"), false);
    assert.equal(repo.git("rev-parse", "main"), two);
    const good = await updateRefs({
      cwd: repo.dir,
      updates: [
        { ref: "refs/heads/a", newValue: two, oldValue: ZERO_OID },
        { ref: "refs/heads/main", newValue: one, oldValue: two },
      ],
    });
    assert.ok(good.ok);
    assert.equal(repo.git("rev-parse", "a"), two);
    assert.equal(repo.git("rev-parse", "main"), one);
  } finally {
    repo.cleanup();
  }
});

test("deleteRef by compare-and-swap", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    repo.git("update-ref", "refs/flotilla/x", head);
    const stale = await deleteRef({ cwd: repo.dir, ref: "refs/flotilla/x", oldValue: "3".repeat(40) });
    assert.ok(!stale.ok && stale.error.reason === "stale");
    assert.equal(await refExists(repo.dir, "refs/flotilla/x"), true);
    assert.ok((await deleteRef({ cwd: repo.dir, ref: "refs/flotilla/x", oldValue: head })).ok);
    assert.equal(await refExists(repo.dir, "refs/flotilla/x"), false);
    assert.ok((await deleteRef({ cwd: repo.dir, ref: "refs/flotilla/never" })).ok);
  } finally {
    repo.cleanup();
  }
});

test("createBranch: created, exists, invalid name, bad start point", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    assert.deepEqual(await createBranch({ cwd: repo.dir, name: "flotilla/run", startPoint: "main" }), {
      ok: true,
      value: head,
    });
    assert.equal(repo.git("rev-parse", "flotilla/run"), head);
    const exists = await createBranch({ cwd: repo.dir, name: "flotilla/run", startPoint: "main" });
    assert.ok(!exists.ok && exists.error.reason === "exists");
    for (const name of ["-x", "a..b", "a b", "x@{1}", "bad:name", "trailing/"]) {
      const bad = await createBranch({ cwd: repo.dir, name, startPoint: "main" });
      assert.ok(!bad.ok && bad.error.reason === "invalid-name", name);
    }
    const noStart = await createBranch({ cwd: repo.dir, name: "y", startPoint: "nowhere" });
    assert.ok(!noStart.ok && noStart.error.reason === "bad-start-point");
    const optionStart = await createBranch({ cwd: repo.dir, name: "z", startPoint: "--orphan" });
    assert.ok(!optionStart.ok && optionStart.error.reason === "bad-start-point");
  } finally {
    repo.cleanup();
  }
});

test("listRefs lists under a prefix of whole path components", async () => {
  const repo = gitdir();
  try {
    const head = repo.git("rev-parse", "HEAD");
    repo.git("update-ref", "refs/flotilla/attempts/r1/a/1", head);
    repo.git("update-ref", "refs/flotilla/attempts/r1/b/2", head);
    repo.git("update-ref", "refs/flotilla/attempts/r10/a/1", head);
    const r1 = await listRefs({ cwd: repo.dir, prefix: "refs/flotilla/attempts/r1" });
    assert.deepEqual(r1, [
      { ref: "refs/flotilla/attempts/r1/a/1", sha: head },
      { ref: "refs/flotilla/attempts/r1/b/2", sha: head },
    ]);
    assert.equal((await listRefs({ cwd: repo.dir, prefix: "refs/flotilla/attempts/r1/" })).length, 2);
    assert.equal((await listRefs({ cwd: repo.dir, prefix: "refs/flotilla" })).length, 3);
    assert.deepEqual(await listRefs({ cwd: repo.dir, prefix: "refs/nothing" }), []);
  } finally {
    repo.cleanup();
  }
});

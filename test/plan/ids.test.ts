// The id rule: every reason is specific, because ids become branch names and paths.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ID_PATTERN, validateBranchName, validateId } from "../../src/plan/index.js";

describe("validateId", () => {
  test("accepts lower-case letters, digits and dashes", () => {
    for (const id of ["a", "login-api", "0", "issue-42", "a-", "x".repeat(64)]) {
      assert.deepEqual(validateId(id), { ok: true }, id);
      assert.ok(ID_PATTERN.test(id));
    }
  });
  const cases: [string, string][] = [
    ["", "it is empty"],
    ["-rf", 'it starts with "-" (git would read it as an option)'],
    ["a..b", 'it contains ".."'],
    ["auth/login", 'it contains "/"'],
    ["Login", "it contains upper case letters; use lower case"],
    ["login api", "it contains whitespace"],
    ["login\tapi", "it contains whitespace"],
    ["a\u0007", "it contains a control character (U+0007)"],
    ["a\u007f", "it contains a control character (U+007F)"],
    ["x".repeat(65), "it is 65 characters long; the limit is 64"],
    ["login_api", 'it contains "_"; only a-z, 0-9 and "-" are allowed'],
    ["a@{b", 'it contains "@"; only a-z, 0-9 and "-" are allowed'],
    ["é", 'it contains "é"; only a-z, 0-9 and "-" are allowed'],
  ];
  for (const [id, reason] of cases) {
    test(`rejects ${JSON.stringify(id)}`, () => {
      assert.deepEqual(validateId(id), { ok: false, reason });
      assert.equal(ID_PATTERN.test(id) && id.length <= 64, false);
    });
  }
});

describe("validateBranchName", () => {
  test("accepts ordinary branch names", () => {
    for (const b of ["main", "flotilla/auth", "milestone/3-v1.1-milestone-workflow"]) {
      assert.deepEqual(validateBranchName(b), { ok: true }, b);
    }
  });
  test("rejects what git or flotilla would misread", () => {
    const bad: [string, string][] = [
      ["-x", 'it starts with "-" (git would read it as an option)'],
      ["a..b", 'it contains ".."'],
      ["a@{1}", 'it contains "@{"'],
      ["a b", "it contains whitespace"],
      ["a~1", 'it contains "~", which git does not allow in branch names'],
      ["a//b", 'it has an empty path component (a leading, trailing or doubled "/")'],
      ["a/.b", 'a path component starts with "."'],
      ["a.lock", 'it ends with "." or ".lock"'],
    ];
    for (const [b, reason] of bad) assert.deepEqual(validateBranchName(b), { ok: false, reason }, b);
  });
});

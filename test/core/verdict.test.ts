// The reviewer's answer in every shape a model produces: fenced JSON (with or without a language,
// with prose around it, several blocks), bare JSON, the plain `Final verdict:` line, and answers
// that say nothing flotilla can read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hasDefectEvidence, parseVerdict } from "../../src/core/verdict.js";

test("a fenced json block with criteria is read, statuses normalised", () => {
  const r = parseVerdict(
    [
      "I looked at the diff.",
      "",
      "```json",
      '{"verdict":"FAIL","criteria":[',
      '  {"criterion":"Returns 401","status":"unmet","evidence":"src/login.ts:12 returns 200"},',
      '  {"criterion":"Has tests","status":"Met","evidence":"test/login.test.ts:3"},',
      '  {"criterion":"Uses lib x","status":"spec-defect","evidence":"package x does not exist"}',
      "]}",
      "```",
    ].join("\n"),
  );
  assert.ok(r.ok);
  assert.equal(r.value.verdict, "FAIL");
  assert.equal(r.value.form, "json");
  assert.deepEqual(
    r.value.criteria.map((c) => [c.criterion, c.status]),
    [
      ["Returns 401", "unmet"],
      ["Has tests", "met"],
      ["Uses lib x", "spec_defect"],
    ],
  );
  assert.equal(r.value.criteria[0]!.evidence, "src/login.ts:12 returns 200");
});

test("a fence without a language, lower-case verdict, and the last of several blocks wins", () => {
  const r = parseVerdict(
    'Draft:\n```\n{"verdict":"fail","criteria":[]}\n```\nOn reflection:\n```\n{"verdict":"pass","criteria":[]}\n```\n',
  );
  assert.ok(r.ok);
  assert.equal(r.value.verdict, "PASS");
});

test("a block that is not a verdict (code, other JSON) is skipped", () => {
  const r = parseVerdict(
    '```ts\nconst x = 1;\n```\n```json\n{"answer": 42}\n```\n```json\n{"verdict":"PASS"}\n```',
  );
  assert.ok(r.ok);
  assert.equal(r.value.verdict, "PASS");
  assert.deepEqual(r.value.criteria, []);
});

test("bare JSON with no fence is read", () => {
  const r = parseVerdict('  {"verdict":"FAIL","criteria":[{"criterion":"c","status":"unmet"}]}  ');
  assert.ok(r.ok);
  assert.equal(r.value.verdict, "FAIL");
  assert.deepEqual(r.value.criteria, [{ criterion: "c", status: "unmet", evidence: "" }]);
});

test("the plain line form, decorated or not; the last line wins", () => {
  for (const [text, verdict] of [
    ["All good.\nFinal verdict: PASS", "PASS"],
    ["**Final verdict:** FAIL — tests missing", "FAIL"],
    ["- final verdict: `pass`", "PASS"],
    ["Final verdict: FAIL\nafter a second look\nFinal Verdict: PASS", "PASS"],
  ] as const) {
    const r = parseVerdict(text);
    assert.ok(r.ok, text);
    assert.equal(r.value.verdict, verdict, text);
    assert.equal(r.value.form, "line");
  }
});

test("answers with no verdict are errors that quote the answer", () => {
  for (const text of [
    "",
    "Looks fine to me!",
    "Verdict: PASS",
    '```json\n{"verdict":"MAYBE"}\n```',
    '```json\n{"verdict":"PASS",\n```',
    "Final verdict: probably",
  ]) {
    const r = parseVerdict(text);
    assert.equal(r.ok, false, text);
    assert.equal(r.error.reason, "no-verdict");
    if (text !== "") assert.ok(r.error.detail.length > 0);
  }
  const empty = parseVerdict("   ");
  assert.equal(empty.ok, false);
  assert.equal(empty.error.detail, "(empty answer)");
});

test("criteria entries without a criterion or with an unknown status are dropped", () => {
  const r = parseVerdict(
    '```json\n{"verdict":"PASS","criteria":[{"status":"met"},{"criterion":"a","status":"meh"},{"criterion":"b","status":"not met","evidence":{"file":"x"}}]}\n```',
  );
  assert.ok(r.ok);
  assert.deepEqual(r.value.criteria, [{ criterion: "b", status: "unmet", evidence: '{"file":"x"}' }]);
});

test("a spec defect needs evidence to be override-accepted", () => {
  assert.equal(hasDefectEvidence({ criterion: "c", status: "spec_defect", evidence: "" }), false);
  assert.equal(hasDefectEvidence({ criterion: "c", status: "spec_defect", evidence: "n/a" }), false);
  assert.equal(
    hasDefectEvidence({ criterion: "c", status: "spec_defect", evidence: "docs/missing.md does not exist" }),
    true,
  );
  assert.equal(hasDefectEvidence({ criterion: "c", status: "unmet", evidence: "docs/missing.md" }), false);
});

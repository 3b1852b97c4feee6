// The acceptance decision: failing checks decide alone; then the reviewer's verdict, with spec
// defects override-accepted only with evidence and criteria quoted as the plan wrote them.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decideFromChecks,
  decideReview,
  NO_VERDICT_REASON,
  type CheckEvidence,
} from "../../src/core/review.js";
import type { ReviewerVerdict } from "../../src/core/verdict.js";

const criteria = [
  { text: "The file a.txt says hello", check: "grep -q hello a.txt" },
  { text: "The README mentions a.txt" },
  { text: "docs/api.md lists the endpoint" },
];

const passing: CheckEvidence = {
  criterion: criteria[0]!.text,
  command: "grep -q hello a.txt",
  passed: true,
  exitCode: 0,
  timedOut: false,
  durationMs: 5,
  outputTail: "",
};

const verdict = (v: Partial<ReviewerVerdict>): { kind: "verdict"; verdict: ReviewerVerdict } => ({
  kind: "verdict",
  verdict: { verdict: "PASS", criteria: [], form: "json", ...v },
});

test("a failing check fails the review with the criterion, command, exit code and output", () => {
  const failing = { ...passing, passed: false, exitCode: 1, outputTail: "no hello here" };
  const d = decideFromChecks([failing]);
  assert.ok(d !== undefined);
  assert.equal(d.verdict, "FAIL");
  assert.match(d.reason, /"The file a\.txt says hello" \(check `grep -q hello a\.txt` exited 1\)/);
  assert.deepEqual(
    d.failed.map((f) => f.criterion),
    [criteria[0]!.text],
  );
  assert.match(d.failed[0]!.evidence, /no hello here/);
  // The reviewer's answer does not matter once a check failed.
  assert.equal(decideReview({ criteria, checks: [failing], answer: verdict({}) }).verdict, "FAIL");
  const timedOut = decideFromChecks([{ ...passing, passed: false, exitCode: null, timedOut: true }]);
  assert.match(timedOut!.reason, /timed out/);
});

test("passing checks and no reviewer pass; the checks are the evidence", () => {
  assert.equal(decideFromChecks([passing]), undefined);
  const d = decideReview({ criteria, checks: [passing] });
  assert.equal(d.verdict, "PASS");
  assert.deepEqual(d.judged, [
    { criterion: criteria[0]!.text, status: "met", evidence: "check `grep -q hello a.txt` exited 0" },
  ]);
});

test("the reviewer's unmet criteria fail the review, quoted as the plan wrote them", () => {
  const d = decideReview({
    criteria,
    checks: [passing],
    answer: verdict({
      verdict: "FAIL",
      criteria: [
        { criterion: "2. the readme mentions A.txt", status: "unmet", evidence: "README.md:1 does not" },
        { criterion: criteria[2]!.text, status: "met", evidence: "docs/api.md:4" },
      ],
    }),
  });
  assert.equal(d.verdict, "FAIL");
  assert.deepEqual(d.failed, [
    { criterion: "The README mentions a.txt", status: "unmet", evidence: "README.md:1 does not" },
  ]);
  assert.match(d.reason, /unmet criteria: "The README mentions a\.txt"/);
});

test("a spec defect with evidence is override-accepted; without evidence it counts as unmet", () => {
  const defect = {
    criterion: criteria[2]!.text,
    status: "spec_defect" as const,
    evidence: "docs/api.md does not exist in the repository",
  };
  const accepted = decideReview({
    criteria,
    checks: [passing],
    answer: verdict({ verdict: "FAIL", criteria: [defect] }),
  });
  assert.equal(accepted.verdict, "PASS");
  assert.deepEqual(accepted.specDefects, [defect]);
  assert.match(accepted.reason, /override-accepted 1 spec defect/);
  const bare = decideReview({
    criteria,
    checks: [passing],
    answer: verdict({ verdict: "FAIL", criteria: [{ ...defect, evidence: "" }] }),
  });
  assert.equal(bare.verdict, "FAIL");
  assert.deepEqual(bare.specDefects, []);
});

test("FAIL with no criteria, no verdict, and a reviewer that did not finish all fail", () => {
  assert.equal(
    decideReview({ criteria, checks: [], answer: verdict({ verdict: "FAIL" }) }).reason,
    "the reviewer said FAIL",
  );
  const none = decideReview({ criteria, checks: [], answer: { kind: "no-verdict", detail: "hmm" } });
  assert.equal(none.verdict, "FAIL");
  assert.equal(none.reason, NO_VERDICT_REASON);
  const crashed = decideReview({
    criteria,
    checks: [],
    answer: { kind: "failed", reason: "the reviewer exited with code 1" },
  });
  assert.equal(crashed.verdict, "FAIL");
  assert.match(crashed.reason, /did not finish: the reviewer exited with code 1/);
  assert.equal(decideReview({ criteria, checks: [], answer: verdict({}) }).verdict, "PASS");
});

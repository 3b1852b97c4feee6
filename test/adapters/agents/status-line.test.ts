import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAgentReport } from "../../../src/adapters/agents/status-line.js";

test("parseAgentReport: the final STATUS line and the NOTES section", () => {
  assert.deepEqual(
    parseAgentReport("Did the work.\nNOTES: added a helper\nsee src/x.ts\nSTATUS: COMPLETE\n"),
    {
      status: "COMPLETE",
      notes: "added a helper\nsee src/x.ts",
    },
  );
});

test("parseAgentReport: the last STATUS wins; markdown decoration and case are tolerated", () => {
  assert.deepEqual(parseAgentReport("STATUS: COMPLETE\nthen trouble\n**STATUS:** blocked"), {
    status: "BLOCKED",
  });
  assert.deepEqual(parseAgentReport("- STATUS: `PARTIAL`"), { status: "PARTIAL" });
});

test("parseAgentReport: NOTES after STATUS run to the end; an empty NOTES is no notes", () => {
  assert.deepEqual(parseAgentReport("STATUS: PARTIAL\nNOTES:\n- one\n- two\n"), {
    status: "PARTIAL",
    notes: "- one\n- two",
  });
  assert.deepEqual(parseAgentReport("NOTES:\nSTATUS: COMPLETE"), { status: "COMPLETE" });
});

test("parseAgentReport: nothing to find, or words that only look like it", () => {
  assert.deepEqual(parseAgentReport(""), {});
  assert.deepEqual(parseAgentReport("The STATUS: COMPLETE line is what I print at the end"), {});
  assert.deepEqual(parseAgentReport("STATUS: DONE"), {});
  assert.deepEqual(parseAgentReport("STATUS: COMPLETED"), {});
});

test("parseAgentReport: the reason on the STATUS line is kept (BLOCKED with why)", () => {
  assert.deepEqual(
    parseAgentReport("Tried.\nSTATUS: BLOCKED the API key for the payment sandbox is missing"),
    {
      status: "BLOCKED",
      statusDetail: "the API key for the payment sandbox is missing",
    },
  );
  assert.deepEqual(parseAgentReport("**STATUS:** BLOCKED — no access to the database"), {
    status: "BLOCKED",
    statusDetail: "no access to the database",
  });
});

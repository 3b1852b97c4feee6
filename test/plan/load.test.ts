// Loading flotilla plans: every key of the format, the defaults, the agent profiles.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadPlan, type Plan } from "../../src/plan/index.js";
import { fixture } from "./fixtures.js";

function load(name: string): Plan {
  const r = loadPlan({ file: name, text: fixture(name) });
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error, null, 2));
  return r.value;
}

describe("loadPlan (flotilla format)", () => {
  test("an item's own budget keys are read; a bad one is an error", () => {
    const text = (v: string) =>
      `version: 1\nname: b\nbudget_usd: 5\nitems:\n  - id: a\n    title: A\n    budget_usd: ${v}\n    budget_tokens: 1000\n`;
    const r = loadPlan({ file: "plan.yaml", text: text("1.5") });
    assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
    assert.equal(r.value.budgetUsd, 5);
    assert.equal(r.value.items[0]!.budgetUsd, 1.5);
    assert.equal(r.value.items[0]!.budgetTokens, 1000);
    assert.equal(loadPlan({ file: "plan.yaml", text: text("-1") }).ok, false);
  });
  test("fills in every default from DESIGN.md", () => {
    const p = load("flotilla-minimal.yaml");
    assert.equal(p.format, "flotilla");
    assert.equal(p.name, "tiny");
    assert.equal(p.base, undefined);
    assert.equal(p.integrationBranch, "flotilla/tiny");
    assert.equal(p.land, "merge");
    assert.equal(p.maxParallel, 4);
    assert.equal(p.schedule, "continuous");
    assert.equal(p.agent, "claude");
    assert.equal(p.retries, 3);
    assert.equal(p.timeoutSeconds, 1800);
    assert.equal(p.conflicts, "avoid");
    assert.equal(p.landPartial, true);
    assert.equal(p.budgetUsd, undefined);
    assert.deepEqual(p.merge, {
      batch: 4,
      retryFlaky: true,
      probeIntervalSeconds: 30,
      fixForward: 2,
      mediumMaxFiles: 2,
      rewriteRatio: 0.5,
    });
    assert.deepEqual(p.setup, { link: [], copy: [], run: [] });
    assert.deepEqual(p.gates, { preMerge: [], postMerge: [], land: [] });
    assert.deepEqual(p.review, {});
    assert.deepEqual(p.notes, []);
    assert.deepEqual(p.items[1], {
      id: "b",
      title: "Second",
      description: "",
      acceptance: [],
      dependsOn: ["a"],
      touches: [],
      priority: 2,
      agent: "claude",
      loc: { file: "flotilla-minimal.yaml", line: 6, column: 5 },
    });
  });

  test("has the built-in agent profiles", () => {
    const p = load("flotilla-minimal.yaml");
    assert.deepEqual(p.agents, {
      claude: { name: "claude", use: "claude", output: "claude-json" },
      codex: { name: "codex", use: "codex", output: "codex-jsonl" },
      gemini: { name: "gemini", use: "gemini", output: "text" },
      aider: { name: "aider", use: "aider", output: "text" },
      opencode: { name: "opencode", use: "opencode", output: "text" },
      shell: { name: "shell", use: "shell", output: "text" },
    });
  });

  test("reads every key of the DESIGN.md example", () => {
    const p = load("flotilla-full.yaml");
    assert.equal(p.base, "main");
    assert.equal(p.integrationBranch, "flotilla/auth-milestone");
    assert.equal(p.budgetUsd, 50);
    assert.equal(p.budgetTokens, 20000000);
    assert.deepEqual(p.merge, {
      batch: 4,
      retryFlaky: true,
      probeIntervalSeconds: 30,
      resolver: "claude",
      fixForward: 2,
      mediumMaxFiles: 2,
      rewriteRatio: 0.5,
    });
    assert.deepEqual(p.setup, { link: ["node_modules"], copy: [".env"], run: [] });
    assert.deepEqual(p.gates, { preMerge: ["npm test"], postMerge: ["npm test"], land: ["npm test"] });
    assert.deepEqual(p.review, { reviewer: "claude" });
    assert.deepEqual(p.agents.fast, {
      name: "fast",
      use: "claude",
      output: "claude-json",
      model: "haiku",
      permissionMode: "acceptEdits",
      allowedTools: ["Bash(git:*)", "Bash(npm test:*)"],
    });
    assert.deepEqual(p.agents.mine, {
      name: "mine",
      command: ["my-agent", "--task-file", "{prompt_file}"],
      output: "text",
    });
    const login = p.items[0];
    const changelog = p.items[1]!;
    assert.deepEqual(login, {
      id: "login-api",
      title: "Add POST /login",
      description: "Free text for the agent.\n",
      acceptance: [
        { text: "Returns 401 for a wrong password" },
        { text: "The handler's tests pass", check: "npm test -- test/login.test.ts" },
      ],
      dependsOn: [],
      touches: ["src/auth/**", "src/server.ts"],
      priority: 1,
      estimateSeconds: 1200,
      agent: "fast",
      loc: { file: "flotilla-full.yaml", line: 42, column: 5 },
    });
    assert.equal(changelog.agent, "shell");
    assert.equal(
      changelog.run,
      'echo "- login" >> CHANGELOG.md && git add -A && git commit -qm "note login"',
    );
    assert.deepEqual(changelog.dependsOn, ["login-api"]);
  });

  test("a plan's profile overrides a built-in and keeps its adapter", () => {
    const text =
      "version: 1\nname: x\nagents:\n  claude:\n    model: opus\n  sh:\n    use: shell\nitems:\n  - id: a\n    title: A\n    agent: sh\n    run: make\n";
    const r = loadPlan({ file: "p.yaml", text });
    assert.ok(r.ok);
    assert.deepEqual(r.value.agents.claude, {
      name: "claude",
      use: "claude",
      output: "claude-json",
      model: "opus",
    });
    assert.deepEqual(r.value.agents.sh, { name: "sh", use: "shell", output: "text" });
    assert.equal(r.value.items[0]?.run, "make");
  });

  test("an item's agent falls back to the plan's agent", () => {
    const text =
      "version: 1\nname: x\nagent: codex\nitems:\n  - id: a\n    title: A\n  - id: b\n    title: B\n    agent: gemini\n";
    const r = loadPlan({ file: "p.yaml", text });
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.items.map((i) => i.agent),
      ["codex", "gemini"],
    );
  });

  test("merge.resolver may name a profile of the plan; without it there is none (the item's own is used)", () => {
    const text =
      'version: 1\nname: x\nagent: shell\nmerge:\n  resolver: fixer\nagents:\n  fixer:\n    command: ["fix", "{prompt_file}"]\nitems:\n  - id: a\n    title: A\n    run: "true"\n';
    const r = loadPlan({ file: "p.yaml", text });
    assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
    assert.equal(r.value.merge.resolver, "fixer");
    assert.deepEqual(r.value.agents.fixer, {
      name: "fixer",
      command: ["fix", "{prompt_file}"],
      output: "text",
    });
    const plain = loadPlan({
      file: "p.yaml",
      text: "version: 1\nname: x\nitems:\n  - id: a\n    title: A\n",
    });
    assert.ok(plain.ok);
    assert.equal(plain.value.merge.resolver, undefined);
  });

  test("reports every problem of a bad plan at once", () => {
    const r = loadPlan({ file: "flotilla-bad.yaml", text: fixture("flotilla-bad.yaml") });
    assert.ok(!r.ok);
    assert.deepEqual(
      r.error.map((d) => `${d.loc.line}:${d.loc.column} ${d.message}`),
      [
        '2:7 invalid plan name "Auth": it contains upper case letters; use lower case',
        '3:15 "max_parallel" must be a whole number, got a string ("four")',
        '5:3 unknown key "batchsize" in "merge"; expected one of: batch, retry_flaky, probe_interval, resolver, fix_forward, medium_max_files, rewrite_ratio',
        '9:5 unknown key "dependson" in item; did you mean "depends_on"?',
        '12:12 unknown agent profile "fsat"; the profiles are: claude, codex, gemini, aider, opencode, shell',
        '13:18 unknown dependency "logn-api"; did you mean "login-api"?',
      ],
    );
  });

  test("a large plan loads (10,000 items, ~30,000 edges)", () => {
    const lines = ["version: 1", "name: big", "items:"];
    for (let i = 0; i < 10000; i++) {
      const deps = [1, 2, 3].filter((k) => i - k * 7 >= 0).map((k) => `item-${i - k * 7}`);
      lines.push(`  - id: item-${i}`, `    title: Item ${i}`, `    depends_on: [${deps.join(", ")}]`);
    }
    const r = loadPlan({ file: "big.yaml", text: lines.join("\n") });
    assert.ok(r.ok);
    assert.equal(r.value.items.length, 10000);
    assert.equal(
      r.value.items.reduce((n, i) => n + i.dependsOn.length, 0),
      29958,
    );
  });
});

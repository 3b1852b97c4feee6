// The files `flotilla init` writes. The plan is checked by a test, so it always stays valid.

/** A commented example plan in the flotilla format (version 1). */
export const EXAMPLE_PLAN = `# A flotilla plan. Check it with \`flotilla check plan.yaml\`, run it with \`flotilla run plan.yaml\`.
version: 1
name: example                 # names the run and its branches: [a-z0-9][a-z0-9-]*
# base: main                  # default: the branch checked out where flotilla runs
# integration_branch: flotilla/example
land: merge                   # merge (--no-ff) | ff | none
max_parallel: 4               # agents at once
agent: claude                 # default agent profile: claude, codex, gemini, aider, opencode, shell
retries: 2                    # extra attempts after a failed gate, review or crash
timeout: 30m                  # per attempt
conflicts: avoid              # items whose touches overlap do not run at once
# budget_usd: 20              # no new attempt starts once agents reported this much (items take it too)
# budget_tokens: 5000000      # the same in tokens

# review:
#   reviewer: claude          # agent profile that judges each attempt against its acceptance criteria (read-only)

merge:
  batch: 4                    # finished branches gated together; a failing batch is bisected
  retry_flaky: true           # send nothing back on one failed gate run: a lone suspect is gated again
  probe_interval: 30s         # test-merge running lanes to warn of conflicts early
  # resolver: claude           # agent profile that resolves medium conflicts (default: the item's)
  fix_forward: 2              # fresh attempts after a merge conflict (not counted as retries)
  medium_max_files: 2         # more conflicting files than this is a heavy conflict
  rewrite_ratio: 0.5          # a side that changed more of a file than this rewrote it (heavy)

setup:
  link: [node_modules]        # symlinked into each lane from this checkout, when present
  copy: []                    # copied into each lane (e.g. .env); see also .worktreeinclude
  run: []                     # commands run in each lane before the agent starts

gates:
  pre_merge: []               # in the lane, after the agent finishes, e.g. ["npm test"]
  post_merge: []              # on the merged result, before the integration branch moves
  land: []                    # once, before the base branch moves

items:
  - id: greeting
    title: Add a greeting module
    description: |
      Create src/greeting.js exporting greet(name) that returns "Hello, <name>!".
    acceptance:
      - greet("Ada") returns "Hello, Ada!"
      - text: src/greeting.js exists   # a check runs in the lane, and again after every later merge
        check: test -f src/greeting.js
    touches: ["src/greeting.js"]
    estimate: 10m

  - id: readme
    title: Document the greeting
    agent: shell              # a scripted agent: runs \`run\` with sh -c in its lane
    run: |
      printf '\\n## Greeting\\n\\nSee src/greeting.js.\\n' >> README.md
      git add README.md && git commit -qm "docs: greeting"
    depends_on: [greeting]
    touches: ["README.md"]
    estimate: 1m
`;

/** Which git-ignored files each lane gets a copy of (gitignore syntax; only ignored files are copied). */
export const EXAMPLE_WORKTREEINCLUDE = `# Files flotilla copies into every lane, in gitignore syntax.
# Only files that git ignores are copied (tracked files are in the lane already).
.env
.env.local
`;

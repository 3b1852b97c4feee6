// The demo's project and plan. Agents are `shell` items that really edit and commit files; the
// `tests` item writes a wrong expectation on its first attempt (the gate catches it) and the right
// one on its retry, reading FLOTILLA_ATTEMPT — what a real agent would do with the feedback.

/** Files of the scratch project: a greeting script and a test runner used as the gate. */
export const DEMO_FILES: Readonly<Record<string, string>> = {
  "README.md": "# demo\n\nA tiny shell project.\n",
  "bin/greet.sh": '#!/bin/sh\necho "hello, ${1:-world}"\n',
  "run-tests.sh":
    '#!/bin/sh\n# Runs every tests/*.sh; fails on the first failure.\nset -e\nfor t in tests/*.sh; do [ -e "$t" ] || continue; sh "$t"; echo "ok $t"; done\n',
};

/** The demo plan (flotilla format). */
export const DEMO_PLAN = `version: 1
name: demo
max_parallel: 3
agent: shell
retries: 2
timeout: 2m
gates:
  pre_merge: ["sh run-tests.sh"]
  post_merge: ["sh run-tests.sh"]
  land: ["sh run-tests.sh"]
items:
  - id: farewell
    title: Add a farewell script
    touches: ["bin/farewell.sh"]
    run: |
      sleep 1
      printf '#!/bin/sh\\necho "goodbye, \${1:-world}"\\n' > bin/farewell.sh
      chmod +x bin/farewell.sh
      git add bin/farewell.sh && git commit -qm "Add bin/farewell.sh"
  - id: shout
    title: Add an upper-case option to greet
    touches: ["bin/greet.sh"]
    run: |
      sleep 2
      printf '#!/bin/sh\\nif [ "$1" = "--shout" ]; then shift; echo "HELLO, \${1:-WORLD}"; else echo "hello, \${1:-world}"; fi\\n' > bin/greet.sh
      git commit -qam "greet: add --shout"
  - id: tests
    title: Test the greeting
    depends_on: [shout]
    touches: ["tests/**"]
    acceptance:
      - text: greet --shout prints upper case
        check: test "$(sh bin/greet.sh --shout ada)" = "HELLO, ada"
    run: |
      sleep 1
      mkdir -p tests
      if [ "$FLOTILLA_ATTEMPT" = 1 ]; then want="hello, ADA"; else want="HELLO, ada"; fi
      printf 'test "$(sh bin/greet.sh --shout ada)" = "%s"\\n' "$want" > tests/greet.sh
      git add tests && git commit -qm "tests: greet --shout (attempt $FLOTILLA_ATTEMPT)"
  - id: docs
    title: Document both scripts
    depends_on: [farewell, shout]
    touches: ["README.md"]
    run: |
      printf '\\n## Usage\\n\\n    bin/greet.sh [--shout] NAME\\n    bin/farewell.sh NAME\\n' >> README.md
      git commit -qam "docs: usage"
`;

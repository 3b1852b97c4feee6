// The built `flotilla` executable as a real process: lazy start-up (proved with an ESM resolve hook that
// logs every module resolved), --help, --version, and the exit codes of usage errors.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir, type TempDir } from "../support/temp.js";

/** dist/src/cli/bin.js, next to this compiled test's dist/test/cli. */
const BIN = fileURLToPath(new URL("../../src/cli/bin.js", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

// Loader hooks (they run on Node's hooks thread): log the URL of every module resolved to a file.
const HOOKS = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, resolved.url + "\\n");
  return resolved;
}
`;

const dataUrl = (js: string): string => `data:text/javascript,${encodeURIComponent(js)}`;

/** The `--import` module that registers HOOKS, logging to `logFile`. */
function registerHooks(logFile: string): string {
  return dataUrl(
    `import { register } from "node:module";\n` +
      `register(${JSON.stringify(dataUrl(HOOKS))}, { data: { file: ${JSON.stringify(logFile)} } });\n`,
  );
}

/** Modules `--version` must not load: the engine, the plan loader and its parsers, commander, SQLite. */
const HEAVY: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: "yaml", pattern: /\/node_modules\/yaml\// },
  { name: "better-sqlite3", pattern: /\/node_modules\/better-sqlite3\// },
  { name: "commander", pattern: /\/node_modules\/commander\// },
  { name: "zod", pattern: /\/node_modules\/zod\// },
  { name: "src/engine", pattern: /\/dist\/src\/engine\// },
  { name: "src/plan", pattern: /\/dist\/src\/plan\// },
];

let dir: TempDir;
let logN = 0;

beforeEach(() => {
  dir = tempDir("bin");
  copyFileSync(join(FIXTURES, "cli", "check-plan.yaml"), join(dir.dir, "plan.yaml"));
});

afterEach(() => {
  dir.cleanup();
});

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function flotilla(args: readonly string[], nodeArgs: readonly string[] = []): Spawned {
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
    cwd: dir.dir,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the bin with the resolve hook; returns the run and every module URL it resolved. */
function flotillaLogged(args: readonly string[]): Spawned & { readonly resolved: readonly string[] } {
  logN += 1;
  const log = join(dir.dir, `resolved-${logN}.log`);
  const r = flotilla(args, ["--import", registerHooks(log)]);
  const resolved = readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l !== "");
  return { ...r, resolved };
}

function loaded(resolved: readonly string[], pattern: RegExp): string[] {
  return resolved.filter((u) => pattern.test(u));
}

describe("flotilla start-up is lazy", () => {
  it("--version loads no engine, plan loader, YAML parser, commander, zod or SQLite", () => {
    const r = flotillaLogged(["--version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
    // The hook saw the program itself, so an empty list below means something.
    assert.ok(
      r.resolved.some((u) => u.endsWith("/dist/src/cli/bin.js")),
      r.resolved.join("\n"),
    );
    for (const { name, pattern } of HEAVY) {
      assert.deepEqual(loaded(r.resolved, pattern), [], `--version resolved ${name}`);
    }
    assert.deepEqual(
      loaded(r.resolved, /\/dist\/src\/cli\/main\.js$/),
      [],
      "--version does not even load main.js",
    );
  });

  it("-V is as lazy as --version", () => {
    const r = flotillaLogged(["-V"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
    for (const { name, pattern } of HEAVY)
      assert.deepEqual(loaded(r.resolved, pattern), [], `-V resolved ${name}`);
  });

  it("control: `check` does resolve yaml and the plan loader (so the hook would see them), but not SQLite or the engine", () => {
    const r = flotillaLogged(["check", "plan.yaml"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^plan\.yaml: valid plan "check-demo"/);
    assert.notDeepEqual(loaded(r.resolved, /\/node_modules\/yaml\//), [], "check resolved yaml");
    assert.notDeepEqual(loaded(r.resolved, /\/dist\/src\/plan\//), [], "check resolved src/plan");
    assert.notDeepEqual(loaded(r.resolved, /\/node_modules\/commander\//), [], "check resolved commander");
    assert.deepEqual(
      loaded(r.resolved, /\/node_modules\/better-sqlite3\//),
      [],
      "check resolved better-sqlite3",
    );
    assert.deepEqual(loaded(r.resolved, /\/dist\/src\/engine\//), [], "check resolved src/engine");
  });

  it("--help needs commander only: no plan loader, YAML, SQLite or engine", () => {
    const r = flotillaLogged(["--help"]);
    assert.equal(r.code, 0, r.stderr);
    for (const { name, pattern } of HEAVY.filter((h) => h.name !== "commander")) {
      assert.deepEqual(loaded(r.resolved, pattern), [], `--help resolved ${name}`);
    }
  });
});

describe("flotilla bin: help, version and usage errors", () => {
  it("--help exits 0 and lists the commands", () => {
    const r = flotilla(["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: flotilla \[options\] \[command\]/);
    for (const command of ["init", "check", "run", "status", "report", "cleanup", "demo"]) {
      assert.match(r.stdout, new RegExp(`^ {2}${command} `, "m"), `--help lists ${command}`);
    }
    for (const flag of ["-V, --version", "-h, --help"]) assert.ok(r.stdout.includes(flag), flag);
  });

  it("--help lists `resume`, which DESIGN.md's command contract names", () => {
    const r = flotilla(["--help"]);
    assert.match(r.stdout, /^ {2}resume /m);
  });

  it("help for one command exits 0 and shows its flags", () => {
    const r = flotilla(["check", "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: flotilla check \[options\] <plan>/);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /--mermaid/);
    const run = flotilla(["help", "run"]);
    assert.equal(run.code, 0, run.stderr);
    for (const flag of ["--max-parallel", "--agent", "--land", "--dry-run"])
      assert.ok(run.stdout.includes(flag), flag);
  });

  it("--version prints the package version through commander too (with another argument)", () => {
    // Not the fast path (two arguments), so main's commander handles it; same answer.
    const r = flotilla(["--version", "check"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
  });

  it("an unknown command exits 2 and says so", () => {
    const r = flotilla(["lanch", "plan.yaml"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /unknown command 'lanch'/);
  });

  it("a bad flag exits 2 and says so", () => {
    for (const args of [
      ["--bogus"],
      ["check", "--bogus", "plan.yaml"],
      ["run", "--max-parallel", "x", "plan.yaml"],
    ]) {
      const r = flotilla(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "", args.join(" "));
    }
    assert.match(flotilla(["check", "--bogus", "plan.yaml"]).stderr, /unknown option '--bogus'/);
  });

  it("check through the bin: exit 0 for the plan, 2 for a missing one", () => {
    const ok = flotilla(["check", "--json", "plan.yaml"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { name: string }).name, "check-demo");
    const missing = flotilla(["check", "nope.yaml"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "nope.yaml: error: cannot read the plan: no such file\n");
  });

  it("no command prints the help on stderr and exits 2", () => {
    const r = flotilla([]);
    assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /Usage: flotilla/);
  });
});

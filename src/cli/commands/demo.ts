// `flotilla demo`: the whole flow on a scratch repository with scripted `shell` agents that really
// edit files — parallel lanes, a dependency, a gate failure fixed on the retry, the merge queue and
// the land — run by the normal engine, so a new user sees the real thing in under a minute.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withoutGitRepoEnv } from "../../adapters/git/git.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { loadPlanForCli } from "../load-plan-for-cli.js";
import { runSession } from "../run-session.js";
import { DEMO_PLAN, DEMO_FILES } from "./demo-plan.js";

/** Builds the scratch repo, runs the demo plan in it, shows the result. */
export async function demoCommand(opts: { io: CliIO; keep: boolean }): Promise<number> {
  const { io } = opts;
  const scratch = mkdtempSync(join(tmpdir(), "flotilla-demo-"));
  const dir = join(scratch, "repo");
  // The demo's lanes stay beside its repository, so removing the scratch folder removes everything.
  const lanes = join(scratch, "lanes");
  mkdirSync(dir);
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: dir, encoding: "utf8", env: cleanGitEnv(io.env) });
    git("init", "-q", "-b", "main");
    git("config", "user.name", "flotilla demo");
    git("config", "user.email", "demo@flotilla.invalid");
    git("config", "commit.gpgsign", "false");
    for (const [path, text] of Object.entries(DEMO_FILES)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
      if (path.endsWith(".sh")) chmodSync(join(dir, path), 0o755);
    }
    git("add", "-A");
    git("commit", "-qm", "A tiny shell project");
    writeFileSync(join(dir, "plan.yaml"), DEMO_PLAN);
    io.err(`flotilla demo: a scratch repository at ${dir}\n`);
    io.err("  4 items for scripted agents: two in parallel, one that depends on both, and one whose first\n");
    io.err(
      "  attempt fails its gate and is retried with the feedback. Then the merge queue and the land.\n\n",
    );
    const demoIO: CliIO = {
      ...io,
      cwd: dir,
      env: { ...cleanGitEnv(io.env), FLOTILLA_DEPTH: "0", FLOTILLA_LANES_DIR: lanes },
    };
    const plan = loadPlanForCli(demoIO, "plan.yaml");
    if (plan === undefined) return ExitCode.usage;
    const code = await runSession({ io: demoIO, plan, cwd: dir, engineOptions: { killGraceMs: 1000 } });
    io.out(`\nmain after the run:\n${git("log", "--graph", "--oneline", "--decorate=short", "main")}`);
    io.out(`\nfiles on main: ${git("ls-tree", "-r", "--name-only", "main").trim().split("\n").join(", ")}\n`);
    if (opts.keep)
      io.out(`\nthe scratch repository stays at ${dir} (try: cd ${dir} && npx flotilla report)\n`);
    return code;
  } finally {
    if (!opts.keep) rmSync(scratch, { recursive: true, force: true });
  }
}

// The demo must not be steered by a GIT_DIR or similar from the caller's environment.
const cleanGitEnv = withoutGitRepoEnv;

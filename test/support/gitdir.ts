// The git fixture for tests: a real repository in a temp folder, on branch main, with a known
// identity, no background gc, no signing, and one initial commit (a README).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { flotillaPaths } from "../../src/engine/paths.js";
import { tempDir } from "./temp.js";

// Lanes of test runs go to a folder of this test process (not the user's ~/.cache), removed at exit.
if (process.env["FLOTILLA_LANES_DIR"] === undefined) {
  const lanes = mkdtempSync(join(tmpdir(), "flotilla-test-lanes-"));
  process.env["FLOTILLA_LANES_DIR"] = lanes;
  process.on("exit", () => {
    rmSync(lanes, { recursive: true, force: true });
  });
}

/** Options of gitdir(). */
export interface GitdirOptions {
  /** Make the initial commit with a README (default true). */
  readonly initialCommit?: boolean;
  /** Prefix of the temp folder's name. */
  readonly prefix?: string;
}

/** A test repository and helpers that throw on any git failure (a broken fixture is a test bug). */
export interface Gitdir {
  /** The repository's top folder (a real path). */
  readonly dir: string;
  /** Runs git in `dir` with these arguments; returns stdout without its final newline. */
  git(...args: string[]): string;
  /** Writes a file under `dir` (folders are made as needed). */
  write(path: string, content: string): void;
  /** Stages everything and commits it; returns the new commit's sha. */
  commit(message: string): string;
  /** Removes the repository folder (worktrees the test made elsewhere are the test's to remove). */
  cleanup(): void;
}

/** Makes a fresh repository; call cleanup() in teardown. */
export function gitdir(opts: GitdirOptions = {}): Gitdir {
  const temp = tempDir(opts.prefix ?? "git");
  const dir = temp.dir;
  const git = (...args: string[]): string => {
    const out = execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.endsWith("\n") ? out.slice(0, -1) : out;
  };
  const write = (path: string, content: string): void => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  };
  const commit = (message: string): string => {
    git("add", "-A");
    git("commit", "--quiet", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD");
  };
  git("init", "--quiet", "-b", "main");
  git("config", "user.name", "Flotilla Test");
  git("config", "user.email", "test@flotilla.invalid");
  git("config", "gc.auto", "0");
  git("config", "commit.gpgsign", "false");
  if (opts.initialCommit ?? true) {
    write("README.md", "# test repository\n");
    commit("initial commit");
  }
  const cleanup = (): void => {
    rmSync(flotillaPaths(join(dir, ".git")).lanesRoot, { recursive: true, force: true });
    temp.cleanup();
  };
  return { dir, git, write, commit, cleanup };
}

// A fresh git repository for a bench: one place for the identity and settings every bench wants.
import { mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** Runs git in a folder and returns its trimmed stdout. */
export type Git = (...args: string[]) => string;

/** Git in `dir`, output trimmed. */
export function gitIn(dir: string): Git {
  return (...args) => execFileSync("git", args, { cwd: dir, stdio: "pipe" }).toString().trim();
}

/** Creates `dir` as an empty repository on `main` with a bench identity, no auto-gc, no signing. */
export function initBenchRepo(dir: string): Git {
  mkdirSync(dir, { recursive: true });
  const git = gitIn(dir);
  git("init", "-q", "-b", "main");
  git("config", "user.name", "bench");
  git("config", "user.email", "bench@flotilla.invalid");
  git("config", "gc.auto", "0");
  git("config", "commit.gpgsign", "false");
  return git;
}

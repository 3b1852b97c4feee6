// Provisioning a fresh lane so an agent can work at once: setup.link (symlinks), setup.copy,
// the git-ignored files named by `.worktreeinclude`, then setup.run.
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, isAbsolute } from "node:path";
import { exec } from "../adapters/process/exec.js";
import { runProcess } from "../adapters/process/run-process.js";
import { err, ok, type Result } from "../util/result.js";
import { lastLines } from "./gates.js";

/** Why a lane could not be provisioned. */
export interface SetupFailure {
  readonly reason: "setup-failed";
  readonly message: string;
}

/** What lane setup needs. */
export interface LaneSetupOptions {
  readonly repoDir: string;
  readonly commonDir: string;
  readonly laneDir: string;
  readonly link: readonly string[];
  readonly copy: readonly string[];
  readonly run: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Provisions the lane; returns the paths it linked or copied (for the report). */
export async function setupLane(opts: LaneSetupOptions): Promise<Result<string[], SetupFailure>> {
  const done: string[] = [];
  for (const rel of opts.link) {
    const bad = checkRelative(rel);
    if (bad !== undefined) return err({ reason: "setup-failed", message: `setup.link: ${bad}` });
    const from = join(opts.repoDir, rel);
    const to = join(opts.laneDir, rel);
    if (!existsSync(from) || exists(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(from, to);
    done.push(rel);
  }
  for (const rel of opts.copy) {
    const bad = checkRelative(rel);
    if (bad !== undefined) return err({ reason: "setup-failed", message: `setup.copy: ${bad}` });
    const from = join(opts.repoDir, rel);
    const to = join(opts.laneDir, rel);
    if (!existsSync(from) || exists(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true });
    done.push(rel);
  }
  for (const rel of await worktreeIncludeFiles(opts.repoDir)) {
    const to = join(opts.laneDir, rel);
    if (exists(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(opts.repoDir, rel), to);
    done.push(rel);
  }
  if (done.length > 0)
    await keepOutOfCommits({ commonDir: opts.commonDir, laneDir: opts.laneDir, paths: done });
  for (const [i, command] of opts.run.entries()) {
    mkdirSync(opts.logDir, { recursive: true });
    const outcome = await runProcess({
      argv: ["sh", "-c", command],
      cwd: opts.laneDir,
      env: opts.env,
      stdoutFile: join(opts.logDir, `setup-${i + 1}.out`),
      stderrFile: join(opts.logDir, `setup-${i + 1}.err`),
      timeoutMs: opts.timeoutMs,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (outcome.exitCode !== 0 || outcome.timedOut) {
      const how = outcome.timedOut ? "timed out" : `exited ${outcome.exitCode ?? outcome.signal ?? "?"}`;
      return err({
        reason: "setup-failed",
        message: `setup.run \`${command}\` ${how}:\n${lastLines(outcome.stdoutTail + outcome.stderrTail, 20)}`,
      });
    }
  }
  return ok(done);
}

/**
 * The files `.worktreeinclude` names that git ignores (the Claude Code / Codex convention):
 * git itself matches the patterns (gitignore syntax), then `check-ignore` keeps the ignored ones.
 */
export async function worktreeIncludeFiles(repoDir: string): Promise<string[]> {
  const includeFile = join(repoDir, ".worktreeinclude");
  if (!existsSync(includeFile)) return [];
  const listed = await exec({
    argv: ["git", "ls-files", "-z", "--others", "--ignored", `--exclude-from=${includeFile}`],
    cwd: repoDir,
  });
  if (listed.exitCode !== 0) return [];
  const candidates = listed.stdout.split("\0").filter((p) => p !== "");
  if (candidates.length === 0) return [];
  const ignored = await exec({
    argv: ["git", "check-ignore", "-z", "--stdin"],
    cwd: repoDir,
    input: `${candidates.join("\0")}\0`,
  });
  return ignored.stdout.split("\0").filter((p) => p !== "");
}

// A symlinked `node_modules` is a file to git, so `node_modules/` in .gitignore does not cover it
// and an agent's `git add -A` would commit it. Paths flotilla put in a lane that git does not
// already ignore there go into the repository's info/exclude, in a block marked as flotilla's.
async function keepOutOfCommits(opts: { commonDir: string; laneDir: string; paths: readonly string[] }) {
  const check = await exec({
    argv: ["git", "check-ignore", "-z", "--stdin"],
    cwd: opts.laneDir,
    input: `${opts.paths.join("\0")}\0`,
  });
  const ignored = new Set(check.stdout.split("\0"));
  const missing = opts.paths.filter((p) => !ignored.has(p));
  if (missing.length === 0) return;
  const file = join(opts.commonDir, "info", "exclude");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = new Set(current.split("\n"));
  const add = missing.map((p) => `/${p}`).filter((l) => !lines.has(l));
  if (add.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  const header = "# flotilla: paths linked or copied into lanes (setup.link / setup.copy)";
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  writeFileSync(file, `${prefix}${lines.has(header) ? "" : `${header}\n`}${add.join("\n")}\n`);
}

function checkRelative(rel: string): string | undefined {
  if (isAbsolute(rel)) return `"${rel}" must be a path relative to the repository`;
  const n = normalize(rel);
  if (n === ".." || n.startsWith("../") || n === ".") return `"${rel}" must stay inside the repository`;
  return undefined;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

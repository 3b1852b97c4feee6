// Facts from git, not from the agent's word: after an agent exits, what did it really leave?
import { existsSync, lstatSync, readFileSync, rmSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import * as git from "../adapters/git/index.js";
import type { CommitSummary } from "../core/state-types.js";

/** What an attempt's lane holds once its agent has exited. */
export interface LaneFacts {
  /** The lane branch tip (after committing any leftover changes); undefined if nothing is there. */
  readonly head: string | undefined;
  readonly commits: readonly CommitSummary[];
  readonly filesChanged: readonly string[];
  /** Uncommitted changes flotilla committed for the agent. */
  readonly committedLeftovers: boolean;
  /** Things the agent did that it should not have. */
  readonly violations: readonly string[];
}

/** Reads the lane: commits leftovers, finds the work, and notes branch switches. */
export async function readLaneFacts(opts: {
  repoDir: string;
  laneDir: string;
  branch: string;
  startCommit: string;
}): Promise<LaneFacts> {
  if (!existsSync(opts.laneDir)) {
    // The agent removed its own lane folder: the branch (in the shared refs) may still hold work.
    const head = await git.revParse(opts.repoDir, `refs/heads/${opts.branch}`);
    const violations = [`the agent removed its lane folder ${opts.laneDir}`];
    if (head === undefined)
      return { head, commits: [], filesChanged: [], committedLeftovers: false, violations };
    const commits = await git.commitsBetween({ cwd: opts.repoDir, from: opts.startCommit, to: head });
    const filesChanged =
      commits.length === 0
        ? []
        : await git.filesChanged({ cwd: opts.repoDir, from: opts.startCommit, to: head });
    return { head, commits, filesChanged, committedLeftovers: false, violations };
  }
  const violations: string[] = [];
  // Read after the agent's whole process group is gone: a lock left now is held by nobody.
  const lock = laneIndexLock(opts.laneDir);
  if (lock !== undefined && existsSync(lock)) {
    rmSync(lock, { force: true });
    violations.push(`the agent left a git lock in its lane (${lock}); removed, as no process of it is left`);
  }
  const current = await git.currentBranch(opts.laneDir);
  if (current !== opts.branch) {
    violations.push(
      current === undefined
        ? `the agent left the lane on a detached HEAD instead of branch ${opts.branch}`
        : `the agent switched the lane to branch ${current} instead of ${opts.branch}`,
    );
  }
  let committedLeftovers = false;
  if (await git.isDirty(opts.laneDir)) {
    const c = await git.commitAll({
      cwd: opts.laneDir,
      message: "flotilla: uncommitted work left by the agent",
    });
    committedLeftovers = c.ok;
  }
  // The lane branch is the work; if the agent deleted or never had it, take HEAD.
  const branchTip = await git.revParse(opts.laneDir, `refs/heads/${opts.branch}`);
  const headTip = await git.revParse(opts.laneDir, "HEAD");
  let head = branchTip ?? headTip;
  if (branchTip === undefined) violations.push(`the agent deleted its branch ${opts.branch}`);
  if (branchTip !== undefined && headTip !== undefined && headTip !== branchTip && current !== opts.branch) {
    const extra = await git.commitsBetween({ cwd: opts.laneDir, from: branchTip, to: headTip });
    if (extra.length > 0) {
      violations.push(
        `${extra.length} commit(s) made on ${current ?? "a detached HEAD"}, not on the lane branch`,
      );
      // The work is still the agent's: take it if the lane branch has none.
      if (branchTip === opts.startCommit) head = headTip;
    }
  }
  // Reset to the start (or its commits dropped otherwise): the lane's HEAD reflog still has them.
  // (Only when the branch holds no work: an amend or a rebase also leaves commits behind, by intent.)
  const recovered =
    head === undefined || head === opts.startCommit
      ? await recoverFromReflog({ laneDir: opts.laneDir, startCommit: opts.startCommit, head })
      : undefined;
  if (recovered !== undefined) {
    const keep = `refs/flotilla/recovered/${opts.branch}`;
    await git.updateRef({ cwd: opts.laneDir, ref: keep, newValue: recovered });
    violations.push(
      `the agent dropped commits from its branch; recovered ${recovered.slice(0, 12)} from the lane's reflog (kept as ${keep})`,
    );
    head = recovered;
  }
  if (head === undefined) return { head, commits: [], filesChanged: [], committedLeftovers, violations };
  const commits = await git.commitsBetween({ cwd: opts.laneDir, from: opts.startCommit, to: head });
  const filesChanged =
    commits.length === 0
      ? []
      : await git.filesChanged({ cwd: opts.laneDir, from: opts.startCommit, to: head });
  return { head, commits, filesChanged, committedLeftovers, violations };
}

/** A snapshot of the user's checkout, to tell whether an agent wrote into it. */
export async function checkoutSnapshot(repoDir: string): Promise<Map<string, string>> {
  // Status codes alone miss a second edit of an already-modified file, so size and mtime join them.
  const entries = await git.statusPorcelain(repoDir);
  return new Map(
    entries.map((e) => {
      let stamp = "gone";
      try {
        const st = lstatSync(join(repoDir, e.path));
        stamp = `${st.size}:${st.mtimeMs}`;
      } catch {
        // deleted: the code says so
      }
      return [e.path, `${e.code}:${stamp}`];
    }),
  );
}

/** Paths whose state in the user's checkout changed between two snapshots. */
export function checkoutChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  const changed: string[] = [];
  for (const [path, code] of after) if (before.get(path) !== code) changed.push(path);
  for (const path of before.keys()) if (!after.has(path)) changed.push(path);
  return changed.sort();
}

/** The index lock file of a lane (a linked worktree: its `.git` file names its git dir). */
export function laneIndexLock(laneDir: string): string | undefined {
  try {
    const text = readFileSync(join(laneDir, ".git"), "utf8");
    const m = /^gitdir: (.+)$/m.exec(text);
    if (m === null) return undefined;
    const dir = m[1]!.trim();
    return join(isAbsolute(dir) ? dir : resolve(laneDir, dir), "index.lock");
  } catch {
    return undefined;
  }
}

// The newest commit in the lane's HEAD reflog that builds on the start and that `head` lacks.
async function recoverFromReflog(opts: {
  laneDir: string;
  startCommit: string;
  head: string | undefined;
}): Promise<string | undefined> {
  const log = await git.git({
    cwd: opts.laneDir,
    args: ["reflog", "show", "--format=%H", "-n", "200", "HEAD", "--"],
  });
  if (!log.ok) return undefined;
  const seen = new Set<string>();
  for (const sha of log.value.stdout.split("\n")) {
    if (sha === "" || seen.has(sha) || sha === opts.startCommit || sha === opts.head) continue;
    seen.add(sha);
    if (!(await git.isAncestor({ cwd: opts.laneDir, ancestor: opts.startCommit, descendant: sha }))) continue;
    if (
      opts.head !== undefined &&
      (await git.isAncestor({ cwd: opts.laneDir, ancestor: sha, descendant: opts.head }))
    )
      continue;
    return sha;
  }
  return undefined;
}

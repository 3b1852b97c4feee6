// Everything checked before anything is started: a refused run leaves no lane, no branch, no row.
import * as git from "../adapters/git/index.js";
import { findExecutable } from "../adapters/process/find-executable.js";
import type { AgentProfile, Plan } from "../plan/types.js";
import { err, ok, type Result } from "../util/result.js";

/** What preflight learned, for the run to use. */
export interface PreflightFacts {
  readonly repoDir: string;
  readonly commonDir: string;
  readonly base: string;
  readonly baseCommit: string;
  /** The integration branch's tip when it exists already (reused: it descends from base). */
  readonly integrationTip: string | undefined;
}

/** One reason not to start. */
export interface PreflightProblem {
  readonly reason:
    | "not-a-repo"
    | "nested"
    | "no-base"
    | "base-missing"
    | "integration-diverged"
    | "integration-checked-out"
    | "agent-missing"
    | "gate-missing";
  readonly message: string;
}

/** Checks the repository, branches, recursion guard, agents and gates. */
export async function preflight(opts: {
  plan: Plan;
  cwd: string;
  env: NodeJS.ProcessEnv;
  allowNested: boolean;
  /** A resumed run's integration branch is its own: the base may have moved on since (land merges it in). */
  resuming?: boolean;
}): Promise<Result<PreflightFacts, PreflightProblem[]>> {
  const { plan } = opts;
  const depth = Number(opts.env["FLOTILLA_DEPTH"] ?? "0");
  if (depth > 0 && !opts.allowNested) {
    return err([
      {
        reason: "nested",
        message: `refusing to start: this is inside a flotilla lane (FLOTILLA_DEPTH=${depth}). A run inside a run is almost always an agent recursing; pass --allow-nested if you mean it.`,
      },
    ]);
  }
  const repoDir = await git.repoRoot(opts.cwd);
  if (repoDir === undefined) {
    return err([
      {
        reason: "not-a-repo",
        message: `${opts.cwd} is not inside a git repository (run \`git init\` first, with at least one commit)`,
      },
    ]);
  }
  const commonDir = await git.commonDir(repoDir);
  const problems: PreflightProblem[] = [];
  const base = plan.base ?? (await git.currentBranch(repoDir));
  let baseCommit: string | undefined;
  let integrationTip: string | undefined;
  if (base === undefined) {
    problems.push({
      reason: "no-base",
      message: "no base branch: HEAD is detached here and the plan has no `base:`",
    });
  } else {
    baseCommit = await git.revParse(repoDir, `refs/heads/${base}`);
    if (baseCommit === undefined) {
      problems.push({
        reason: "base-missing",
        message: `the base branch "${base}" does not exist (create it, or set \`base:\` in the plan)`,
      });
    } else {
      integrationTip = await git.revParse(repoDir, `refs/heads/${plan.integrationBranch}`);
      if (
        integrationTip !== undefined &&
        opts.resuming !== true &&
        !(await git.isAncestor({ cwd: repoDir, ancestor: baseCommit, descendant: integrationTip }))
      ) {
        problems.push({
          reason: "integration-diverged",
          message: `the integration branch "${plan.integrationBranch}" exists from an older run and does not contain ${base}; delete it (git branch -D ${plan.integrationBranch}) or set \`integration_branch:\` in the plan`,
        });
      }
      const holder = (await git.worktreeList(repoDir)).find(
        (w) => w.branch === `refs/heads/${plan.integrationBranch}`,
      );
      if (holder !== undefined) {
        problems.push({
          reason: "integration-checked-out",
          message: `the integration branch "${plan.integrationBranch}" is checked out at ${holder.path}; switch that worktree to another branch first`,
        });
      }
    }
  }
  const used = new Set<string>(plan.items.map((i) => i.agent));
  for (const name of [...used].sort()) {
    const profile = plan.agents[name];
    if (profile === undefined) continue;
    const command = agentCommand(profile);
    if (command !== undefined && findExecutable(command, { env: opts.env }) === undefined) {
      problems.push({
        reason: "agent-missing",
        message: `agent profile "${name}" runs \`${command}\`, which is not installed or not on PATH; install it or point the profile's \`command\` at it`,
      });
    }
  }
  const gates = [...plan.gates.preMerge, ...plan.gates.postMerge, ...plan.gates.land];
  for (const gate of new Set(gates)) {
    const word = firstWord(gate);
    if (word !== undefined && findExecutable(word, { env: opts.env }) === undefined) {
      problems.push({
        reason: "gate-missing",
        message: `gate \`${gate}\` runs \`${word}\`, which is not installed or not on PATH`,
      });
    }
  }
  if (problems.length > 0 || base === undefined || baseCommit === undefined) return err(problems);
  return ok({ repoDir, commonDir, base, baseCommit, integrationTip });
}

/** The program a profile starts, to check it exists before anything else happens. */
export function agentCommand(profile: AgentProfile): string | undefined {
  if (profile.command !== undefined) return profile.command[0];
  switch (profile.use) {
    case "claude":
      return "claude";
    case "codex":
      return "codex";
    case "gemini":
      return "gemini";
    case "aider":
      return "aider";
    case "opencode":
      return "opencode";
    case "shell":
      return "sh";
    case undefined:
      return undefined;
  }
}

const SHELL_WORDS = new Set(
  "! : . [ [[ alias bg break builtin case cd command continue echo eval exec exit export false fg for function getopts hash if jobs kill let local printf pwd read readonly return set shift source test times trap true type ulimit umask unalias unset until wait while { (".split(
    " ",
  ),
);

// The program a simple gate command starts: only checked when it is a plain word (no path, no
// assignment, no shell syntax) — anything else is the shell's business at run time (exit 127).
function firstWord(command: string): string | undefined {
  const word = command.trim().split(/\s+/)[0] ?? "";
  if (word === "" || SHELL_WORDS.has(word) || /[/=$`'"\\(){};&|<>*?]/.test(word)) return undefined;
  return word;
}

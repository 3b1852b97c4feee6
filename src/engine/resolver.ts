// The resolver of a medium conflict: an agent in a fresh lane whose branch starts at a commit holding
// merge-tree's result with conflict markers (its parent is the integration head it conflicted with).
// It gets the item's task, what conflicts and both sides' diffs, and must commit a resolution with no
// markers. Then the resolution becomes a proper merge — its tree, parents [integration head, item
// head] — for the merge queue to gate like any other. Every ending is a value; the resolver's
// commits stay reachable by its branch and a ref under refs/flotilla/resolutions/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as git from "../adapters/git/index.js";
import { blobsAt, readBlob } from "../adapters/git/objects.js";
import { agentEnv } from "../adapters/agents/agent-env.js";
import { defaultAllowedTools } from "../adapters/agents/claude.js";
import { profileKind } from "../adapters/agents/index.js";
import { leftoverMarkers } from "../core/conflict-markers.js";
import type { ResolverOutcome } from "../core/events.js";
import { buildResolverPrompt } from "../core/resolver-prompt.js";
import type { AgentProfile, Item, Plan } from "../plan/types.js";
import { err, ok, type Result } from "../util/result.js";
import { AGENT_STDOUT, runAgentSession, sessionFailure } from "./agent-session.js";
import { checkoutViolation } from "./attempt.js";
import { boundedDiff } from "./bounded-diff.js";
import type { EngineContext } from "./context.js";
import { readLaneFacts } from "./git-facts.js";
import { openLane, provisionLane } from "./lane.js";
import type { EntryResolution, MergeOutcome, QueueEntry } from "./merge-queue.js";
import { names } from "./paths.js";

type ConflictOutcome = Extract<MergeOutcome, { kind: "conflict" }>;

/** Lines of each side's diff a resolver's prompt shows at most. */
const SIDE_DIFF_MAX_LINES = 300;

/** The conflict a resolver is started on. */
export interface ResolverStart {
  readonly ctx: EngineContext;
  readonly item: Item;
  readonly profile: AgentProfile;
  /** The attempt whose work conflicts, and its head commit (theirs). */
  readonly entry: Pick<QueueEntry, "attempt" | "head">;
  /** The integration head it conflicted with (ours), the files and what conflicts in them. */
  readonly conflict: Pick<ConflictOutcome, "against" | "files" | "description">;
  /** merge-tree's tree: conflict markers in the files, trivial conflicts already resolved. */
  readonly tree: string;
  /** The concurrent slot of the session (its port range). */
  readonly slot: number;
  /** 1 for the attempt's first resolver; more when earlier resolutions were overtaken. */
  readonly round?: number;
}

/** What the resolver spent, for the run's budget. */
export interface ResolverSpend {
  readonly costUsd: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
}

/** How a resolver ended: a merge commit for the queue, or why not. */
export type ResolverResult =
  | {
      readonly kind: "resolved";
      /** The merge (the resolution's tree, parents [against, the item's head]), for the queue. */
      readonly resolution: EntryResolution;
      readonly spent: ResolverSpend;
    }
  | {
      readonly kind: "failed";
      readonly outcome: Exclude<ResolverOutcome, "resolved">;
      readonly reason: string;
      readonly details?: string;
      readonly spent: ResolverSpend;
    };

/**
 * The profile that resolves an item's medium conflicts: `merge.resolver`, else the item's own. The
 * shell agent only replays an item's `run:` command, so it resolves nothing.
 */
export function resolverProfile(plan: Plan, item: Item): Result<AgentProfile, string> {
  const name = plan.merge.resolver ?? item.agent;
  const profile = plan.agents[name];
  if (profile === undefined) throw new Error(`bug: resolver profile ${name} unknown after validation`);
  if (profileKind(profile) === "shell") {
    return err(
      `no resolver ran: ${plan.merge.resolver === undefined ? `the item's agent "${name}"` : `merge.resolver "${name}"`} is the shell agent (set merge.resolver to an agent profile)`,
    );
  }
  return ok(profile);
}

/** Runs the resolver to its end. */
export async function runResolver(r: ResolverStart): Promise<ResolverResult> {
  const { ctx, item } = r;
  const { attempt, head } = r.entry;
  const { against, files } = r.conflict;
  const round = r.round ?? 1;
  const laneDir = ctx.paths.resolverLaneDir(ctx.runId, item.id, attempt, round);
  const branch = names.resolverBranch(ctx.runId, item.id, attempt, round);
  const logDir = ctx.paths.resolverDir(ctx.runId, item.id, attempt, round);
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  let spent: ResolverSpend = { costUsd: 0, tokensIn: 0, tokensOut: 0 };
  const fail = (
    outcome: Exclude<ResolverOutcome, "resolved">,
    reason: string,
    extra: { details?: string; head?: string | undefined; exitCode?: number | null } = {},
  ): ResolverResult => {
    emitEnded(r, { outcome, reason, started, spent, head: extra.head, exitCode: extra.exitCode });
    return {
      kind: "failed",
      outcome,
      reason,
      ...(extra.details === undefined ? {} : { details: extra.details }),
      spent,
    };
  };

  const start = await git.commitTree({
    cwd: ctx.repoDir,
    tree: r.tree,
    parents: [against],
    message: `flotilla: merge of ${item.id} (attempt ${attempt}) with conflict markers in ${files.join(", ")}\n\nThe resolver starts here; its resolution becomes the merge of ${item.id}.\n\nRun: ${ctx.runId}\n`,
  });
  const opened = await openLane({ ctx, laneDir, branch, startCommit: start });
  if (!opened.ok) return fail("failed", opened.error);
  const base = await git.mergeBase({ cwd: ctx.repoDir, a: against, b: head });
  const side = (to: string) =>
    base === undefined
      ? Promise.resolve("(no merge base: the two sides share no history)")
      : boundedDiff({ cwd: ctx.repoDir, from: base, to, paths: files, maxLines: SIDE_DIFF_MAX_LINES });
  const prompt = buildResolverPrompt({
    item,
    attempt,
    branch,
    laneDir,
    files,
    conflict: r.conflict.description,
    oursDiff: await side(against),
    theirsDiff: await side(head),
    gates: ctx.plan.gates.postMerge,
  });
  const promptFile = join(logDir, "prompt.md");
  writeFileSync(promptFile, prompt);
  ctx.emit({
    type: "resolver-started",
    itemId: item.id,
    attempt,
    agent: r.profile.name,
    lane: laneDir,
    branch,
    files,
    promptFile,
    stdoutFile: join(logDir, AGENT_STDOUT),
  });
  const env = agentEnv({
    base: ctx.baseEnv,
    run: ctx.runId,
    item: item.id,
    attempt,
    worktree: laneDir,
    promptFile,
    feedbackFile: undefined,
    baseCommit: start,
    port: ctx.options.portBase + r.slot * ctx.options.portStride,
    depth: Number(ctx.baseEnv["FLOTILLA_DEPTH"] ?? "0"),
    role: "resolver",
  });
  const setup = await provisionLane({ ctx, laneDir, env, logDir });
  if (!setup.ok) return fail("failed", setup.error.message);

  const ran = await runAgentSession({
    ctx,
    profile: r.profile,
    item,
    prompt,
    promptFile,
    laneDir,
    env,
    logDir,
    allowedTools: defaultAllowedTools({ gates: ctx.plan.gates.postMerge, checks: [] }),
    watch: { itemId: item.id, attempt },
  });
  if (!ran.ok) return fail("failed", `the resolver could not be started: ${ran.error.reason}`);
  const session = ran.value;
  const { said, proc } = session;
  spent = { costUsd: said.costUsd ?? 0, tokensIn: said.tokensIn ?? 0, tokensOut: said.tokensOut ?? 0 };

  // Whatever happened, the resolver's commits are kept by a ref before anything else is decided.
  const facts = await readLaneFacts({ repoDir: ctx.repoDir, laneDir, branch, startCommit: start });
  if (facts.head !== undefined && facts.head !== start) {
    await git.updateRef({
      cwd: ctx.repoDir,
      ref: names.resolverRef(ctx.runId, item.id, attempt, round),
      newValue: facts.head,
    });
  }
  for (const v of facts.violations) ctx.emit({ type: "warning", itemId: item.id, message: `resolver: ${v}` });
  for (const c of session.changes) {
    ctx.emit({
      type: "warning",
      itemId: item.id,
      message: `resolver: ${checkoutViolation(c, { itemId: item.id, attempt })}`,
    });
  }
  const ending = { head: facts.head, exitCode: proc.exitCode };
  const stopped = sessionFailure({ session, ctx, who: "the resolver" });
  if (stopped !== undefined) {
    return fail(stopped.outcome === "cancelled" ? "cancelled" : "failed", stopped.reason, {
      ...ending,
      ...(stopped.details === undefined ? {} : { details: stopped.details }),
    });
  }
  const own = facts.commits.length - (facts.committedLeftovers ? 1 : 0);
  if (facts.head === undefined || own <= 0) {
    const left = facts.committedLeftovers
      ? "; it left its changes uncommitted (flotilla committed them on its branch for you to look at)"
      : "";
    return fail("failed", `the resolver made no commit${left}`, ending);
  }
  const markers = await markersLeft({ cwd: ctx.repoDir, against, head, files, resolved: facts.head });
  if (!markers.ok)
    return fail("failed", `could not check the resolution for conflict markers: ${markers.error}`, ending);
  if (markers.value.length > 0)
    return fail("failed", `conflict markers are left in ${markers.value.join("; ")}`, ending);
  const tree = await git.revParse(ctx.repoDir, `${facts.head}^{tree}`);
  if (tree === undefined) throw new Error(`bug: the resolver's commit ${facts.head} has no tree`);
  if (tree === (await git.revParse(ctx.repoDir, `${against}^{tree}`))) {
    return fail(
      "failed",
      "the resolution keeps none of this item's changes (it is the integration branch as it was)",
      ending,
    );
  }
  const commit = await git.commitTree({
    cwd: ctx.repoDir,
    tree,
    parents: [against, head],
    message: `flotilla: merge ${item.id} (attempt ${attempt}), conflicts resolved by ${r.profile.name}\n\n${item.title}\n\nConflicts in ${files.join(", ")} resolved by the resolver in ${facts.head}.\n\nRun: ${ctx.runId}\n`,
  });
  emitEnded(r, { outcome: "resolved", started, spent, head: facts.head, exitCode: proc.exitCode });
  return { kind: "resolved", resolution: { commit, against, files, resolverHead: facts.head }, spent };
}

function emitEnded(
  r: ResolverStart,
  e: {
    outcome: ResolverOutcome;
    reason?: string;
    started: number;
    spent: ResolverSpend;
    head: string | undefined;
    exitCode: number | null | undefined;
  },
): void {
  r.ctx.emit({
    type: "resolver-ended",
    itemId: r.item.id,
    attempt: r.entry.attempt,
    outcome: e.outcome,
    ...(e.reason === undefined ? {} : { reason: e.reason }),
    ...(e.head === undefined ? {} : { head: e.head }),
    ...(e.exitCode === undefined ? {} : { exitCode: e.exitCode }),
    ...(e.spent.costUsd > 0 ? { costUsd: e.spent.costUsd } : {}),
    ...(e.spent.tokensIn > 0 ? { tokensIn: e.spent.tokensIn } : {}),
    ...(e.spent.tokensOut > 0 ? { tokensOut: e.spent.tokensOut } : {}),
    durationMs: Date.now() - e.started,
  });
}

// Marker lines the resolution added, in the conflicted files and in every file the merge changes
// (against → resolved), as "file (line n: text)"; at most three lines per file are named. A file git
// cannot read is an error (a resolution is never taken unchecked).
async function markersLeft(opts: {
  cwd: string;
  against: string;
  head: string;
  files: readonly string[];
  resolved: string;
}): Promise<Result<string[], string>> {
  const { cwd } = opts;
  const changed = await git.filesChanged({ cwd, from: opts.against, to: opts.resolved });
  const files = [...new Set([...opts.files, ...changed])].sort();
  const blobs: Map<string, string>[] = [];
  for (const rev of [opts.resolved, opts.against, opts.head]) {
    const found = await blobsAt({ cwd, rev, paths: files });
    if (!found.ok) return err(found.error.message);
    blobs.push(found.value);
  }
  const out: string[] = [];
  for (const file of files) {
    if (blobs[0]?.get(file) === undefined) continue;
    // The resolved text, then ours and theirs ("" where a side has no such file).
    const texts: string[] = [];
    for (const side of blobs) {
      const oid = side.get(file);
      const blob = oid === undefined ? ok("") : await readBlob({ cwd, oid });
      if (!blob.ok) return err(blob.error.message);
      texts.push(blob.value);
    }
    const [resolved = "", ours = "", theirs = ""] = texts;
    if (resolved.includes("\0")) continue;
    const found = leftoverMarkers({ resolved, ours, theirs });
    if (found.length === 0) continue;
    const shown = found.slice(0, 3).map((m) => `line ${m.line}: ${m.text}`);
    out.push(`${file} (${shown.join(", ")}${found.length > 3 ? `, and ${found.length - 3} more` : ""})`);
  }
  return ok(out);
}

// The prompt an agent gets: what to do, the rules of its lane, what earlier items did, and what
// went wrong before. Pure: the engine writes the result to a file and passes it as one argv element.
import type { Item } from "../plan/types.js";

/** What a finished dependency (or earlier item) did, relayed to later agents. */
export interface RelayEntry {
  readonly itemId: string;
  readonly title: string;
  readonly filesChanged: readonly string[];
  readonly commits: readonly { readonly sha: string; readonly subject: string }[];
  readonly notes?: string;
  /** false: not a dependency, one of the most recently merged items. */
  readonly dependency?: boolean;
}

/** A criterion an earlier attempt did not meet: the plan's text verbatim and what was found. */
export interface FailedCriterion {
  readonly criterion: string;
  readonly evidence: string;
}

/** Why an earlier attempt of this item was not accepted. */
export interface FeedbackEntry {
  readonly attempt: number;
  readonly outcome: string;
  readonly reason: string;
  /** Criteria not met, each quoted verbatim in the next prompt with what was found and what is required. */
  readonly criteria?: readonly FailedCriterion[];
  /** An earlier item's criterion this attempt's merge broke. */
  readonly broke?: { readonly itemId: string; readonly criterion: string };
  /** Gate command, check or other detail with its output tail. */
  readonly details?: string;
  /** The attempt's own changes, for the next attempt to see (filled from `diffRange`). */
  readonly diff?: string;
  readonly diffRange?: { readonly from: string; readonly to: string };
}

/** Everything the prompt is built from. */
export interface PromptInput {
  readonly runId: string;
  readonly item: Item;
  readonly attempt: number;
  readonly branch: string;
  readonly laneDir: string;
  readonly relay: readonly RelayEntry[];
  readonly feedback: readonly FeedbackEntry[];
  /** Gate commands the work will be judged by (shown so the agent can run them). */
  readonly gates: readonly string[];
}

const MAX_RELAY_FILES = 40;
const MAX_RELAY_COMMITS = 10;
const MAX_NOTES = 2000;

/** Builds the agent's prompt as Markdown. */
export function buildPrompt(input: PromptInput): string {
  const { item } = input;
  const out: string[] = [];
  out.push(`# ${item.title}`, "", `Item: ${item.id}`, `Attempt: ${input.attempt}`, "");
  if (item.description.trim() !== "") out.push("## Task", "", item.description.trimEnd(), "");
  if (item.acceptance.length > 0) {
    out.push("## Acceptance criteria", "");
    for (const c of item.acceptance) {
      out.push(`- ${c.text}${c.check === undefined ? "" : ` (checked by running: \`${c.check}\`)`}`);
    }
    out.push("");
  }
  if (item.touches.length > 0) {
    out.push("## Expected scope", "", `You are expected to change: ${item.touches.join(", ")}`, "");
  }
  if (input.gates.length > 0) {
    out.push(
      "## How the work is judged",
      "",
      "After you finish, these commands must exit 0 in this directory:",
      ...input.gates.map((g) => `- \`${g}\``),
      "",
    );
  }
  out.push(
    "## Rules of this lane",
    "",
    `- Work only in this directory: ${input.laneDir}`,
    `- You are on branch \`${input.branch}\`. Commit your work on this branch (git add, git commit). Do not switch branches.`,
    "- Do not push, do not merge other branches, and do not change files outside this directory.",
    "- Leave no uncommitted changes: anything uncommitted is committed for you and reported.",
    "- End your last message with a line `STATUS: COMPLETE`, `STATUS: PARTIAL` or `STATUS: BLOCKED`,",
    "  optionally followed by `NOTES:` and what later work should know.",
    "",
  );
  if (input.relay.length > 0) {
    out.push("## Prior results", "", "What earlier items did (already merged into your starting point):", "");
    for (const r of input.relay) {
      out.push(`### ${r.itemId}: ${r.title}`);
      const files = r.filesChanged.slice(0, MAX_RELAY_FILES);
      const more = r.filesChanged.length - files.length;
      out.push(`- Files changed: ${files.join(", ") || "none"}${more > 0 ? ` (and ${more} more)` : ""}`);
      for (const c of r.commits.slice(0, MAX_RELAY_COMMITS))
        out.push(`- Commit ${c.sha.slice(0, 10)}: ${c.subject}`);
      out.push(
        `- Status: merged${r.dependency === false ? " (recently; not a dependency of this item)" : ""}`,
      );
      if (r.notes !== undefined && r.notes.trim() !== "")
        out.push(`- Notes: ${r.notes.trim().slice(0, MAX_NOTES)}`);
      out.push("");
    }
  }
  if (input.feedback.length > 0) {
    out.push(
      "## Previous attempt feedback",
      "",
      "Earlier attempts of this item were not accepted. Fix these:",
      "",
    );
    for (const f of input.feedback) {
      out.push(`### Attempt ${f.attempt}: ${f.outcome}`, "", f.reason);
      for (const c of f.criteria ?? []) {
        const fence = fenceFor(c.evidence);
        out.push(
          "",
          "Criterion not met (quoted verbatim from the plan):",
          "",
          ...c.criterion.split("\n").map((l) => `> ${l}`),
          "",
          "What was found:",
          "",
          fence,
          c.evidence.trimEnd() || "(no evidence given)",
          fence,
          "",
          "Required: change the work so this criterion holds as written.",
        );
      }
      if ((f.criteria ?? []).length === 0 && f.details !== undefined && f.details.trim() !== "") {
        const fence = fenceFor(f.details);
        out.push("", fence, f.details.trimEnd(), fence);
      }
      if (f.diff !== undefined && f.diff.trim() !== "") {
        const fence = fenceFor(f.diff);
        out.push("", `Your changes in attempt ${f.attempt}:`, "", `${fence}diff`, f.diff.trimEnd(), fence);
      }
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** A code fence longer than any run of backticks in the text, so agent output cannot close it early. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

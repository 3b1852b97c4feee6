// The prompt of a resolver: an agent started in a lane that holds the merge of the integration
// branch and an item's work, with conflict markers in a few files. It gets the item's task, what
// conflicts, both sides' changes to those files, and the rules. Pure, like prompt.ts.
import type { Item } from "../plan/types.js";
import { fenceFor } from "./prompt.js";

/** Everything a resolver's prompt is built from. */
export interface ResolverPromptInput {
  readonly item: Item;
  /** The attempt whose work conflicts. */
  readonly attempt: number;
  readonly branch: string;
  readonly laneDir: string;
  /** The files with conflict markers. */
  readonly files: readonly string[];
  /** What conflicts, one line per file (describeMerge). */
  readonly conflict: string;
  /** The integration branch's changes to `files` since the merge base (a bounded diff). */
  readonly oursDiff: string;
  /** The item's changes to `files` since the merge base (a bounded diff). */
  readonly theirsDiff: string;
  /** Commands the merged result must pass (the post-merge gates). */
  readonly gates: readonly string[];
}

/** Builds the resolver's prompt as Markdown. */
export function buildResolverPrompt(input: ResolverPromptInput): string {
  const { item } = input;
  const out: string[] = [];
  out.push(
    `# Resolve the merge conflicts of: ${item.title}`,
    "",
    `Item: ${item.id}`,
    `Attempt: ${input.attempt}`,
    "Role: resolver",
    "",
    "This item's work was finished and accepted, but other work merged into the integration branch",
    "in the meantime changed the same lines. This directory holds the merge of both, with conflict",
    `markers in ${input.files.length === 1 ? "one file" : `${input.files.length} files`}. Resolve them so that both changes hold.`,
    "",
  );
  if (item.description.trim() !== "") out.push("## The item's task", "", item.description.trimEnd(), "");
  out.push(
    "## What conflicts",
    "",
    ...input.files.map((f) => `- \`${f}\``),
    "",
    input.conflict.trimEnd(),
    "",
  );
  out.push(...diffSection("## The integration branch's changes to these files (ours)", input.oursDiff));
  out.push(...diffSection("## This item's changes to these files (theirs)", input.theirsDiff));
  if (input.gates.length > 0) {
    out.push(
      "## How the result is judged",
      "",
      "After you finish, the merged result must pass these commands:",
      ...input.gates.map((g) => `- \`${g}\``),
      "",
    );
  }
  out.push(
    "## Rules",
    "",
    `- Work only in this directory: ${input.laneDir}`,
    `- You are on branch \`${input.branch}\`. Edit the conflicted files so each keeps the intent of both sides.`,
    "- Leave no conflict markers: no line may start with `<<<<<<<`, `=======` or `>>>>>>>` from the merge.",
    "- Commit the result on this branch (git add, git commit). Do not switch branches, merge, rebase or push.",
    "- Change other files only where the merge needs it to work.",
    "- End your last message with a line `STATUS: COMPLETE`, or `STATUS: BLOCKED` followed by why both",
    "  changes cannot hold together.",
  );
  return `${out.join("\n").trimEnd()}\n`;
}

function diffSection(heading: string, diff: string): string[] {
  if (diff.trim() === "") return [heading, "", "(no changes)", ""];
  const fence = fenceFor(diff);
  return [heading, "", `${fence}diff`, diff.trimEnd(), fence, ""];
}

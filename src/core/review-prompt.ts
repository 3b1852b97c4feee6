// The reviewer's prompt: the criteria verbatim, the attempt's diff (already bounded), the check
// evidence, and the exact answer format flotilla parses. Pure: the engine writes it to a file.
import type { Item } from "../plan/types.js";
import { fenceFor } from "./prompt.js";
import type { CheckEvidence } from "./review.js";

/** What the reviewer's prompt is built from. */
export interface ReviewPromptInput {
  readonly item: Item;
  readonly attempt: number;
  readonly laneDir: string;
  /** The attempt's diff against its start, bounded by the caller. */
  readonly diff: string;
  readonly checks: readonly CheckEvidence[];
  /** What the agent said in its last message (its NOTES), if anything. */
  readonly agentNotes?: string;
  /** Set when the agent said `STATUS: PARTIAL`: what it says remains (a follow-up item does it). */
  readonly partial?: string;
  /** Set when the previous answer could not be read: the reviewer is asked once more. */
  readonly unreadable?: string;
}

/** Builds the reviewer's prompt as Markdown. */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  const { item } = input;
  const out: string[] = [
    `# Review: ${item.title}`,
    "",
    `Item: ${item.id}`,
    `Attempt: ${input.attempt}`,
    "Role: reviewer",
    "",
    "You are the reviewer of another agent's work. Judge whether it meets each acceptance criterion below.",
    `The work is checked out in ${input.laneDir}; read files there if you need to. Do not change anything.`,
    "",
  ];
  if (item.description.trim() !== "") out.push("## Task", "", item.description.trimEnd(), "");
  out.push("## Acceptance criteria (verbatim)", "");
  if (item.acceptance.length === 0) out.push("(none given: judge whether the task is done)");
  item.acceptance.forEach((c, i) => out.push(`${i + 1}. ${c.text}`));
  out.push("");
  if (input.checks.length > 0) {
    out.push("## Check evidence (commands flotilla ran in the lane)", "");
    for (const c of input.checks) {
      const how = c.timedOut ? "timed out" : `exit ${c.exitCode ?? "signal"}`;
      out.push(`- \`${c.command}\` for "${c.criterion}": ${how} in ${c.durationMs} ms`);
    }
    out.push("");
  }
  if (input.agentNotes !== undefined && input.agentNotes.trim() !== "") {
    out.push("## What the agent said", "", input.agentNotes.trim(), "");
  }
  if (input.partial !== undefined) {
    out.push(
      "## The agent did part of the task",
      "",
      "It ended with STATUS: PARTIAL; a follow-up item will do what remains:",
      "",
      input.partial.trim() === "" ? "(not listed)" : input.partial.trim(),
      "",
      "Judge the part it did. A criterion that only the remaining work can meet is not unmet for this",
      'attempt: mark it "met" with the evidence "left for the follow-up".',
      "",
    );
  }
  const fence = fenceFor(input.diff);
  out.push("## The attempt's changes", "", `${fence}diff`, input.diff.trimEnd(), fence, "");
  out.push(
    "## Your answer",
    "",
    "End your answer with one fenced JSON block in exactly this shape, one entry per criterion,",
    'the criterion text copied verbatim, and evidence as "file:line …" or the command you ran:',
    "",
    "```json",
    '{"verdict":"PASS","criteria":[{"criterion":"…","status":"met","evidence":"src/x.ts:12 …"}]}',
    "```",
    "",
    '- "verdict" is "PASS" only when every criterion is met (or a spec defect).',
    '- "status" is "met", "unmet", or "spec_defect" when the criterion cannot be met as written',
    "  (it names a file, command or API that does not exist, or contradicts another criterion); say why in evidence.",
    "- If you cannot give JSON, end with a line `Final verdict: PASS` or `Final verdict: FAIL`.",
  );
  if (input.unreadable !== undefined) {
    out.push(
      "",
      "## Your previous answer could not be read",
      "",
      `It was: ${input.unreadable}`,
      "Answer again, ending with the JSON block above.",
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}

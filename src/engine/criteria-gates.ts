// Criteria stay true after later merges: the `check:` commands of every item already merged run
// again with the post-merge and land gates. A failure of one of them names the item and criterion
// it broke; a newcomer that breaks the same one twice contradicts it and fails instead of looping.
import type { FeedbackEntry } from "../core/prompt.js";
import type { Item } from "../plan/types.js";

/** One accepted item's check, run again on every later merge and at land. */
export interface AcceptedCheck {
  readonly itemId: string;
  readonly criterion: string;
  readonly command: string;
}

/** The checks of the given merged items, in their order, each command once. */
export function acceptedChecks(merged: readonly Item[]): AcceptedCheck[] {
  const seen = new Set<string>();
  const out: AcceptedCheck[] = [];
  for (const item of merged) {
    for (const c of item.acceptance) {
      if (c.check === undefined || seen.has(c.check)) continue;
      seen.add(c.check);
      out.push({ itemId: item.id, criterion: c.text, command: c.check });
    }
  }
  return out;
}

/** A gate list with the accepted checks after the plan's own commands, and who owns each check. */
export function withAcceptedChecks(
  gates: readonly string[],
  checks: readonly AcceptedCheck[],
): { readonly commands: readonly string[]; readonly owner: (command: string) => AcceptedCheck | undefined } {
  const own = new Set(gates);
  const extra = checks.filter((c) => !own.has(c.command));
  return {
    commands: [...gates, ...extra.map((c) => c.command)],
    owner: (command) => extra.find((c) => c.command === command),
  };
}

/** What a merge that broke an accepted item's check means for the newcomer. */
export type BreakVerdict =
  | { readonly kind: "retry"; readonly reason: string }
  | { readonly kind: "contradiction"; readonly reason: string };

/**
 * The first break of an item's criterion sends the newcomer back with feedback naming it; a second
 * break of the same criterion (after it was told) means both cannot hold: a contradiction.
 */
export function judgeBreak(feedback: readonly FeedbackEntry[], broke: AcceptedCheck): BreakVerdict {
  const before = feedback.some(
    (f) => f.broke !== undefined && f.broke.itemId === broke.itemId && f.broke.criterion === broke.criterion,
  );
  if (before) return { kind: "contradiction", reason: `contradicts ${broke.itemId}: ${broke.criterion}` };
  return {
    kind: "retry",
    reason: `the merge broke item ${broke.itemId}'s accepted criterion "${broke.criterion}" (check \`${broke.command}\` failed on the merged result); keep it true while doing this item`,
  };
}

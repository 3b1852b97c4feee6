// The follow-up of a PARTIAL attempt: a new item `<id>-rest-<n>` holding what the agent said remains,
// depending on the item it continues and touching the same paths. Pure; the id is validated like a
// plan's (it becomes a branch and folder name).
import { validateId } from "../plan/ids.js";
import type { Item } from "../plan/types.js";
import { err, ok, type Result } from "../util/result.js";

/** Builds the follow-up item of `parent`, with an id not in `taken`. */
export function followUpItem(opts: {
  readonly parent: Item;
  /** What the agent listed as remaining (its NOTES after `STATUS: PARTIAL`). */
  readonly remaining: string;
  readonly taken: ReadonlySet<string>;
}): Result<Item, string> {
  const { parent } = opts;
  // A follow-up of a follow-up counts on from the same root: a-rest-1, a-rest-2, not a-rest-1-rest-1.
  const root = parent.id.replace(/-rest-\d+$/, "");
  let n = 1;
  while (opts.taken.has(`${root}-rest-${n}`)) n += 1;
  const id = `${root}-rest-${n}`;
  const valid = validateId(id);
  if (!valid.ok)
    return err(`no follow-up of ${parent.id} was added: its id "${id}" is invalid (${valid.reason})`);
  const remaining =
    opts.remaining.trim() === "" ? "(the agent did not list what remains)" : opts.remaining.trim();
  const description = [
    parent.description.trimEnd(),
    "",
    `## What remains (item ${parent.id} did part of this and said the rest is left)`,
    "",
    remaining,
  ]
    .join("\n")
    .trim();
  return ok({
    id,
    title: `${parent.title} (the rest)`,
    description,
    acceptance: [],
    dependsOn: [parent.id],
    touches: parent.touches,
    priority: parent.priority,
    agent: parent.agent,
    ...(parent.run === undefined ? {} : { run: parent.run }),
    ...(parent.budgetUsd === undefined ? {} : { budgetUsd: parent.budgetUsd }),
    ...(parent.budgetTokens === undefined ? {} : { budgetTokens: parent.budgetTokens }),
    loc: parent.loc,
  });
}

/**
 * The follow-ups a run added before it stopped, rebuilt from its `item-added` events in order (they
 * are not in the plan file, and resume must schedule them again). A follow-up whose parent is unknown
 * or whose rebuilt id differs from the recorded one is left out: the events are not what this code wrote.
 */
export function replayFollowUps(opts: {
  readonly items: readonly Item[];
  readonly events: readonly { readonly type: string; readonly data: Readonly<Record<string, unknown>> }[];
}): Item[] {
  const byId = new Map(opts.items.map((i) => [i.id, i]));
  const added: Item[] = [];
  for (const e of opts.events) {
    if (e.type !== "item-added") continue;
    const { itemId, parent, remaining } = e.data;
    if (typeof itemId !== "string" || typeof parent !== "string" || typeof remaining !== "string") continue;
    const from = byId.get(parent);
    if (from === undefined || byId.has(itemId)) continue;
    const made = followUpItem({ parent: from, remaining, taken: new Set(byId.keys()) });
    if (!made.ok || made.value.id !== itemId) continue;
    byId.set(itemId, made.value);
    added.push(made.value);
  }
  return added;
}

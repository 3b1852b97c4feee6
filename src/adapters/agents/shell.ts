// The built-in `shell` agent: an item's `run:` command, the one place plan text goes to a shell.
import type { Item } from "../../plan/types.js";
import { err, ok, type Result } from "../../util/result.js";

/** Why a shell item cannot be started. */
export interface ShellArgvError {
  readonly reason: "no-run";
  readonly item: string;
}

/** argv for a `shell` item: `sh -c <run>`, the command as exactly one argv element. */
export function shellArgv(item: Pick<Item, "id" | "run">): Result<readonly string[], ShellArgvError> {
  if (item.run === undefined || item.run.trim() === "") return err({ reason: "no-run", item: item.id });
  return ok(["sh", "-c", item.run]);
}

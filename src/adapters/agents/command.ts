// A `command:` profile: any program, its argv taken from the plan with placeholders filled in.
// No shell and no splitting: a placeholder's value stays inside the argv element it appears in.
import { err, ok, type Result } from "../../util/result.js";

/** The values a `command:` profile's placeholders stand for. */
export interface CommandPlaceholders {
  readonly prompt: string;
  readonly promptFile: string;
  readonly item: string;
  readonly worktree: string;
}

/** Why a command profile cannot be started. */
export interface CommandArgvError {
  readonly reason: "empty-command";
}

/** The placeholders a `command:` may use (for plan validation and messages). */
export const COMMAND_PLACEHOLDERS = ["{prompt}", "{prompt_file}", "{item}", "{worktree}"] as const;

const PLACEHOLDER = /\{(prompt|prompt_file|item|worktree)\}/g;

/** Substitutes the placeholders in each element, in one pass (values are never re-scanned). */
export function commandArgv(
  command: readonly string[],
  values: CommandPlaceholders,
): Result<readonly string[], CommandArgvError> {
  if (command.length === 0 || command[0] === "") return err({ reason: "empty-command" });
  const lookup: Record<string, string> = {
    prompt: values.prompt,
    prompt_file: values.promptFile,
    item: values.item,
    worktree: values.worktree,
  };
  return ok(command.map((arg) => arg.replace(PLACEHOLDER, (_m, name: string) => lookup[name] ?? "")));
}

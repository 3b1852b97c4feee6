// The built-ins flotilla starts but knows little about (gemini, aider, opencode): argv only, read as
// `text` (stdout is the last message). None of them was run here; flags are from their docs.
import type { AgentProfile } from "../../plan/types.js";
import { promptArgument } from "./prompt-arg.js";

/** Options shared by the argv builders in this file. */
export interface SimpleArgvOptions {
  readonly profile: AgentProfile;
  readonly prompt: string;
  readonly promptFile?: string;
  /** The executable (default: the agent's usual name). */
  readonly bin?: string;
}

/**
 * `gemini --prompt=<p> --output-format text --approval-mode=<m>`: the `=` form keeps a prompt that
 * starts with `-` a value. Text output because its JSON (`{response, stats}`) is none of the plan's
 * output formats. auto_edit by default: edits allowed, shell calls not (flotilla commits the changes).
 */
export function geminiArgv(options: SimpleArgvOptions): readonly string[] {
  const { profile } = options;
  return [
    options.bin ?? "gemini",
    `--prompt=${promptArgument(options.prompt, options.promptFile)}`,
    "--output-format",
    "text",
    `--approval-mode=${profile.permissionMode ?? "auto_edit"}`,
    ...(profile.model === undefined ? [] : ["--model", profile.model]),
  ];
}

/** `aider --message-file <file>` (or `--message=<p>`): one message, then exit; aider commits itself. */
export function aiderArgv(options: SimpleArgvOptions): readonly string[] {
  const { profile } = options;
  return [
    options.bin ?? "aider",
    "--yes-always",
    "--no-stream",
    "--no-pretty",
    "--no-check-update",
    ...(profile.model === undefined ? [] : ["--model", profile.model]),
    ...(options.promptFile === undefined
      ? [`--message=${options.prompt}`]
      : ["--message-file", options.promptFile]),
  ];
}

/** `opencode run [--model m] -- <prompt>`: one headless session. */
export function opencodeArgv(options: SimpleArgvOptions): readonly string[] {
  const { profile } = options;
  return [
    options.bin ?? "opencode",
    "run",
    ...(profile.model === undefined ? [] : ["--model", profile.model]),
    "--",
    promptArgument(options.prompt, options.promptFile),
  ];
}

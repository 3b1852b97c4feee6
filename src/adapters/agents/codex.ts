// OpenAI's Codex CLI in headless mode (`codex exec --json`), and the reading of its JSONL events.
// From FACTS.md (0.169): `--full-auto` is rejected; offline it retries forever, so the caller's
// timeout is what ends it. Give it stdin from /dev/null: it reads a piped stdin as extra input.
import type { AgentProfile } from "../../plan/types.js";
import { promptArgument } from "./prompt-arg.js";

/** Options of codexArgv. */
export interface CodexArgvOptions {
  readonly profile: AgentProfile;
  readonly prompt: string;
  readonly promptFile?: string;
  /** The executable (default `codex`). */
  readonly bin?: string;
}

/**
 * argv for one headless session. `exec` is read-only by default; a lane needs edits, so the sandbox
 * is `workspace-write` unless the profile's permission_mode names another sandbox.
 */
export function codexArgv(options: CodexArgvOptions): readonly string[] {
  const { profile } = options;
  return [
    options.bin ?? "codex",
    "exec",
    "--json",
    "--skip-git-repo-check",
    "--sandbox",
    profile.permissionMode ?? "workspace-write",
    ...(profile.model === undefined ? [] : ["--model", profile.model]),
    "--",
    promptArgument(options.prompt, options.promptFile),
  ];
}

/** What a codex session reported through its events. */
export interface CodexResult {
  /** A turn failed, or an error came with no completed turn. */
  readonly isError: boolean;
  /** The last agent message (or the last error message when there is none). */
  readonly lastMessage: string;
  /** Input tokens (cached ones included) summed over turns; undefined when no usage was seen. */
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  readonly numTurns: number;
  readonly sessionId?: string;
}

/** Reads `codex exec --json` stdout: one JSON event a line; other lines are ignored. */
export function parseCodexEvents(stdout: string): CodexResult {
  let lastMessage: string | undefined;
  let lastError: string | undefined;
  let failed = false;
  let turns = 0;
  let tokensIn: number | undefined;
  let tokensOut: number | undefined;
  let sessionId: string | undefined;
  for (const line of stdout.split("\n")) {
    const event = parseLine(line);
    if (event === undefined) continue;
    const type = event["type"];
    if (type === "thread.started" && typeof event["thread_id"] === "string") sessionId = event["thread_id"];
    if (type === "turn.completed") {
      turns++;
      const usage = rec(event["usage"]);
      if (Object.keys(usage).length > 0) {
        // input_tokens already counts the cached ones (cached_input_tokens is a subset).
        tokensIn = (tokensIn ?? 0) + n(usage["input_tokens"]);
        tokensOut = (tokensOut ?? 0) + n(usage["output_tokens"]);
      }
    }
    if (type === "turn.failed") {
      failed = true;
      lastError = messageOf(event["error"]) ?? lastError;
    }
    if (type === "error") lastError = messageOf(event) ?? lastError;
    if (type === "item.completed") {
      const item = rec(event["item"]);
      const kind = item["type"] ?? item["item_type"];
      if ((kind === "agent_message" || kind === "assistant_message") && typeof item["text"] === "string") {
        lastMessage = item["text"];
      }
    }
  }
  const isError = failed || (turns === 0 && lastError !== undefined);
  return {
    isError,
    lastMessage: lastMessage ?? lastError ?? "",
    ...(tokensIn === undefined ? {} : { tokensIn }),
    ...(tokensOut === undefined ? {} : { tokensOut }),
    numTurns: turns,
    ...(sessionId === undefined ? {} : { sessionId }),
  };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith("{")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(v: unknown): string | undefined {
  const m = rec(v)["message"];
  return typeof m === "string" ? m : undefined;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function n(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

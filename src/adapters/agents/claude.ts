// The Claude Code CLI in headless mode: the argv that starts one session, and the reading of the
// single JSON object it prints (`claude -p --output-format json`).
import type { AgentProfile, Gates } from "../../plan/types.js";
import { err, ok, type Result } from "../../util/result.js";
import { promptArgument } from "./prompt-arg.js";

/** The permission mode used when a profile names none: edits allowed, Bash only on the allow-list. */
export const DEFAULT_PERMISSION_MODE = "acceptEdits";

/** Options of claudeArgv. */
export interface ClaudeArgvOptions {
  readonly profile: AgentProfile;
  readonly prompt: string;
  /** Where the prompt is also written; used instead of argv when the prompt is too large for argv. */
  readonly promptFile?: string;
  /** The allow-list when the profile has none (see defaultAllowedTools). */
  readonly allowedTools?: readonly string[];
  /** The permission mode when the profile has none (default acceptEdits). */
  readonly permissionMode?: string;
  /** The model when the profile has none. */
  readonly model?: string;
  /** The executable (default `claude`, found on PATH). */
  readonly bin?: string;
  /** The item's budget: the CLI stops the session when its cost reaches it. */
  readonly maxBudgetUsd?: number;
}

/**
 * argv for one headless session. List options are variadic, so `--` goes before the prompt
 * (verified with 2.1.330): the prompt stays one element whatever it contains.
 */
export function claudeArgv(options: ClaudeArgvOptions): readonly string[] {
  const { profile } = options;
  const mode = profile.permissionMode ?? options.permissionMode ?? DEFAULT_PERMISSION_MODE;
  const tools =
    profile.allowedTools ?? options.allowedTools ?? defaultAllowedTools({ gates: [], checks: [] });
  const model = profile.model ?? options.model;
  return [
    options.bin ?? "claude",
    "-p",
    "--output-format",
    "json",
    "--permission-mode",
    mode,
    ...(tools.length > 0 ? ["--allowedTools", ...tools] : []),
    ...(model === undefined ? [] : ["--model", model]),
    ...(options.maxBudgetUsd === undefined ? [] : ["--max-budget-usd", String(options.maxBudgetUsd)]),
    "--",
    promptArgument(options.prompt, options.promptFile),
  ];
}

/** Options of defaultAllowedTools. */
export interface DefaultAllowedToolsOptions {
  /** The plan's gates (every stage), or their commands. */
  readonly gates: Gates | readonly string[];
  /** The acceptance `check` commands the agent should be able to run itself. */
  readonly checks: readonly string[];
}

/**
 * The default allow-list: git, plus each gate and check command as a `Bash(<cmd>:*)` prefix rule.
 * Measured with 2.1.330: multi-word rules such as `Bash(npm test:*)` work; a rule for a compound
 * command (`a && b`) allows only the whole compound, so each simple part also gets its own rule.
 */
export function defaultAllowedTools(options: DefaultAllowedToolsOptions): readonly string[] {
  const gates = isGates(options.gates)
    ? [...options.gates.preMerge, ...options.gates.postMerge, ...options.gates.land]
    : options.gates;
  const rules = new Set<string>(["Bash(git:*)"]);
  for (const command of [...gates, ...options.checks]) {
    const whole = command.trim();
    if (whole === "") continue;
    rules.add(`Bash(${whole}:*)`);
    for (const part of simpleParts(whole)) rules.add(`Bash(${part}:*)`);
  }
  return [...rules];
}

function isGates(g: Gates | readonly string[]): g is Gates {
  return !Array.isArray(g);
}

/** Splits a command on top-level `&&`, `||`, `;`, `|` (outside quotes); [] when it is simple. */
function simpleParts(command: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command.charAt(i);
    if (quote !== undefined) {
      current += c;
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < command.length) current += command.charAt(++i);
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === "\\" && i + 1 < command.length) {
      current += c + command.charAt(++i);
    } else if (c === ";" || c === "|" || (c === "&" && command.charAt(i + 1) === "&")) {
      if (c !== ";" && command.charAt(i + 1) === c) i++;
      parts.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  if (parts.length === 0) return [];
  parts.push(current.trim());
  return parts.filter((p) => p !== "");
}

/** What one headless session reported. */
export interface ClaudeResult {
  /** The session failed (API error, login, turn limit…); exit code and subtype can mislead. */
  readonly isError: boolean;
  /** The last assistant text (or the error message). */
  readonly resultText: string;
  readonly costUsd: number;
  /** Input tokens including cache reads and writes, over every model (subagents included). */
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly numTurns: number;
  readonly sessionId: string;
  /** Tool calls the permission mode silently refused: "Bash: git commit -m x". */
  readonly permissionDenials: readonly string[];
  /** The CLI's own reason the session ended ("completed", "api_error", …). */
  readonly terminalReason?: string;
  /** The subtype as printed (informational only). */
  readonly subtype?: string;
}

/** Why stdout could not be read as a result. */
export interface ClaudeParseError {
  readonly reason: "not-json" | "not-a-result";
  readonly detail: string;
}

/** Reads the JSON result object of `claude -p --output-format json` (the last one, if lines precede it). */
export function parseClaudeResult(stdout: string): Result<ClaudeResult, ClaudeParseError> {
  const value = lastJsonObject(stdout);
  if (value === undefined) {
    return err({ reason: "not-json", detail: `no JSON object in stdout: ${snippet(stdout)}` });
  }
  if (value["type"] !== "result" || typeof value["is_error"] !== "boolean") {
    return err({
      reason: "not-a-result",
      detail: `JSON without type "result" and is_error: ${snippet(stdout)}`,
    });
  }
  const usage = record(value["usage"]);
  const perModel = Object.values(record(value["modelUsage"])).map(record);
  let tokensIn: number;
  let tokensOut: number;
  if (perModel.length > 0) {
    tokensIn = sum(
      perModel,
      (m) => num(m["inputTokens"]) + num(m["cacheReadInputTokens"]) + num(m["cacheCreationInputTokens"]),
    );
    tokensOut = sum(perModel, (m) => num(m["outputTokens"]));
  } else {
    tokensIn =
      num(usage["input_tokens"]) +
      num(usage["cache_read_input_tokens"]) +
      num(usage["cache_creation_input_tokens"]);
    tokensOut = num(usage["output_tokens"]);
  }
  const denials = Array.isArray(value["permission_denials"])
    ? (value["permission_denials"] as unknown[])
    : [];
  const terminalReason = value["terminal_reason"];
  const subtype = value["subtype"];
  return ok({
    isError: value["is_error"],
    resultText: str(value["result"]),
    costUsd: num(value["total_cost_usd"]),
    tokensIn,
    tokensOut,
    numTurns: num(value["num_turns"]),
    sessionId: str(value["session_id"]),
    permissionDenials: denials.map(describeDenial),
    ...(typeof terminalReason === "string" ? { terminalReason } : {}),
    ...(typeof subtype === "string" ? { subtype } : {}),
  });
}

function describeDenial(d: unknown): string {
  const r = record(d);
  const tool = str(r["tool_name"]) || "unknown tool";
  const input = record(r["tool_input"]);
  const main = input["command"] ?? input["file_path"] ?? input["path"] ?? input["url"] ?? input["pattern"];
  const summary = typeof main === "string" ? main : JSON.stringify(input);
  const oneLine = summary.replace(/\s+/g, " ").trim();
  return `${tool}: ${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}`;
}

function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  const whole = tryParse(stdout.trim());
  if (whole !== undefined) return whole;
  const lines = stdout.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const v = tryParse((lines[i] ?? "").trim());
    if (v !== undefined) return v;
  }
  return undefined;
}

function tryParse(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}

function snippet(s: string): string {
  const t = s.trim().replace(/\s+/g, " ");
  return t === "" ? "(empty)" : t.length > 200 ? `${t.slice(0, 197)}...` : t;
}

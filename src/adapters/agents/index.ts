// The one door the engine uses to start any agent and read what it said: profile + item → argv,
// and stdout → outcome, for every profile kind and output format.
import type { AgentOutputFormat, AgentProfile, BuiltinAgent, Item } from "../../plan/types.js";
import { err, ok, unreachable, type Result } from "../../util/result.js";
import { claudeArgv, parseClaudeResult } from "./claude.js";
import { codexArgv, parseCodexEvents } from "./codex.js";
import { commandArgv } from "./command.js";
import { aiderArgv, geminiArgv, opencodeArgv } from "./others.js";
import { shellArgv } from "./shell.js";
import { parseAgentReport, type AgentReport } from "./status-line.js";

export { claudeArgv, defaultAllowedTools, parseClaudeResult, DEFAULT_PERMISSION_MODE } from "./claude.js";
export type {
  ClaudeArgvOptions,
  ClaudeResult,
  ClaudeParseError,
  DefaultAllowedToolsOptions,
} from "./claude.js";
export { agentEnv, currentDepth, GIT_REPO_ENV_VARS } from "./agent-env.js";
export type { AgentEnvOptions, AgentRole } from "./agent-env.js";
export { parseAgentReport } from "./status-line.js";
export type { AgentReport, AgentStatus } from "./status-line.js";
export { shellArgv } from "./shell.js";
export { commandArgv, COMMAND_PLACEHOLDERS } from "./command.js";
export { codexArgv, parseCodexEvents } from "./codex.js";
export { MAX_INLINE_PROMPT_BYTES } from "./prompt-arg.js";

/** How a profile is started: one of the built-in adapters, or its own `command`. */
export type ProfileKind = BuiltinAgent | "command";

/** A profile with a `command` runs that command (whatever `use` says); otherwise its built-in. */
export function profileKind(profile: AgentProfile): ProfileKind | undefined {
  if (profile.command !== undefined) return "command";
  return profile.use;
}

/** Options of agentInvocation. */
export interface AgentInvocationOptions {
  readonly profile: AgentProfile;
  readonly item: Pick<Item, "id" | "run">;
  /** The prompt file (written by the engine before the start). */
  readonly promptFile: string;
  readonly prompt: string;
  /** The lane's worktree (the process's cwd; also the {worktree} placeholder). */
  readonly worktree: string;
  /** claude: the allow-list when the profile has none (the engine passes defaultAllowedTools(...)). */
  readonly allowedTools?: readonly string[];
  /** claude: the permission mode when the profile has none (default acceptEdits). */
  readonly permissionMode?: string;
  /** claude: the item's budget in dollars (`--max-budget-usd`); other agents take none. */
  readonly maxBudgetUsd?: number;
  /** Executables for the built-ins (default: their names on PATH), e.g. node_modules/.bin/claude. */
  readonly bins?: Partial<Record<BuiltinAgent, string>>;
}

/** What to start and how to read its stdout. */
export interface AgentInvocation {
  readonly argv: readonly string[];
  readonly output: AgentOutputFormat;
}

/** Why an agent cannot be started (a plan problem the loader should have caught). */
export type InvocationError =
  | { readonly reason: "no-run"; readonly item: string }
  | { readonly reason: "empty-command"; readonly profile: string }
  | { readonly reason: "no-adapter"; readonly profile: string };

/**
 * The argv and output format for one attempt. Built-ins choose their own format (the one their argv
 * asks for: claude-json, codex-jsonl, text); a `command` profile uses the profile's `output`.
 */
export function agentInvocation(options: AgentInvocationOptions): Result<AgentInvocation, InvocationError> {
  const { profile, prompt, promptFile } = options;
  const kind = profileKind(profile);
  if (kind === undefined) return err({ reason: "no-adapter", profile: profile.name });
  const bin = (agent: BuiltinAgent): { bin?: string } => {
    const b = options.bins?.[agent];
    return b === undefined ? {} : { bin: b };
  };
  switch (kind) {
    case "claude":
      return ok({
        argv: claudeArgv({
          profile,
          prompt,
          promptFile,
          ...(options.allowedTools === undefined ? {} : { allowedTools: options.allowedTools }),
          ...(options.permissionMode === undefined ? {} : { permissionMode: options.permissionMode }),
          ...(options.maxBudgetUsd === undefined ? {} : { maxBudgetUsd: options.maxBudgetUsd }),
          ...bin("claude"),
        }),
        output: "claude-json",
      });
    case "codex":
      return ok({ argv: codexArgv({ profile, prompt, promptFile, ...bin("codex") }), output: "codex-jsonl" });
    case "gemini":
      return ok({ argv: geminiArgv({ profile, prompt, promptFile, ...bin("gemini") }), output: "text" });
    case "aider":
      return ok({ argv: aiderArgv({ profile, prompt, promptFile, ...bin("aider") }), output: "text" });
    case "opencode":
      return ok({ argv: opencodeArgv({ profile, prompt, promptFile, ...bin("opencode") }), output: "text" });
    case "shell": {
      const argv = shellArgv(options.item);
      return argv.ok ? ok({ argv: argv.value, output: "text" }) : err(argv.error);
    }
    case "command": {
      const argv = commandArgv(profile.command ?? [], {
        prompt,
        promptFile,
        item: options.item.id,
        worktree: options.worktree,
      });
      return argv.ok
        ? ok({ argv: argv.value, output: profile.output })
        : err({ reason: "empty-command", profile: profile.name });
    }
    default:
      return unreachable(kind, "profile kind");
  }
}

/** What an agent's stdout says about the attempt (the exit code is the caller's to add). */
export interface AgentOutcome {
  /** The agent itself reported failure (claude is_error, codex turn.failed, unreadable JSON). */
  readonly isError: boolean;
  readonly lastMessage: string;
  readonly costUsd?: number;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  readonly numTurns?: number;
  readonly sessionId?: string;
  /** Tool calls refused by the permission mode ("Bash: git commit -qm x"). */
  readonly permissionDenials: readonly string[];
  /** STATUS / NOTES from the last message. */
  readonly report: AgentReport;
  /** Why stdout could not be read, when it could not. */
  readonly parseError?: string;
  /** claude: the CLI's reason for ending ("completed", "api_error", "max_turns", …). */
  readonly terminalReason?: string;
}

/** Options of readAgentOutcome. */
export interface ReadAgentOutcomeOptions {
  readonly output: AgentOutputFormat;
  readonly stdout: string;
}

/** Reads an agent's stdout in its output format into one outcome record. */
export function readAgentOutcome(options: ReadAgentOutcomeOptions): AgentOutcome {
  const { output, stdout } = options;
  switch (output) {
    case "claude-json": {
      const parsed = parseClaudeResult(stdout);
      if (!parsed.ok) {
        return {
          isError: true,
          lastMessage: tail(stdout),
          permissionDenials: [],
          report: {},
          parseError: `${parsed.error.reason}: ${parsed.error.detail}`,
        };
      }
      const r = parsed.value;
      return {
        isError: r.isError,
        lastMessage: r.resultText,
        costUsd: r.costUsd,
        tokensIn: r.tokensIn,
        tokensOut: r.tokensOut,
        numTurns: r.numTurns,
        sessionId: r.sessionId,
        permissionDenials: r.permissionDenials,
        report: parseAgentReport(r.resultText),
        ...(r.terminalReason === undefined ? {} : { terminalReason: r.terminalReason }),
      };
    }
    case "codex-jsonl": {
      const r = parseCodexEvents(stdout);
      return {
        isError: r.isError,
        lastMessage: r.lastMessage,
        ...(r.tokensIn === undefined ? {} : { tokensIn: r.tokensIn }),
        ...(r.tokensOut === undefined ? {} : { tokensOut: r.tokensOut }),
        numTurns: r.numTurns,
        ...(r.sessionId === undefined ? {} : { sessionId: r.sessionId }),
        permissionDenials: [],
        report: parseAgentReport(r.lastMessage),
      };
    }
    case "text":
      return { isError: false, lastMessage: stdout, permissionDenials: [], report: parseAgentReport(stdout) };
    default:
      return unreachable(output, "output format");
  }
}

/** The end of an unreadable stdout, enough to show in a report. */
function tail(s: string): string {
  return s.length > 2000 ? s.slice(-2000) : s;
}

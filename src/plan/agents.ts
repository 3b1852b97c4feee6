// The agent profiles every plan can use without declaring them, and how a profile name resolves to the
// adapter behind it (needed to know, for example, which items run the scripted `shell` agent).

import type { AgentOutputFormat, AgentProfile, BuiltinAgent } from "./types.js";

/** The built-in adapters, in the order messages list them. */
export const BUILTIN_AGENTS: readonly BuiltinAgent[] = [
  "claude",
  "codex",
  "gemini",
  "aider",
  "opencode",
  "shell",
];

/** How each built-in adapter's output is read. */
export const BUILTIN_OUTPUT: Readonly<Record<BuiltinAgent, AgentOutputFormat>> = {
  claude: "claude-json",
  codex: "codex-jsonl",
  gemini: "text",
  aider: "text",
  opencode: "text",
  shell: "text",
};

/** The agent a plan uses when it names none. */
export const DEFAULT_AGENT = "claude";

/** Tells whether a name is one of the built-in adapters. */
export function isBuiltinAgent(name: string): name is BuiltinAgent {
  return (BUILTIN_AGENTS as readonly string[]).includes(name);
}

/** The built-in profiles, keyed by name, as every plan starts with them. */
export function builtinProfiles(): Record<string, AgentProfile> {
  const out: Record<string, AgentProfile> = {};
  for (const name of BUILTIN_AGENTS) out[name] = { name, use: name, output: BUILTIN_OUTPUT[name] };
  return out;
}

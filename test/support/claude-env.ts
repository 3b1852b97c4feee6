// The environment for running the real Claude Code CLI offline against a scripted model server,
// with nothing taken from the real user's config, keys or settings.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Options of claudeTestEnv. */
export interface ClaudeTestEnvOptions {
  /** The scripted server's url (ANTHROPIC_BASE_URL). */
  readonly baseUrl: string;
  /** Extra variables, set last (e.g. FLOTILLA_* or retry knobs). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** A scratch environment for one CLI run; call cleanup() in teardown. */
export interface ClaudeTestEnv {
  readonly env: NodeJS.ProcessEnv;
  /** The scratch folder that is HOME and holds CLAUDE_CONFIG_DIR. */
  readonly home: string;
  cleanup(): void;
}

/** Variables from the outer environment the CLI may see: only what finding programs needs. */
const PASSED_THROUGH = ["PATH", "LANG", "LC_ALL", "TZ", "TMPDIR"] as const;

/**
 * Measured with 2.1.330: the CLI retries an HTTP 5xx with growing backoff (9 requests in the first
 * 120 s, still going); CLAUDE_CODE_MAX_RETRIES=0 ends the run on the first 5xx in under a second
 * (exit 1, is_error, terminal_reason "api_error"). =2 gave 3 requests in 2.6 s.
 */
export const NO_RETRY_ENV: Readonly<Record<string, string>> = { CLAUDE_CODE_MAX_RETRIES: "0" };

/** Builds a scratch env (HOME, CLAUDE_CONFIG_DIR) pointing the CLI at a local model server. */
export function claudeTestEnv(options: ClaudeTestEnvOptions): ClaudeTestEnv {
  const home = mkdtempSync(join(tmpdir(), "flotilla-claude-home-"));
  const env: NodeJS.ProcessEnv = {};
  for (const key of PASSED_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-test-dummy",
    IS_SANDBOX: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    // git inside the CLI must not read the user's global config either.
    GIT_CONFIG_NOSYSTEM: "1",
    ...options.extra,
  });
  return {
    env,
    home,
    cleanup: () => {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

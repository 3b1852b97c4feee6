// A diff between two commits, cut to a number of lines, for prompts: an attempt's own changes in
// fix-forward feedback, both sides of a conflict for a resolver. Read from git, never from an agent.
import * as git from "../adapters/git/index.js";

/** The lines a diff in a prompt has at most, unless the caller says otherwise. */
export const DIFF_MAX_LINES = 400;

/** `git diff --stat --patch from to [-- paths]`, cut after `maxLines` lines with a note saying so. */
export async function boundedDiff(opts: {
  cwd: string;
  from: string;
  to: string;
  /** Only these paths (default: every path). */
  paths?: readonly string[];
  maxLines?: number;
}): Promise<string> {
  const max = opts.maxLines ?? DIFF_MAX_LINES;
  const paths = opts.paths === undefined ? [] : ["--", ...opts.paths];
  const r = await git.git({
    cwd: opts.cwd,
    args: ["diff", "--stat", "--patch", "--no-color", "--no-ext-diff", opts.from, opts.to, ...paths],
  });
  if (!r.ok) return `(the diff could not be read: ${r.error.message})`;
  const lines = r.value.stdout.split("\n");
  if (lines.length <= max) return r.value.stdout;
  return `${lines.slice(0, max).join("\n")}\n… (${lines.length - max} more lines; see git diff ${opts.from.slice(0, 10)} ${opts.to.slice(0, 10)})`;
}

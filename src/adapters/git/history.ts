// What a branch added since a commit: its commits and the files they touched, as git records them.
import { git, orThrow } from "./git.js";

/** A commit's id and first line. */
export interface CommitInfo {
  readonly sha: string;
  readonly subject: string;
}

/** The commits reachable from `to` but not from `from` (`from..to`), oldest first. */
export async function commitsBetween(opts: { cwd: string; from: string; to: string }): Promise<CommitInfo[]> {
  const out = orThrow(
    await git({
      cwd: opts.cwd,
      args: [
        "log",
        "--no-show-signature",
        "--reverse",
        "-z",
        "--format=%H %s",
        "--end-of-options",
        `${opts.from}..${opts.to}`,
        "--",
      ],
    }),
  );
  return out.stdout
    .split("\0")
    .filter((r) => r !== "")
    .map((r) => {
      const space = r.indexOf(" ");
      return space === -1 ? { sha: r, subject: "" } : { sha: r.slice(0, space), subject: r.slice(space + 1) };
    });
}

/**
 * The paths that differ between the trees of `from` and `to`, relative to the top folder; a rename
 * lists both names (the impact radius includes the old one).
 */
export async function filesChanged(opts: { cwd: string; from: string; to: string }): Promise<string[]> {
  const out = orThrow(
    await git({
      cwd: opts.cwd,
      args: [
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--no-relative",
        "--no-ext-diff",
        "--end-of-options",
        opts.from,
        opts.to,
        "--",
      ],
    }),
  );
  return out.stdout.split("\0").filter((p) => p !== "");
}

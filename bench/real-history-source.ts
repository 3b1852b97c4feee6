// The real history of the real-history bench: published versions of a package from the npm
// registry (each one a snapshot of its source), fetched with `npm pack` into a cache that reruns
// reuse, and committed one after another into a scratch repository whose `main` is the first one.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";

/** The tarballs of the versions, or why they could not be had. */
export type Fetched =
  | { readonly ok: true; readonly tarballs: readonly string[]; readonly downloaded: number }
  | { readonly ok: false; readonly reason: string };

/** Each version's tarball from the cache, or from the registry through `npm pack` when missing. */
export function fetchVersions(opts: { pkg: string; versions: readonly string[]; cacheDir: string }): Fetched {
  mkdirSync(opts.cacheDir, { recursive: true });
  const tarballs: string[] = [];
  let downloaded = 0;
  for (const v of opts.versions) {
    const file = join(opts.cacheDir, `${opts.pkg}-${v}.tgz`);
    if (!existsSync(file)) {
      const r = spawnSync(
        "npm",
        ["pack", `${opts.pkg}@${v}`, "--pack-destination", opts.cacheDir, "--silent"],
        {
          cwd: opts.cacheDir,
          encoding: "utf8",
          timeout: 120_000,
        },
      );
      if (r.status !== 0 || !existsSync(file)) {
        const why = (r.error?.message ?? r.stderr).trim().split("\n").slice(-2).join(" ");
        return {
          ok: false,
          reason: `npm pack ${opts.pkg}@${v} failed: ${why || `exit ${String(r.status)}`}`,
        };
      }
      downloaded += 1;
    }
    tarballs.push(file);
  }
  return { ok: true, tarballs, downloaded };
}

/** The ref that keeps version `v`'s snapshot commit in the scratch repository. */
export const versionRef = (v: string) => `refs/real-history/${v}`;

/**
 * Makes `dir` a repository whose `main` is the first version's files, with every version's snapshot
 * committed in order and kept by `versionRef(v)`; writes the patch of each step (version k-1 to k,
 * full blob ids so `git apply --3way` can merge) into `patchDir`. Returns the patch files.
 */
export function buildHistoryRepo(opts: {
  dir: string;
  versions: readonly string[];
  tarballs: readonly string[];
  patchDir: string;
}): string[] {
  const { dir } = opts;
  const unpack = join(dir, "..", "unpacked");
  mkdirSync(dir, { recursive: true });
  mkdirSync(opts.patchDir, { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: "pipe" });
  git("init", "-q", "-b", "history");
  git("config", "user.name", "bench");
  git("config", "user.email", "bench@flotilla.invalid");
  git("config", "gc.auto", "0");
  git("config", "commit.gpgsign", "false");
  opts.versions.forEach((v, i) => {
    const out = join(unpack, v);
    mkdirSync(out, { recursive: true });
    execFileSync("tar", ["xzf", opts.tarballs[i]!, "-C", out], { stdio: "pipe" });
    for (const name of readdirSync(dir))
      if (name !== ".git") rmSync(join(dir, name), { recursive: true, force: true });
    cpSync(join(out, "package"), dir, { recursive: true });
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", v);
    git("update-ref", versionRef(v), "HEAD");
  });
  git("checkout", "-q", "-B", "main", versionRef(opts.versions[0]!));
  git("branch", "-q", "-D", "history");
  const patches: string[] = [];
  for (let k = 1; k < opts.versions.length; k++) {
    const from = versionRef(opts.versions[k - 1]!);
    const to = versionRef(opts.versions[k]!);
    const file = join(opts.patchDir, `step-${String(k).padStart(2, "0")}.patch`);
    writeFileSync(file, git("diff", "--full-index", "--binary", "--no-renames", from, to));
    patches.push(file);
  }
  rmSync(unpack, { recursive: true, force: true });
  return patches;
}

// The scripted developer of the real-history bench: a `shell` agent that makes one real change (the
// diff between two published versions of a package) in its lane and commits it. It runs
// `git apply --3way` on the version-to-version patch; where hunks conflict with the lane (the lane
// lacks the earlier changes the patch was written on top of) it keeps the patch's side of each
// conflicting hunk (`git merge-file --theirs`), as the developer of that change would write it.
// When git refuses the patch outright (a file it edits or deletes does not exist, or its content is
// too far away), it falls back to the same per-file three-way merge against the two snapshots,
// which the repository keeps as refs. Its stdout (the agent's last message) says which way it went.

/** The script, run as `sh SCRIPT PATCH FROM_REF TO_REF MESSAGE` with the lane as working directory. */
export const APPLY_STEP_SCRIPT = String.raw`#!/bin/sh
set -u
patch=$1 from=$2 to=$3 msg=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
conflicts=0

# merge_path PATH BASE_SPEC OURS_SPEC THEIRS_SPEC: one file, three-way, conflicting hunks toward theirs.
merge_path() {
  p=$1
  if ! git cat-file -e "$4" 2>/dev/null; then
    git rm -q -f --ignore-unmatch -- "$p"
    return
  fi
  mkdir -p "$(dirname -- "$p")"
  git cat-file -p "$4" >"$tmp/theirs"
  if git cat-file -e "$3" 2>/dev/null; then git cat-file -p "$3" >"$tmp/ours"; else : >"$tmp/ours"; fi
  if git cat-file -e "$2" 2>/dev/null; then git cat-file -p "$2" >"$tmp/base"; else : >"$tmp/base"; fi
  git merge-file -q -p "$tmp/ours" "$tmp/base" "$tmp/theirs" >/dev/null 2>&1 || conflicts=$((conflicts + 1))
  git merge-file -q --theirs -p "$tmp/ours" "$tmp/base" "$tmp/theirs" >"$p"
  git add -- "$p"
}

if git apply --3way "$patch" >"$tmp/apply.log" 2>&1; then
  how="applied cleanly"
else
  unmerged=$(git diff --name-only --diff-filter=U)
  if [ -n "$unmerged" ]; then
    printf '%s\n' "$unmerged" >"$tmp/unmerged"
    while IFS= read -r p; do
      merge_path "$p" ":1:$p" ":2:$p" ":3:$p"
    done <"$tmp/unmerged"
    how="applied with conflicting hunks in $conflicts file(s), kept the patch's side"
  else
    # git apply changed nothing (it is atomic): merge every file the change touches, per file.
    git reset -q --hard HEAD
    git diff --name-only --no-renames "$from" "$to" >"$tmp/paths"
    while IFS= read -r p; do
      merge_path "$p" "$from:$p" "HEAD:$p" "$to:$p"
    done <"$tmp/paths"
    how="git apply refused the patch, merged per file: conflicting hunks in $conflicts file(s), kept the patch's side ($(grep -m1 '^error' "$tmp/apply.log" | cut -c1-80))"
  fi
fi
git add -A
if git diff --cached --quiet; then
  echo "nothing to commit: the change is already on this lane"
  exit 0
fi
git commit -q -m "$msg" || exit 1
echo "$how"
`;

/**
 * The scripted resolver of the bench (a `command` profile, `merge.resolver`): in a lane holding a
 * medium conflict's markers it keeps the release's side of each conflicting hunk — the same choice
 * the developer script makes — and commits. Run as `sh SCRIPT PROMPT` with the lane as working directory.
 */
export const RESOLVE_SCRIPT = String.raw`#!/bin/sh
set -u
n=0
for f in $(git grep -l -e '^<<<<<<< ' -- .); do
  # ours (the integration branch) up to =======, a diff3 base section, then theirs (the release).
  awk '
    /^<<<<<<< / { s = 1; next }
    /^\|\|\|\|\|\|\| / && s == 1 { s = 3; next }
    /^=======$/ && (s == 1 || s == 3) { s = 2; next }
    /^>>>>>>> / && s == 2 { s = 0; next }
    s == 0 || s == 2 { print }
  ' "$f" >"$f.flotilla-resolve" && mv "$f.flotilla-resolve" "$f"
  n=$((n + 1))
done
git add -A && git commit -q -m "resolve: keep the release's side in $n file(s)"
echo "Kept the release's side of each conflicting hunk in $n file(s)."
echo "STATUS: COMPLETE"
`;

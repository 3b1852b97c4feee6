// The git adapter in one import (`import * as git from ".../adapters/git/index.js"`): one small
// function per git operation, each with an explicit working folder.
export {
  commitAll,
  commitTree,
  type CommitFailure,
  type CommitIdentityOptions,
  type Identity,
} from "./commit.js";
export {
  assertFullRef,
  git,
  gitError,
  GitCommandError,
  orThrow,
  runGit,
  ZERO_OID,
  type GitError,
  type GitOptions,
  type GitOutput,
} from "./git.js";
export { commitsBetween, filesChanged, type CommitInfo } from "./history.js";
export { mergeTree, parseMergeTree, type MergeNote, type MergeTreeResult } from "./merge-tree.js";
export {
  branchExists,
  createBranch,
  deleteRef,
  isAncestor,
  listRefs,
  mergeBase,
  refExists,
  revParse,
  updateRef,
  updateRefs,
  type CreateBranchFailure,
  type RefEntry,
  type RefUpdate,
  type RefUpdateFailure,
  type StaleRef,
} from "./refs.js";
export { commonDir, currentBranch, gitDir, isInsideRepo, repoRoot } from "./repo.js";
export { isDirty, parseStatusPorcelain, statusPorcelain, type StatusEntry } from "./status.js";
export {
  parseWorktreeList,
  worktreeAdd,
  worktreeAddDetached,
  worktreePrune,
  worktreeList,
  worktreeRemove,
  type AddedWorktree,
  type WorktreeAddFailure,
  type WorktreeInfo,
} from "./worktree.js";

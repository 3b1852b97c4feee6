// Conflict classes of a merge into the integration branch, in one import.
export {
  classifyMerge,
  DEFAULT_CONFLICT_THRESHOLDS,
  type ClassifyFailure,
  type ConflictThresholds,
  type FileConflict,
  type HeavyReason,
  type MediumWhy,
  type MergeClassification,
  type Resolution,
  type Side,
} from "./classify.js";
export { describeFileConflict, describeHeavyReason, describeMerge } from "./describe.js";
export { diff3Chunks, matchLines, splitLines, type Diff3Chunk, type LineSpan } from "./diff3.js";
export { mergeText, type ConflictHunk, type TextMerge, type TrivialKind } from "./merge-text.js";

// The graph layer's public face: pure DAG operations, glob overlap, conflict groups and waves.

export { findCycles, type DependencyNode } from "./cycles.js";
export {
  buildGraph,
  describeGraphError,
  tryBuildGraph,
  criticalPath,
  estimateWeight,
  longestRemainingPath,
  readySet,
  remainingByIndex,
  topologicalOrder,
  transitiveDependents,
  type CriticalPath,
  type Graph,
  type GraphError,
  type GraphItem,
  type Progress,
  type Weight,
} from "./graph.js";
export {
  alternativesOverlap,
  compileGlob,
  compiledGlobsOverlap,
  globsOverlap,
  isExactGlob,
  type CompiledGlob,
  type GlobAlternative,
} from "./glob-overlap.js";
export {
  conflictGroups,
  conflictPairs,
  firstOverlap,
  overlapIndex,
  overlaps,
  type ConflictGroup,
  type OverlapIndex,
  type OverlapPair,
  type TouchingItem,
} from "./conflicts.js";
export { computeWaves, dispatchComparator, type WaveOptions } from "./waves.js";

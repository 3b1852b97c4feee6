// The process adapter in one import: running children in their own groups, short buffered
// commands, finding programs, and process identity.
export { exec, type ExecOptions, type ExecResult } from "./exec.js";
export { findExecutable, type FindExecutableOptions } from "./find-executable.js";
export {
  groupMembers,
  isGroupAlive,
  isProcessAlive,
  killGroup,
  processStartTime,
  type GroupSignal,
} from "./group.js";
export {
  DEFAULT_CAP_BYTES,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_TAIL_BYTES,
  runProcess,
  type ProcessOutcome,
  type RunProcessOptions,
} from "./run-process.js";
export type { SpawnError } from "./spawn-error.js";

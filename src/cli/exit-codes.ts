// The exit codes of the command contract (DESIGN.md "Commands").

/** Every code `flotilla` can exit with, by meaning. */
export const ExitCode = {
  /** Everything landed (or merged, with `land: none`); or a read-only command succeeded. */
  ok: 0,
  /** The run ended with failed or blocked items. */
  itemsFailed: 1,
  /** A usage or plan error: nothing was started. */
  usage: 2,
  /** The run was interrupted and can be resumed. */
  interrupted: 3,
} as const;

/** One of the contract's exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

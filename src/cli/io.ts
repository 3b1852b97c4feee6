// Where commands write: injected so tests can capture output without touching process streams.

/** The terminal as commands see it. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stdout is a terminal. */
  readonly isTTY: boolean;
  /** Whether stderr (where the live view draws) is a terminal, and its width. */
  readonly errIsTTY: boolean;
  readonly errColumns?: number;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The real terminal. */
export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY,
    errIsTTY: process.stderr.isTTY,
    // `columns` is only defined when stderr is a terminal (the type says number regardless).
    ...(process.stderr.isTTY ? { errColumns: process.stderr.columns } : {}),
    cwd: process.cwd(),
    env: process.env,
  };
}

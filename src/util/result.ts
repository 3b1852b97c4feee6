// Expected failures are values: a Result carries either a value or a failure tagged by `reason`.

/** A successful value or an expected failure; exceptions are reserved for bugs. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Builds the success side of a Result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Builds the failure side of a Result. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** Ends every exhaustive switch: the compiler proves it unreachable; at run time it is a bug. */
export function unreachable(value: never, what = "value"): never {
  throw new Error(`unreachable: unexpected ${what} ${JSON.stringify(value)}`);
}

// A promise chain that runs async sections one at a time, for the few git operations that must
// not overlap (concurrent `git worktree add`s read each other's half-written registrations).

/** Runs `fn` after every section queued before it has settled; its result or error is passed on. */
export type Mutex = <T>(fn: () => Promise<T>) => Promise<T>;

/** A new, free mutex. */
export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

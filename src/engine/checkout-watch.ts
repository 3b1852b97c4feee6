// Watching the user's checkout: agents must not write there. One `git status` per agent exit (not
// two per attempt): each snapshot is compared with the previous one, and any change is attributed
// to every attempt that was running in between, since from outside we cannot tell which did it.
import { checkoutChanges, checkoutSnapshot } from "./git-facts.js";

/** An attempt the watch is following. */
export interface WatchedAttempt {
  readonly itemId: string;
  readonly attempt: number;
}

/** Changes to the user's checkout, with the attempts that were running when they happened. */
export interface CheckoutChange {
  readonly paths: readonly string[];
  readonly suspects: readonly WatchedAttempt[];
}

/** The watch as the engine uses it. */
export interface CheckoutWatch {
  /** Call before an agent starts (takes the first snapshot of the run if none exists). */
  begin(a: WatchedAttempt): Promise<void>;
  /**
   * Call after the agent exits: every change seen while it ran (by its own snapshot, or by the
   * snapshot of another agent that ended meanwhile), each with who was running.
   */
  end(a: WatchedAttempt): Promise<CheckoutChange[]>;
}

/** A watch over `repoDir`; snapshots are taken one at a time. */
export function createCheckoutWatch(repoDir: string): CheckoutWatch {
  let last: Map<string, string> | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  // Attempts running since the last snapshot (including ones that ended in the window).
  const window = new Map<string, WatchedAttempt>();
  const running = new Map<string, WatchedAttempt>();
  // Changes already seen by another agent's snapshot, kept for the suspects still running.
  const pending = new Map<string, CheckoutChange[]>();
  const key = (a: WatchedAttempt) => `${a.itemId}#${a.attempt}`;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    begin: (a) =>
      serial(async () => {
        last ??= await checkoutSnapshot(repoDir);
        running.set(key(a), a);
        window.set(key(a), a);
      }),
    end: (a) =>
      serial(async () => {
        const now = await checkoutSnapshot(repoDir);
        const paths = last === undefined ? [] : checkoutChanges(last, now);
        const suspects = [...window.values()];
        last = now;
        running.delete(key(a));
        window.clear();
        for (const [k, v] of running) window.set(k, v);
        const mine = pending.get(key(a)) ?? [];
        pending.delete(key(a));
        if (paths.length === 0) return mine;
        const change: CheckoutChange = { paths, suspects };
        for (const s of suspects) {
          if (running.has(key(s))) pending.set(key(s), [...(pending.get(key(s)) ?? []), change]);
        }
        return [...mine, change];
      }),
  };
}
